"""Loading computed indicators and the rule parameters of the criteria (data/frameworks/
SCHEMA.md): what a valid file stores, every invalid formula or parameter reported with its path
and field (nothing written), the ratio of a test catalogue scored from its numerator and
denominator, and the shipped editions' 7.2, 11 and 12.3 as the criteria read them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments.inputs import build_input
from assessments.scoring import Status, assess
from assessments.tests.snapshot_helpers import write_value
from indicators import selectors
from indicators.choices import RuleKind, RuleSpan, Terrain
from indicators.loaders.common import LoadError
from indicators.loaders.frameworks import load_files
from indicators.models import AssignedTarget, DataElement, FrameworkEdition, Indicator

COMPUTED = Path(__file__).parent / "data" / "catalogue_computed.yaml"
CODE = "test-computed-2020"
RATIO = "domains[0].tasks[0].indicators[0]"
DECLINE = "domains[0].tasks[0].indicators[1]"
TRAINING = "domains[0].tasks[0].indicators[2]"

pytestmark = pytest.mark.django_db


def doc() -> dict:
    return yaml.safe_load(COMPUTED.read_text(encoding="utf-8"))


def ind(document: dict, index: int) -> dict:
    return document["domains"][0]["tasks"][0]["indicators"][index]


def write(tmp_path: Path, document: dict) -> Path:
    path = tmp_path / "edition.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def load(path: Path):
    return load_files([path], now=timezone.now())


# ---------------------------------------------------------------- a valid file


def test_a_computed_indicator_stores_its_formula_inputs_and_the_kind_of_its_value():
    load(COMPUTED)
    ratio = Indicator.objects.get(edition__code=CODE, code="1")

    assert ratio.formula == "test_green_purchases / test_all_purchases * 100"
    assert sorted(e.key for e in ratio.inputs.all()) == [
        "test_all_purchases",
        "test_green_purchases",
    ]
    # The first input is what stands for the indicator where an element is asked for.
    assert ratio.data_element.key == "test_green_purchases"
    assert (ratio.value_kind, ratio.unit, ratio.direction, ratio.decimals) == (
        "percentage",
        "%",
        "higher",
        1,
    )
    assert ratio.shown_unit == "%"
    assert (ratio.is_computed, ratio.base_year) == (True, None)


def test_an_input_is_a_data_element_with_its_own_name_and_unit():
    load(COMPUTED)
    element = DataElement.objects.get(key="test_green_purchases")

    assert (element.name, element.unit, element.value_kind) == (
        "政府绿色采购金额",
        "万元",
        "number",
    )
    assert element.decimals == 2


def test_a_fixed_base_year_and_the_window_span_are_stored():
    load(COMPUTED)
    decline = Indicator.objects.get(edition__code=CODE, code="2")
    training_rule = Indicator.objects.get(edition__code=CODE, code="3").criteria.get().rules.get()

    assert decline.base_year == 2015
    assert (training_rule.kind, training_rule.span) == (RuleKind.THRESHOLD, RuleSpan.WINDOW)
    assert decline.criteria.get().rules.get(kind="no_deterioration").span == RuleSpan.YEAR


def test_an_entered_indicator_keeps_its_elements_unit_and_no_formula():
    load(COMPUTED)
    training = Indicator.objects.get(edition__code=CODE, code="3")

    assert (training.formula, training.shown_unit, training.inputs.count()) == ("", "%", 0)


def test_reloading_the_computed_edition_changes_nothing():
    load(COMPUTED)
    assert [r.outcome for r in load(COMPUTED)] == ["unchanged"]


# ---------------------------------------------------------------- invalid files


def _set(index: int, **fields):
    return lambda d: ind(d, index).update(fields)


def _pop(index: int, field: str):
    return lambda d: ind(d, index).pop(field)


def _rule(index: int, **fields):
    return lambda d: ind(d, index)["criteria"][0]["rules"][0].update(fields)


INVALID = [
    pytest.param(
        _set(0, formula="test_green_purchases / (test_all_purchases"),
        [(RATIO, "formula")],
        id="syntax",
    ),
    pytest.param(_set(0, formula="__import__('os')"), [(RATIO, "formula")], id="not-python"),
    pytest.param(
        _set(0, formula="test_green_purchases / test_gdp * 100"),
        [(RATIO, "formula"), (RATIO, "inputs")],  # test_gdp unknown, test_all_purchases unused
        id="unknown-element",
    ),
    pytest.param(_set(0, key="test_share"), [(RATIO, "key")], id="computed-with-a-key"),
    pytest.param(
        _set(0, value_kind="boolean"),
        [(RATIO, "value_kind"), (f"{RATIO}.criteria[0].rules[0]", "kind")],
        id="boolean-value",
    ),
    pytest.param(_pop(0, "unit"), [(RATIO, "unit")], id="computed-without-unit"),
    pytest.param(
        _pop(0, "inputs"),
        [(RATIO, "inputs"), (RATIO, "formula"), (RATIO, "formula")],
        id="no-inputs",
    ),
    pytest.param(_set(0, base_year=2015), [(RATIO, "base_year")], id="base-year-without-base"),
    pytest.param(_set(2, base_year=2015), [(TRAINING, "base_year")], id="base-year-on-entered"),
    pytest.param(
        _set(
            2,
            inputs=[
                {
                    "key": "test_x",
                    "name": "x",
                    "value_kind": "number",
                    "unit": "",
                    "direction": "none",
                }
            ],
        ),
        [(TRAINING, "inputs")],
        id="inputs-without-formula",
    ),
    pytest.param(
        lambda d: ind(d, 0)["inputs"][0].update(key="base"),
        [(f"{RATIO}.inputs[0].key", "key")],  # the schema's "not base"
        id="input-named-base",
    ),
    pytest.param(
        _rule(1, span="window"),
        [(f"{DECLINE}.criteria[0].rules[0]", "span")],
        id="span-not-threshold",
    ),
    pytest.param(
        _rule(2, span="decade"), [(f"{TRAINING}.criteria[0].rules[0].span", "span")], id="bad-span"
    ),
    pytest.param(
        lambda d: ind(d, 2)["criteria"][0].update(applies_to={"terrain": "desert"}),
        [(f"{TRAINING}.criteria[0].applies_to.terrain", "terrain")],
        id="unknown-terrain",
    ),
]


@pytest.mark.parametrize(("mutate", "expected"), INVALID)
def test_an_invalid_computed_indicator_or_rule_parameter_is_reported_and_nothing_written(
    tmp_path, mutate, expected
):
    document = doc()
    mutate(document)
    path = write(tmp_path, document)

    with pytest.raises(LoadError) as caught:
        load(path)

    assert sorted((p.path, p.field) for p in caught.value.problems) == sorted(expected)
    assert all(p.message for p in caught.value.problems)
    assert not FrameworkEdition.objects.filter(code=CODE).exists()


def test_an_unknown_element_is_named_in_the_message(tmp_path):
    document = doc()
    ind(document, 0)["formula"] = "test_green_purchases / test_gdp * 100"

    with pytest.raises(LoadError) as caught:
        load(write(tmp_path, document))

    assert any("'test_gdp'" in p.message for p in caught.value.problems)


def test_a_bad_formula_typed_in_the_admin_is_refused_with_a_message():
    load(COMPUTED)
    ratio = Indicator.objects.get(edition__code=CODE, code="1")
    ratio.formula = "test_green_purchases //"

    with pytest.raises(ValidationError) as caught:
        ratio.full_clean()

    assert "formula" in caught.value.message_dict


# ---------------------------------------------------------------- scored from the database


def test_the_ratio_is_scored_from_the_numerator_and_denominator_the_bureau_reports(zhonglou):
    load(COMPUTED)
    edition = FrameworkEdition.objects.get(code=CODE)
    write_value(zhonglou, "test_green_purchases", 2021, "1234.5")
    write_value(zhonglou, "test_all_purchases", 2021, "1371.67")

    result = assess(build_input(zhonglou, edition, 2021, "official"))
    ratio = next(r for r in result.indicators if r.code == "1")

    assert (ratio.status, ratio.value_text) == (Status.MET, "90%")
    assert "1234.5 ÷ 1371.67 × 100 = 90%" in ratio.explanation


def test_the_ratio_without_its_denominator_is_missing_that_year(zhonglou):
    load(COMPUTED)
    edition = FrameworkEdition.objects.get(code=CODE)
    write_value(zhonglou, "test_green_purchases", 2021, 90)

    ratio = next(
        r
        for r in assess(build_input(zhonglou, edition, 2021, "official")).indicators
        if r.code == "1"
    )

    assert (ratio.status, ratio.missing_years) == (Status.MISSING, (2021,))


def test_the_decline_reads_the_fixed_base_year_and_compares_with_the_assigned_target(zhonglou):
    load(COMPUTED)
    edition = FrameworkEdition.objects.get(code=CODE)
    element = DataElement.objects.get(key="test_concentration")
    for year, value in ((2015, 60), (2019, 50), (2021, 45)):
        write_value(zhonglou, "test_concentration", year, value)
    AssignedTarget.objects.create(region=zhonglou, data_element=element, year=2021, target=20)

    decline = next(
        r
        for r in assess(build_input(zhonglou, edition, 2021, "official")).indicators
        if r.code == "2"
    )

    # (60 − 45) ÷ 60 = 25 % ≥ the 20 % assigned; 2019's 16.7 % to 2021's 25 %: no deterioration.
    assert (decline.status, decline.value) == (Status.MET, Decimal(25))
    assert decline.years_used == (2019, 2021)


# ---------------------------------------------------------------- the shipped editions


def test_shipped_72_is_the_decline_computed_from_the_annual_mean(catalogue):
    indicator = Indicator.objects.get(edition=catalogue, code="7.2")

    assert indicator.name == "PM2.5浓度下降幅度"
    assert (indicator.shown_unit, indicator.value_kind, indicator.direction) == (
        "%",
        "percentage",
        "higher",
    )
    assert indicator.data_element.key == "pm25_annual_mean"
    # The concentration has its own name: no sentence calls it a decline.
    assert (indicator.data_element.name, indicator.data_element.unit) == ("PM2.5年均浓度", "μg/m³")


def test_shipped_12_3_is_a_threshold_on_the_retention_rate_itself(catalogue):
    rule = Indicator.objects.get(edition=catalogue, code="12.3").criteria.get().rules.get()

    assert (rule.kind, rule.operator, rule.value) == (RuleKind.THRESHOLD, ">=", Decimal(100))


@pytest.mark.parametrize(
    ("terrain", "target"),
    [
        (Terrain.MOUNTAIN, 60),
        (Terrain.HILL, 40),
        (Terrain.PLAIN, 18),
        (Terrain.ARID, 35),
        (Terrain.PLATEAU, 70),
    ],
)
def test_shipped_11_has_the_five_terrain_classes_of_the_official_explanation(
    catalogue, zhonglou, terrain, target
):
    zhonglou.terrain = terrain
    indicator = Indicator.objects.get(edition=catalogue, code="11")

    rule = selectors.criterion_for(indicator, zhonglou).rules.get()

    assert rule.value == Decimal(target)


@pytest.mark.parametrize("code", ["2", "3"])
def test_shipped_2_and_3_carry_the_official_definition(catalogue, code):
    definition = Indicator.objects.get(edition=catalogue, code=code).definition
    expected = {
        "2": "党委政府领导班子学习贯彻落实习近平生态文明思想的情况，"
        "对国家、省有关生态文明建设决策部署和重大政策、"
        "中央生态环境保护督察与各类专项督查问题的研究学习及落实情况",
        "3": "本级政府对下级政府党政干部实绩考核评分标准中，生态文明建设工作所占的比例",
    }[code]
    assert definition.startswith(expected)
