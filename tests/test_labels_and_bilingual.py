"""Each labelled value is defined once and shown the same everywhere; bilingual fields are read
one way, whatever carries them (model, the engine's result objects, dict)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from assessments import choices
from assessments.scoring import types
from assessments.scoring.types import IndicatorResult, MissingItem, Status
from indicators.choices import ValueState, ValueStatus
from zhonglou.bilingual import localized, localized_list
from zhonglou.choices import icon_and_word


@pytest.mark.parametrize("enum", [types.Mode, types.Status, types.Verdict])
def test_django_choices_are_derived_from_the_engine_enums(enum):
    derived = getattr(choices, enum.__name__)
    assert derived.values == [m.value for m in enum]
    assert [m.icon for m in derived] == [m.icon for m in enum]
    with translation.override("en"):
        assert [str(label) for label in derived.labels] == [m.word for m in enum]
    assert all(derived(m.value) == m for m in enum)  # the same strings


def test_every_shown_status_has_an_icon_and_a_translated_word():
    for member in [*types.Status, *types.Verdict, *ValueState]:
        icon, word = icon_and_word(type(member), member.value)
        assert icon and word
    with translation.override("zh-hans"):
        assert icon_and_word(choices.Verdict, "incomplete") == ("⚠", "数据不全")
        assert icon_and_word(ValueState, "missing") == ("?", "待填报")
        assert icon_and_word(ValueStatus, "returned") == ("↩", "已退回")
    assert icon_and_word(ValueStatus, "bogus") == ("", "bogus")


def result(**fields) -> IndicatorResult:
    base = dict(
        code="25",
        name="秸秆综合利用率",
        name_en="Straw utilisation rate",
        category="binding",
        parent_code=None,
        unit="%",
        status=Status.MET,
        value=Decimal("97"),
        years_used=(2021,),
        target_text="≥90",
        target_text_en="",
        gap=None,
        gap_text="",
        gap_text_en="",
        explanation="",
        explanation_en="",
        departments=("农业农村局", "生态环境局"),
        departments_en=("Agriculture", "Ecology"),
    )
    return IndicatorResult(**{**base, **fields})


@pytest.mark.django_db
def test_localized_reads_models_result_objects_and_dicts_alike(zhonglou):
    item = result()
    missing = MissingItem("25", "秸秆", "", Status.MISSING, (2021,), ("农业农村局",))
    row = {"name": "生态保护", "name_en": "Protection", "departments": ["农业农村局"]}
    with translation.override("en"):
        assert localized(item, "name") == "Straw utilisation rate"
        assert localized(item, "target_text") == "≥90"  # no English: the Chinese field
        assert localized(missing, "name") == "秸秆"
        assert localized(row, "name") == "Protection"
        assert localized(zhonglou, "name") == (zhonglou.name_en or zhonglou.name)
        assert localized_list(item, "departments") == "Agriculture, Ecology"
        assert localized_list(row, "departments") == "农业农村局"
        assert localized(None, "name") == "" and localized({}, "name") == ""
    with translation.override("zh-hans"):
        assert localized(item, "name") == "秸秆综合利用率"
        assert localized_list(item, "departments") == "农业农村局、生态环境局"


def test_templates_use_the_same_filters():
    template = Template(
        '{% load zl %}{{ item|localized:"name" }} · {{ item|localized_list:"departments" }}'
    )
    context = Context({"item": result()})
    with translation.override("en"):
        assert template.render(context) == "Straw utilisation rate · Agriculture, Ecology"
    with translation.override("zh-hans"):
        assert template.render(context) == "秸秆综合利用率 · 农业农村局、生态环境局"
