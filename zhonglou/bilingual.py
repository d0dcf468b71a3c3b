"""The one way to read a bilingual field: ``name`` is Chinese, ``name_en`` its English variant.

Works on whatever carries the pair: models (Region.name / name_en), the scoring engine's result
objects (IndicatorResult.explanation / explanation_en), and dicts (stored results, page rows).
Templates use the filters ``localized`` and ``localized_list`` (dashboard.templatetags.zl).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import get_language


def english() -> bool:
    return (get_language() or "").startswith("en")


def _field(obj, name: str):
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)


def localized(obj, field: str):
    """``field`` of ``obj`` in the active language: its ``<field>_en`` variant when the language
    is English and the variant is not empty, else the field itself ("" when there is none)."""
    if obj is None:
        return ""
    if english():
        value = _field(obj, f"{field}_en")
        if value:
            return value
    value = _field(obj, field)
    return "" if value is None else value


def localized_list(obj, field: str) -> str:
    """A list field (e.g. ``departments``) in the active language, joined as the language
    writes lists: 农业农村局、生态环境局 / Agriculture, Ecology."""
    return (", " if english() else "、").join(localized(obj, field) or ())
