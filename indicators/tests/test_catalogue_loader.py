"""Loading framework edition files: what a valid file creates, every kind of invalid file
(reported with file, path and field, and nothing written), idempotent re-runs and the refusal
to change an edition that assessments already use."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from assessments.models import AssessmentSnapshot
from indicators.loaders.common import LoadError
from indicators.loaders.frameworks import load_files
from indicators.models import (
    Criterion,
    CriterionRule,
    DataElement,
    Domain,
    FrameworkEdition,
    Indicator,
    Task,
)

MINI = Path(__file__).parent / "data" / "catalogue_mini.yaml"
MINI_CODE = "test-mini-2020"
CATALOGUE_MODELS = (
    FrameworkEdition,
    Domain,
    Task,
    Indicator,
    DataElement,
    Criterion,
    CriterionRule,
)

# Paths of the mini edition's indicators, as the loader reports them.
IND_1 = "domains[0].tasks[0].indicators[0]"
IND_2 = "domains[0].tasks[0].indicators[1]"
IND_2_1 = f"{IND_2}.children[0]"
IND_2_2 = f"{IND_2}.children[1]"
IND_3 = "domains[1].tasks[0].indicators[0]"

pytestmark = pytest.mark.django_db


def mini(code: str = MINI_CODE) -> dict:
    doc = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    doc["edition"]["code"] = code
    return doc


def find(doc: dict, code: str) -> dict:
    """The indicator (or sub-indicator) of ``doc`` with ``code``."""
    for domain in doc["domains"]:
        for task in domain["tasks"]:
            for ind in task["indicators"]:
                for candidate in [ind, *ind.get("children", [])]:
                    if candidate["code"] == code:
                        return candidate
    raise KeyError(code)


def write(tmp_path: Path, doc: dict, name: str = "edition.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def load(*paths: Path):
    return load_files(paths, now=timezone.now())


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in CATALOGUE_MODELS}


def edition_ids(code: str) -> dict[str, set[int]]:
    """Every row id of an edition, to see whether a re-run kept or replaced them."""
    edition = FrameworkEdition.objects.get(code=code)
    indicators = Indicator.objects.filter(edition=edition)
    return {
        "edition": {edition.pk},
        "domains": set(Domain.objects.filter(edition=edition).values_list("pk", flat=True)),
        "tasks": set(Task.objects.filter(edition=edition).values_list("pk", flat=True)),
        "indicators": set(indicators.values_list("pk", flat=True)),
        "elements": set(indicators.values_list("data_element_id", flat=True)) - {None},
        "criteria": set(
            Criterion.objects.filter(indicator__edition=edition).values_list("pk", flat=True)
        ),
        "rules": set(
            CriterionRule.objects.filter(criterion__indicator__edition=edition).values_list(
                "pk", flat=True
            )
        ),
    }


def rule_of(code: str, *, level: str = "", edition: str = MINI_CODE) -> CriterionRule:
    return CriterionRule.objects.get(
        criterion__indicator__edition__code=edition,
        criterion__indicator__code=code,
        criterion__level=level,
    )


def snapshot_for(edition: FrameworkEdition, region) -> AssessmentSnapshot:
    return AssessmentSnapshot.objects.create(
        region=region,
        edition=edition,
        year=2023,
        mode="official",
        as_of=timezone.now(),
        input_hash="0" * 64,
        verdict="incomplete",
        binding_met=0,
        binding_applicable=0,
        reference_met=0,
        reference_applicable=0,
        result={},
    )


# --------------------------------------------------------------------------- valid file


def test_valid_file_creates_edition_with_its_pass_rule(tmp_path):
    [result] = load(write(tmp_path, mini()))

    assert (result.code, result.outcome, result.indicators) == (MINI_CODE, "created", 5)
    edition = FrameworkEdition.objects.get(code=MINI_CODE)
    assert edition.name == "测试用小型指标体系"
    assert edition.issuing_document == "测试〔2020〕1号"
    assert (edition.year, edition.status, edition.reconstruction) == (2020, "draft", False)
    assert edition.window_years == 3
    assert edition.all_binding_required is True
    assert edition.reference_ratio_required == Decimal("0.8")
    assert edition.veto_in_window is True
    assert edition.source_file == "edition.yaml"
    assert len(edition.content_hash) == 64
    assert edition.loaded_at is not None


def test_valid_file_creates_domains_and_tasks_in_file_order(tmp_path):
    load(write(tmp_path, mini()))

    edition = FrameworkEdition.objects.get(code=MINI_CODE)
    domains = [(d.code, d.name, d.order) for d in edition.domains.order_by("order")]
    assert domains == [("1", "生态制度", 0), ("2", "生态安全", 1)]
    tasks = [(t.code, t.domain.code) for t in edition.tasks.order_by("order")]
    assert tasks == [("一", "1"), ("二", "2")]


def test_valid_file_creates_indicators_with_parents_and_inherited_attributes(tmp_path):
    load(write(tmp_path, mini()))

    rows = {
        ind.code: ind
        for ind in Indicator.objects.filter(edition__code=MINI_CODE).select_related(
            "parent", "task", "data_element"
        )
    }
    assert list(rows) == ["1", "2", "2.1", "2.2", "3"]
    assert {code: (ind.parent.code if ind.parent else None) for code, ind in rows.items()} == {
        "1": None,
        "2": None,
        "2.1": "2",
        "2.2": "2",
        "3": None,
    }
    # Children inherit category and scope from their parent.
    assert (rows["2.1"].category, rows["2.1"].scope) == ("reference", "both")
    assert (rows["3"].category, rows["3"].scope, rows["3"].task.code) == ("binding", "county", "二")
    assert rows["1"].confidence == "C"
    assert rows["3"].confidence == "R"
    assert rows["2"].data_element is None
    assert rows["2.2"].data_element.key == "test_emission_intensity"


def test_valid_file_creates_data_elements_with_defaults(tmp_path):
    load(write(tmp_path, mini()))

    elements = {e.key: e for e in DataElement.objects.filter(key__startswith="test_")}
    assert set(elements) == {
        "test_plan",
        "test_sewage_rate",
        "test_emission_intensity",
        "test_cover",
    }
    sewage = elements["test_sewage_rate"]
    assert (sewage.value_kind, sewage.unit, sewage.direction) == ("percentage", "%", "higher")
    assert (sewage.plausible_min, sewage.plausible_max) == (Decimal(0), Decimal(100))
    intensity = elements["test_emission_intensity"]
    assert (intensity.unit, intensity.direction, intensity.decimals) == ("吨/万元", "lower", 2)
    assert intensity.plausible_min is None and intensity.plausible_max is None
    assert intensity.plausibility_band == Decimal("0.3")
    # A percentage without explicit bounds gets 0–100.
    cover = elements["test_cover"]
    assert (cover.plausible_min, cover.plausible_max, cover.decimals) == (0, 100, 1)
    assert elements["test_plan"].value_kind == "boolean"


def test_valid_file_creates_criteria_and_rules_as_written(tmp_path):
    load(write(tmp_path, mini()))

    criteria = Criterion.objects.filter(indicator__edition__code=MINI_CODE)
    assert criteria.count() == 6
    assert CriterionRule.objects.filter(criterion__in=criteria).count() == 7
    summary = {
        (c.indicator.code, tuple(sorted(c.region_class().items())), c.target_text): [
            (r.kind, r.operator, r.value, r.tolerance) for r in c.rules.all()
        ]
        for c in criteria.select_related("indicator").prefetch_related("rules")
    }
    assert summary == {
        ("1", (), "制定实施"): [("qualitative", "", None, None)],
        ("2.1", (("level", "county"),), "≥85"): [("threshold", ">=", Decimal(85), None)],
        ("2.1", (("level", "city"),), "≥95"): [("threshold", ">=", Decimal(95), None)],
        ("2.2", (), "完成上级任务，保持稳定"): [
            ("assigned_target", "", None, None),
            ("no_deterioration", "", None, Decimal("0.5")),
        ],
        ("3", (("terrain", "plain"),), "≥18"): [("threshold", ">=", Decimal(18), None)],
        ("3", (("terrain", "hill"),), "≥40"): [("threshold", ">=", Decimal(40), None)],
    }


def test_coastal_applies_to_is_stored_as_yes_or_no(tmp_path):
    doc = mini()
    find(doc, "3")["criteria"] = [
        {
            "applies_to": {"coastal": True},
            "target_text": "≥1",
            "rules": [{"kind": "assigned_target"}],
        },
        {"applies_to": {"coastal": False}, "target_text": "—", "rules": [{"kind": "no_decrease"}]},
    ]
    load(write(tmp_path, doc))

    stored = Criterion.objects.filter(indicator__edition__code=MINI_CODE, indicator__code="3")
    assert sorted(stored.values_list("coastal", flat=True)) == ["no", "yes"]


def test_command_prints_created_then_unchanged(tmp_path):
    path = write(tmp_path, mini())

    first, second = io.StringIO(), io.StringIO()
    call_command("load_framework", str(path), stdout=first)
    call_command("load_framework", str(path), stdout=second)

    assert first.getvalue().strip() == f"{MINI_CODE}: created (5 indicators) from {path}"
    assert second.getvalue().strip() == f"{MINI_CODE}: unchanged (5 indicators) from {path}"


def test_command_prints_one_line_per_file(tmp_path):
    paths = [
        write(tmp_path, mini(), "a.yaml"),
        write(tmp_path, mini("test-other-2020"), "b.yaml"),
    ]
    out = io.StringIO()
    call_command("load_framework", *map(str, paths), stdout=out)

    assert out.getvalue().splitlines() == [
        f"{MINI_CODE}: created (5 indicators) from {paths[0]}",
        f"test-other-2020: created (5 indicators) from {paths[1]}",
    ]


# --------------------------------------------------------------------------- invalid files


def _pop(mapping: dict, key: str) -> None:
    del mapping[key]


def _duplicate_code(doc: dict) -> None:
    task = doc["domains"][1]["tasks"][0]
    task["indicators"].append({**find(doc, "3"), "code": "1", "key": "test_cover_again"})


def _ambiguous(doc: dict) -> None:
    criteria = find(doc, "3")["criteria"]
    criteria[0]["applies_to"] = {"level": "county"}
    criteria[1]["applies_to"] = {"terrain": "plain"}


def _min_above_max(doc: dict) -> None:
    find(doc, "2.1").update(plausible_min=100, plausible_max=0)


def _unit_differs_from_database(doc: dict) -> None:
    # forest_grass_coverage is a shipped element: percentage, "%", higher.
    find(doc, "3").update(key="forest_grass_coverage", unit="‰")


def _qualitative_on_numeric(doc: dict) -> None:
    find(doc, "2.2")["criteria"][0]["rules"] = [{"kind": "qualitative"}]


def _threshold_rule(doc: dict, code: str = "2.1") -> dict:
    return find(doc, code)["criteria"][0]["rules"][0]


INVALID_DOCUMENTS = [
    pytest.param(lambda d: _pop(d["edition"], "name"), [("edition", "name")], id="missing-field"),
    pytest.param(
        lambda d: find(d, "1").update(colour="green"), [(IND_1, "colour")], id="unknown-field"
    ),
    pytest.param(
        lambda d: find(d, "1").update(category="mandatory"),
        [(f"{IND_1}.category", "category")],
        id="bad-enum",
    ),
    pytest.param(
        lambda d: d["edition"].update(status="active"),
        [("edition.status", "status")],
        id="bad-edition-status",
    ),
    pytest.param(
        _duplicate_code,
        [("domains[1].tasks[0].indicators[1]", "code")],
        id="duplicate-indicator-code",
    ),
    pytest.param(
        lambda d: find(d, "2.2").update(code="3.2"),
        [(IND_2_2, "code")],
        id="child-code-not-prefixed-by-parent",
    ),
    pytest.param(lambda d: _pop(find(d, "1"), "key"), [(IND_1, "key")], id="leaf-without-key"),
    pytest.param(
        lambda d: _pop(find(d, "1"), "criteria"), [(IND_1, "criteria")], id="leaf-without-criteria"
    ),
    pytest.param(
        lambda d: find(d, "1").update(criteria=[]),
        [(f"{IND_1}.criteria", "criteria")],
        id="leaf-with-empty-criteria",
    ),
    pytest.param(
        lambda d: find(d, "2").update(key="test_parent"), [(IND_2, "key")], id="parent-with-key"
    ),
    pytest.param(
        lambda d: _pop(_threshold_rule(d), "operator"),
        [(f"{IND_2_1}.criteria[0].rules[0]", "operator")],
        id="threshold-without-operator",
    ),
    pytest.param(
        lambda d: _threshold_rule(d).update(value=120),
        [(f"{IND_2_1}.criteria[0].rules[0]", "value")],
        id="percentage-threshold-above-100",
    ),
    pytest.param(
        _qualitative_on_numeric,
        [(f"{IND_2_2}.criteria[0].rules[0]", "kind")],
        id="qualitative-rule-on-numeric-indicator",
    ),
    pytest.param(_ambiguous, [(IND_3, "applies_to")], id="ambiguous-criteria-classes"),
    pytest.param(_min_above_max, [(IND_2_1, "plausible_min")], id="plausible-min-above-max"),
    pytest.param(
        _unit_differs_from_database, [(IND_3, "unit")], id="element-unit-differs-from-database"
    ),
]


@pytest.mark.parametrize(("mutate", "expected"), INVALID_DOCUMENTS)
def test_invalid_file_is_reported_with_file_path_and_field(tmp_path, mutate, expected):
    doc = mini()
    mutate(doc)
    path = write(tmp_path, doc)

    with pytest.raises(LoadError) as caught:
        load(path)

    assert [(p.file, p.path, p.field) for p in caught.value.problems] == [
        (str(path), where, field) for where, field in expected
    ]
    assert all(p.message for p in caught.value.problems)


@pytest.mark.parametrize(("mutate", "expected"), INVALID_DOCUMENTS)
def test_invalid_file_writes_nothing_even_beside_a_valid_file(tmp_path, mutate, expected):
    valid = write(tmp_path, mini("test-valid-2020"), "valid.yaml")
    doc = mini()
    mutate(doc)
    invalid = write(tmp_path, doc, "invalid.yaml")
    before = counts()

    with pytest.raises(LoadError):
        load(valid, invalid)

    assert counts() == before
    assert not FrameworkEdition.objects.filter(code__in=["test-valid-2020", MINI_CODE]).exists()


@pytest.mark.parametrize(
    ("content", "where", "message"),
    [
        pytest.param(b"edition: [unclosed\n", "line 2, column 1", "not valid YAML", id="not-yaml"),
        pytest.param(
            "schema_version: 1\nedition: {name: 指标}\n".encode("gbk"),
            "",
            "not UTF-8",
            id="not-utf8",
        ),
    ],
)
def test_unreadable_file_is_reported_and_nothing_written(tmp_path, content, where, message):
    valid = write(tmp_path, mini("test-valid-2020"), "valid.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_bytes(content)
    before = counts()

    with pytest.raises(LoadError) as caught:
        load(valid, broken)

    [problem] = caught.value.problems
    assert (problem.file, problem.path, problem.field) == (str(broken), where, "")
    assert message in problem.message
    assert counts() == before


def test_sub_indicator_with_children_of_its_own_is_refused(tmp_path):
    doc = mini()
    child = find(doc, "2.2")
    find(doc, "2")["children"][1] = {
        "code": "2.2",
        "name": "排放",
        "children": [{**child, "code": "2.21"}],
    }
    before = counts()

    with pytest.raises(LoadError):
        load(write(tmp_path, doc))

    assert counts() == before


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(LoadError) as caught:
        load(tmp_path / "absent.yaml")

    [problem] = caught.value.problems
    assert problem.file == str(tmp_path / "absent.yaml")
    assert "cannot read" in problem.message


def test_edition_code_repeated_across_two_files_is_refused(tmp_path):
    first = write(tmp_path, mini(), "first.yaml")
    second = write(tmp_path, mini(), "second.yaml")
    before = counts()

    with pytest.raises(LoadError) as caught:
        load(first, second)

    [problem] = caught.value.problems
    assert (problem.file, problem.path, problem.field) == (str(second), "edition", "code")
    assert str(first) in problem.message
    assert counts() == before


def test_one_key_with_two_units_in_two_files_is_refused(tmp_path):
    first = write(tmp_path, mini(), "first.yaml")
    other = mini("test-other-2020")
    find(other, "2.2")["unit"] = "千克/万元"
    second = write(tmp_path, other, "second.yaml")
    before = counts()

    with pytest.raises(LoadError) as caught:
        load(first, second)

    [problem] = caught.value.problems
    assert (problem.file, problem.path, problem.field) == (str(second), IND_2_2, "unit")
    assert str(first) in problem.message
    assert counts() == before


def test_every_problem_of_a_file_is_reported_at_once(tmp_path):
    doc = mini()
    _pop(find(doc, "1"), "criteria")
    _pop(_threshold_rule(doc), "operator")
    _min_above_max(doc)
    path = write(tmp_path, doc)

    with pytest.raises(LoadError) as caught:
        load(path)

    assert {(p.path, p.field) for p in caught.value.problems} == {
        (IND_1, "criteria"),
        (IND_2_1, "plausible_min"),
        (f"{IND_2_1}.criteria[0].rules[0]", "operator"),
    }


def test_command_lists_every_problem_on_stderr_and_fails(tmp_path):
    doc = mini()
    _pop(find(doc, "1"), "criteria")
    _pop(_threshold_rule(doc), "operator")
    _min_above_max(doc)
    path = write(tmp_path, doc)
    valid = write(tmp_path, mini("test-valid-2020"), "valid.yaml")
    out, err = io.StringIO(), io.StringIO()
    before = counts()

    with pytest.raises(CommandError, match=r"3 problem\(s\) found; nothing was written"):
        call_command("load_framework", str(valid), str(path), stdout=out, stderr=err)

    lines = err.getvalue().splitlines()
    assert len(lines) == 3
    assert all(line.startswith(f"{path}: ") for line in lines)
    assert any(f"{IND_1} [criteria]" in line for line in lines)
    assert any(f"{IND_2_1} [plausible_min]" in line for line in lines)
    assert any(f"{IND_2_1}.criteria[0].rules[0] [operator]" in line for line in lines)
    assert out.getvalue() == ""
    assert counts() == before


# --------------------------------------------------------------------------- re-runs


def test_reloading_unchanged_file_changes_nothing(tmp_path):
    path = write(tmp_path, mini())
    load(path)
    ids, before = edition_ids(MINI_CODE), counts()
    loaded_at = FrameworkEdition.objects.get(code=MINI_CODE).loaded_at

    [result] = load(path)

    assert (result.outcome, result.indicators) == ("unchanged", 5)
    assert counts() == before
    assert edition_ids(MINI_CODE) == ids
    assert FrameworkEdition.objects.get(code=MINI_CODE).loaded_at == loaded_at


def test_reloading_ignores_comments_and_formatting(tmp_path):
    path = write(tmp_path, mini())
    load(path)

    path.write_text("# a new comment\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    [result] = load(path)

    assert result.outcome == "unchanged"


def test_manual_edit_of_a_rule_survives_an_unchanged_reload(tmp_path):
    path = write(tmp_path, mini())
    load(path)
    rule = rule_of("2.1", level="county")
    rule.value = Decimal("87.5")
    rule.save()

    load(path)

    assert rule_of("2.1", level="county").value == Decimal("87.5")


def test_reloading_shipped_editions_reports_unchanged(catalogue):
    from django.conf import settings

    from indicators.reference import FRAMEWORK_FILES

    before = counts()
    results = load(*(settings.BASE_DIR / f for f in FRAMEWORK_FILES))

    assert {(r.code, r.outcome) for r in results} == {
        ("jiangsu-county-2019", "unchanged"),
        ("national-2019", "unchanged"),
    }
    assert counts() == before


def test_changed_threshold_updates_in_place_keeping_indicator_ids(tmp_path):
    path = write(tmp_path, mini())
    load(path)
    ids, before = edition_ids(MINI_CODE), counts()
    old_hash = FrameworkEdition.objects.get(code=MINI_CODE).content_hash
    doc = mini()
    _threshold_rule(doc).update(value=90)
    find(doc, "2.1")["criteria"][0]["target_text"] = "≥90"
    write(tmp_path, doc)

    [result] = load(path)

    assert (result.outcome, result.indicators) == ("updated", 5)
    assert counts() == before
    after = edition_ids(MINI_CODE)
    for kept in ("edition", "domains", "tasks", "indicators", "elements"):
        assert after[kept] == ids[kept], kept
    assert rule_of("2.1", level="county").value == Decimal(90)
    assert rule_of("2.1", level="county").criterion.target_text == "≥90"
    assert rule_of("2.1", level="city").value == Decimal(95)
    assert FrameworkEdition.objects.get(code=MINI_CODE).content_hash != old_hash


def test_changed_file_without_an_indicator_removes_it(tmp_path):
    path = write(tmp_path, mini())
    load(path)
    kept_ids = dict(Indicator.objects.filter(edition__code=MINI_CODE).values_list("code", "pk"))
    doc = mini()
    find(doc, "2")["children"].pop()  # 2.2
    write(tmp_path, doc)

    [result] = load(path)

    assert (result.outcome, result.indicators) == ("updated", 4)
    remaining = dict(Indicator.objects.filter(edition__code=MINI_CODE).values_list("code", "pk"))
    assert remaining == {code: pk for code, pk in kept_ids.items() if code != "2.2"}
    # The data element stays: other editions or values may use it.
    assert DataElement.objects.filter(key="test_emission_intensity").exists()


def _renumber(doc: dict) -> None:
    find(doc, "3")["code"] = "4"


def _swap_keys(doc: dict) -> None:
    sewage, cover = find(doc, "2.1"), find(doc, "3")
    sewage["key"], cover["key"] = cover["key"], sewage["key"]


@pytest.mark.parametrize("change", [_renumber, _swap_keys], ids=["renumbered", "keys-swapped"])
def test_revised_file_may_move_a_data_element_to_another_code(tmp_path, change):
    path = write(tmp_path, mini())
    load(path)
    doc = mini()
    change(doc)
    write(tmp_path, doc)

    [result] = load(path)

    assert result.outcome == "updated"


# --------------------------------------------------------------------------- editions in use


def test_changed_file_of_an_edition_in_use_is_refused(tmp_path, zhonglou):
    path = write(tmp_path, mini())
    load(path)
    snapshot_for(FrameworkEdition.objects.get(code=MINI_CODE), zhonglou)
    ids, before = edition_ids(MINI_CODE), counts()
    doc = mini()
    _threshold_rule(doc).update(value=90)
    write(tmp_path, doc)

    with pytest.raises(LoadError) as caught:
        load(path)

    [problem] = caught.value.problems
    assert (problem.file, problem.path, problem.field) == (str(path), "edition", "code")
    assert "new edition" in problem.message
    assert counts() == before
    assert edition_ids(MINI_CODE) == ids
    assert rule_of("2.1", level="county").value == Decimal(85)


def test_refused_edition_blocks_the_other_files_of_the_call(tmp_path, zhonglou):
    path = write(tmp_path, mini())
    load(path)
    snapshot_for(FrameworkEdition.objects.get(code=MINI_CODE), zhonglou)
    doc = mini()
    _threshold_rule(doc).update(value=90)
    write(tmp_path, doc)
    other = write(tmp_path, mini("test-other-2020"), "other.yaml")
    before = counts()

    with pytest.raises(LoadError):
        load(other, path)

    assert counts() == before
    assert not FrameworkEdition.objects.filter(code="test-other-2020").exists()


def test_command_refusal_tells_the_user_to_load_a_new_edition(tmp_path, zhonglou):
    path = write(tmp_path, mini())
    load(path)
    snapshot_for(FrameworkEdition.objects.get(code=MINI_CODE), zhonglou)
    doc = mini()
    find(doc, "1")["name"] = "规划（修订）"
    write(tmp_path, doc)
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("load_framework", str(path), stdout=io.StringIO(), stderr=err)

    [line] = err.getvalue().splitlines()
    assert line.startswith(f"{path}: edition [code]: ")
    assert "new edition code" in line
    assert Indicator.objects.get(edition__code=MINI_CODE, code="1").name == "规划"


def test_unchanged_file_of_an_edition_in_use_still_loads(tmp_path, zhonglou):
    path = write(tmp_path, mini())
    load(path)
    snapshot_for(FrameworkEdition.objects.get(code=MINI_CODE), zhonglou)
    ids = edition_ids(MINI_CODE)

    [result] = load(path)

    assert result.outcome == "unchanged"
    assert edition_ids(MINI_CODE) == ids
