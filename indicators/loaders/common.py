"""What the loaders share: reading YAML, reporting problems with file, path and field."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml

SCHEMA_DIR = Path(__file__).resolve().parent.parent.parent / "data"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data file."""

    file: str
    path: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        field = f" [{self.field}]" if self.field else ""
        return f"{where}{field}: {self.message}"


class LoadError(Exception):
    """The files are invalid or cannot be applied; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def format_path(parts) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def read_yaml(path: Path) -> tuple[Any, list[Problem]]:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return None, [Problem(name, "", "", f"cannot read the file ({exc.strerror})")]
    except UnicodeDecodeError:
        return None, [Problem(name, "", "", "the file is not UTF-8 text")]
    try:
        return yaml.safe_load(text), []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        return None, [Problem(name, where, "", f"not valid YAML: {getattr(exc, 'problem', exc)}")]


def schema_problems(document: Any, schema_file: str, file: str) -> list[Problem]:
    schema = json.loads((SCHEMA_DIR / schema_file).read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    problems = []
    for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
        parts = list(error.absolute_path)
        field = ""
        if error.validator == "required":
            field = error.message.split("'")[1] if "'" in error.message else ""
        elif error.validator == "additionalProperties":
            field = ", ".join(sorted(set(error.instance) - set(error.schema.get("properties", {}))))
        elif parts and isinstance(parts[-1], str):
            field = parts[-1]
        problems.append(Problem(file, format_path(parts), field, error.message))
    return problems


def content_hash(document: Any) -> str:
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
