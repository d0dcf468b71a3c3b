"""The rule kinds of docs/criteria.md §3 on one leaf indicator, and parents over their children.

Pure: no database, no Django fixtures. The assessment year is 2021 and the window 2019–2021
unless a test says otherwise.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from assessments.scoring import (
    AssessmentInput,
    IndicatorResult,
    IndicatorSpec,
    Lacking,
    Mode,
    Observation,
    Owner,
    PassRule,
    RuleSpec,
    Status,
    assess,
)

YEAR = 2021

# ---------------------------------------------------------------- builders


def D(number) -> Decimal:
    return Decimal(str(number))


def obs(year: int, value, status: str = "approved") -> Observation:
    if isinstance(value, bool):
        return Observation(year=year, status=status, answer=value)
    return Observation(year=year, status=status, value=D(value))


def series(values: dict[int, object], status: str = "approved") -> tuple[Observation, ...]:
    return tuple(obs(year, value, status) for year, value in values.items())


def leaf(code: str, rules, observations=(), **kw) -> IndicatorSpec:
    """A numeric percentage indicator, higher is better, owed by the agriculture bureau."""
    fields = {
        "name": f"指标{code}",
        "name_en": f"Indicator {code}",
        "category": "reference",
        "value_kind": "percentage",
        "unit": "%",
        "direction": "higher",
        "departments": ("钟楼区农业农村局",),
        "departments_en": ("Agriculture and Rural Affairs Bureau",),
    }
    return IndicatorSpec(
        code=code, rules=tuple(rules), observations=tuple(observations), **(fields | kw)
    )


def parent(code: str, **kw) -> IndicatorSpec:
    fields = {"name": f"指标{code}", "name_en": f"Indicator {code}", "category": "binding"}
    return IndicatorSpec(code=code, **(fields | kw))


def run(*specs, mode=Mode.OFFICIAL, window: int = 3, year: int = YEAR):
    inp = AssessmentInput(
        region_code="320404",
        region_name="钟楼区",
        edition_code="test",
        year=year,
        mode=mode,
        pass_rule=PassRule(window_years=window),
        indicators=tuple(specs),
    )
    return assess(inp)


def result(spec: IndicatorSpec, *others, **kw) -> IndicatorResult:
    """The result of ``spec`` assessed with ``others`` beside it."""
    found = {r.code: r for r in run(spec, *others, **kw).indicators}
    return found[spec.code]


def threshold(operator: str = ">=", value=90) -> RuleSpec:
    return RuleSpec(kind="threshold", operator=operator, value=D(value))


QUALITATIVE = RuleSpec(kind="qualitative")
ASSIGNED = RuleSpec(kind="assigned_target")
NO_DETERIORATION = RuleSpec(kind="no_deterioration", tolerance=D(0))
NO_DECREASE = RuleSpec(kind="no_decrease")
FALLING = RuleSpec(kind="falling_trend")


# One row per rule kind: the rule, a series that meets it, one that does not, extra fields.
KINDS = {
    "threshold": (threshold(), {2021: 97}, {2021: 88}, {}),
    "qualitative": (QUALITATIVE, {2021: True}, {2021: False}, {"value_kind": "boolean"}),
    "assigned_target": (ASSIGNED, {2021: 95}, {2021: 85}, {"assigned_targets": ((2021, D(90)),)}),
    "no_deterioration": (
        NO_DETERIORATION,
        {2019: 80, 2020: 81, 2021: 82},
        {2019: 80, 2020: 85, 2021: 79},
        {},
    ),
    "no_decrease": (NO_DECREASE, {2019: 80, 2021: 80}, {2019: 80, 2021: 79}, {}),
    "falling_trend": (FALLING, {2019: 30, 2020: 20, 2021: 10}, {2019: 30, 2020: 30, 2021: 10}, {}),
}


def kind_leaf(kind: str, values: dict[int, object], status: str = "approved", **kw):
    rule, _, _, extra = KINDS[kind]
    return leaf("X", [rule], series(values, status), **(extra | kw))


def good(kind: str) -> dict[int, object]:
    return dict(KINDS[kind][1])


def bad(kind: str) -> dict[int, object]:
    return dict(KINDS[kind][2])


# ---------------------------------------------------------------- every kind


@pytest.mark.parametrize("kind", KINDS)
def test_rule_is_met_by_a_good_series(kind):
    assert result(kind_leaf(kind, good(kind))).status == Status.MET


@pytest.mark.parametrize("kind", KINDS)
def test_rule_is_not_met_by_a_bad_series(kind):
    assert result(kind_leaf(kind, bad(kind))).status == Status.NOT_MET


@pytest.mark.parametrize("kind", KINDS)
def test_rule_is_missing_without_the_assessment_year(kind):
    values = good(kind)
    del values[YEAR]
    r = result(kind_leaf(kind, values))
    assert r.status == Status.MISSING
    assert YEAR in r.missing_years
    assert r.value is None


@pytest.mark.parametrize(
    ("mode", "status", "expected"),
    [
        (Mode.OFFICIAL, "submitted", Status.PENDING),
        (Mode.PROVISIONAL, "submitted", Status.MET),
        # A draft or a returned value is still with its department: missing, not pending.
        (Mode.OFFICIAL, "draft", Status.MISSING),
        (Mode.PROVISIONAL, "draft", Status.MISSING),
        (Mode.OFFICIAL, "returned", Status.MISSING),
        (Mode.PROVISIONAL, "returned", Status.MISSING),
        (Mode.PROVISIONAL, "approved", Status.MET),
    ],
)
@pytest.mark.parametrize("kind", KINDS)
def test_value_of_the_assessment_year_counts_by_mode_and_status(kind, mode, status, expected):
    values = good(kind)
    latest = obs(YEAR, values.pop(YEAR), status)
    spec = kind_leaf(kind, values)
    spec = leaf("X", spec.rules, (*spec.observations, latest), **_extra(kind))
    r = result(spec, mode=mode)
    assert r.status == expected
    assert (YEAR in r.missing_years) == (expected != Status.MET)
    value_pieces = [p for p in r.missing if p.lacking == Lacking.VALUE]
    if expected == Status.PENDING:
        assert [(p.owner, p.value_status) for p in value_pieces] == [(Owner.REVIEWERS, status)]
    elif expected == Status.MISSING:
        assert [(p.owner, p.value_status) for p in value_pieces] == [(Owner.DEPARTMENT, status)]


def _extra(kind: str) -> dict:
    return KINDS[kind][3]


@pytest.mark.parametrize("kind", KINDS)
def test_not_applicable_indicator_is_not_evaluated(kind):
    spec = kind_leaf(kind, bad(kind), not_applicable="非沿海地区", not_applicable_en="not coastal")
    r = result(spec)
    assert r.status == Status.NOT_APPLICABLE
    assert "非沿海地区" in r.explanation
    assert "not coastal" in r.explanation_en
    assert r.years_used == ()
    assert r.gap is None


@pytest.mark.parametrize("kind", KINDS)
def test_one_year_window_needs_only_the_assessment_year(kind):
    spec = kind_leaf(kind, {YEAR: good(kind)[YEAR]})
    r = result(spec, window=1)
    assert r.status == Status.MET
    assert r.years_used == (YEAR,)


@pytest.mark.parametrize("kind", KINDS)
def test_one_year_window_without_that_year_is_missing(kind):
    r = result(kind_leaf(kind, {2020: good(kind).get(2020, 1)}), window=1)
    assert r.status == Status.MISSING
    assert r.missing_years == (YEAR,)


# ---------------------------------------------------------------- thresholds


@pytest.mark.parametrize(
    ("operator", "target", "value", "expected"),
    [
        (">=", 90, 90, Status.MET),
        (">=", 90, "89.9", Status.NOT_MET),
        ("<=", 35, 35, Status.MET),
        ("<=", 35, "35.1", Status.NOT_MET),
        ("=", 100, "100.0", Status.MET),
        ("=", 100, "99.9", Status.NOT_MET),
        (">", 0, 0, Status.NOT_MET),
        (">", 0, "0.1", Status.MET),
        ("<", 35, 35, Status.NOT_MET),
    ],
)
def test_threshold_at_and_around_the_target(operator, target, value, expected):
    spec = leaf("X", [threshold(operator, target)], [obs(YEAR, value)])
    assert result(spec).status == expected


def test_threshold_reads_only_the_assessment_year():
    spec = leaf("X", [threshold()], [obs(2019, 10), obs(2020, 10), obs(YEAR, 97)])
    r = result(spec)
    assert (r.status, r.years_used, r.value) == (Status.MET, (YEAR,), D(97))


def test_lower_is_better_threshold_reports_the_gap_in_the_unit():
    spec = leaf("7.2", [threshold("<=", 35)], [obs(YEAR, "36.9")], unit="μg/m³", direction="lower")
    r = result(spec)
    assert (r.status, r.gap) == (Status.NOT_MET, D("1.9"))


def test_unknown_operator_is_a_configuration_error():
    with pytest.raises(ValueError, match="operator"):
        run(leaf("X", [threshold("=>")], [obs(YEAR, 1)]))


def test_unknown_rule_kind_is_a_configuration_error():
    with pytest.raises(ValueError, match="rule kind"):
        run(leaf("X", [RuleSpec(kind="vibes")], [obs(YEAR, 1)]))


# ---------------------------------------------------------------- qualitative


def test_qualitative_yes_is_met_and_no_is_not():
    yes = leaf("1", [QUALITATIVE], [obs(YEAR, True)], value_kind="boolean")
    no = leaf("4", [QUALITATIVE], [obs(YEAR, False)], value_kind="boolean")
    results = {r.code: r for r in run(yes, no).indicators}
    assert (results["1"].status, results["1"].value) == (Status.MET, True)
    assert (results["4"].status, results["4"].value) == (Status.NOT_MET, False)
    assert results["4"].gap is None


def test_qualitative_row_without_an_answer_is_pending():
    submitted = [Observation(year=YEAR, status="submitted")]
    spec = leaf("1", [QUALITATIVE], submitted, value_kind="boolean")
    assert result(spec).status == Status.PENDING


def test_qualitative_draft_without_an_answer_is_missing_with_its_department():
    spec = leaf("1", [QUALITATIVE], [Observation(year=YEAR, status="draft")], value_kind="boolean")
    assert result(spec).status == Status.MISSING


# ---------------------------------------------------------------- assigned targets


def assigned(values, target=None, operator="", **kw) -> IndicatorSpec:
    targets = () if target is None else ((YEAR, D(target)),)
    rule = RuleSpec(kind="assigned_target", operator=operator)
    return leaf("X", [rule], series(values), assigned_targets=targets, **kw)


@pytest.mark.parametrize(
    ("direction", "value", "target", "expected"),
    [
        ("higher", 90, 90, Status.MET),
        ("higher", "89.5", 90, Status.NOT_MET),
        ("lower", "36.9", 40, Status.MET),
        ("lower", "36.9", 35, Status.NOT_MET),
        ("lower", 35, 35, Status.MET),
        ("none", 12, 12, Status.MET),
        ("none", 13, 12, Status.NOT_MET),
    ],
)
def test_assigned_target_operator_follows_the_direction(direction, value, target, expected):
    spec = assigned({YEAR: value}, target, direction=direction, unit="μg/m³")
    assert result(spec).status == expected


def test_assigned_target_explicit_operator_wins_over_the_direction():
    spec = assigned({YEAR: 45}, 40, operator=">=", direction="lower")
    assert result(spec).status == Status.MET


def test_assigned_target_without_a_target_is_missing_and_owed_by_the_creation_office():
    spec = assigned({YEAR: 95})
    outcome = run(spec)
    r = outcome.indicators[0]
    assert (r.status, r.missing_years) == (Status.MISSING, (YEAR,))
    assert "创建办" in r.explanation
    assert "creation office" in r.explanation_en
    assert outcome.missing[0].departments == ()


def test_assigned_target_uses_the_target_of_the_assessment_year_only():
    rule = RuleSpec(kind="assigned_target")
    spec = leaf("X", [rule], [obs(YEAR, 95)], assigned_targets=((2020, D(90)),))
    assert result(spec).status == Status.MISSING


def test_assigned_target_gap_is_the_distance_to_the_target():
    r = result(assigned({YEAR: "86.8"}, 90))
    assert r.gap == D("3.2")


# ---------------------------------------------------------------- no deterioration


def stable(values, tolerance=None, **kw) -> IndicatorSpec:
    rule = RuleSpec(kind="no_deterioration", tolerance=None if tolerance is None else D(tolerance))
    return leaf("X", [rule], series(values), **kw)


@pytest.mark.parametrize(
    ("values", "tolerance", "expected", "gap"),
    [
        ({2019: 80, 2020: 80, 2021: 80}, None, Status.MET, None),
        ({2019: 80, 2020: 82, 2021: "79.9"}, None, Status.NOT_MET, D("0.1")),
        ({2019: 80, 2020: 82, 2021: "79.5"}, 1, Status.MET, None),
        ({2019: 80, 2020: 82, 2021: "78.5"}, 1, Status.NOT_MET, D("0.5")),
        ({2019: 80, 2020: 79, 2021: 76}, None, Status.NOT_MET, D(4)),
        ({2019: 80, 2020: 81, 2021: 81}, 1, Status.MET, None),  # the tolerance is optional
    ],
)
def test_no_deterioration_compares_the_assessment_year_with_the_first_year(
    values, tolerance, expected, gap
):
    r = result(stable(values, tolerance))
    assert (r.status, r.gap) == (expected, gap)


def test_no_deterioration_ignores_a_dip_between_the_first_and_the_last_year():
    # Year on year 2020 was worse than 2019; 2021 against 2019 is not: stable (保持稳定).
    r = result(stable({2019: 80, 2020: 70, 2021: 80}))
    assert (r.status, r.years_used) == (Status.MET, (2019, 2021))


def test_no_deterioration_names_the_two_years_compared():
    r = result(stable({2019: 80, 2020: 79, 2021: 76}))
    assert "2021年较2019年恶化" in r.explanation
    assert "from 2019 to 2021" in r.explanation_en


def test_no_deterioration_without_tolerance_defaults_to_zero():
    assert result(stable({2019: 80, 2021: "79.99"})).status == Status.NOT_MET


def test_no_deterioration_against_an_explicit_baseline_year():
    rule = RuleSpec(kind="no_deterioration", baseline_year=2015)
    r = result(leaf("X", [rule], series({2015: 70, 2019: 90, 2021: 75})))
    assert (r.status, r.years_used) == (Status.MET, (2015, 2021))


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({2019: "47.4", 2020: "41.0", 2021: "36.9"}, Status.MET),
        ({2019: "36.9", 2020: "36.0", 2021: "38.0"}, Status.NOT_MET),
    ],
)
def test_no_deterioration_lower_is_better(values, expected):
    r = result(stable(values, direction="lower", unit="μg/m³"))
    assert r.status == expected
    assert r.years_used == (2019, 2021)


def test_no_deterioration_needs_only_the_first_and_the_last_year():
    r = result(stable({2019: 80, 2021: 82}))
    assert (r.status, r.missing_years) == (Status.MET, ())


def test_no_deterioration_without_the_first_year_is_missing_that_year():
    r = result(stable({2020: 80, 2021: 82}))
    assert (r.status, r.missing_years) == (Status.MISSING, (2019,))


def test_no_deterioration_missing_and_pending_years_together_are_pending():
    spec = leaf("X", [NO_DETERIORATION], [obs(2021, 82, "submitted")])
    r = result(spec)
    assert (r.status, r.missing_years) == (Status.PENDING, (2019, 2021))


# ---------------------------------------------------------------- no decrease, falling trend


@pytest.mark.parametrize(
    ("direction", "baseline", "value", "expected", "gap"),
    [
        ("higher", 80, 80, Status.MET, None),
        ("higher", 80, "79.5", Status.NOT_MET, D("0.5")),
        ("lower", "47.4", "36.9", Status.MET, None),
        ("lower", 30, "36.9", Status.NOT_MET, D("6.9")),
    ],
)
def test_no_decrease_against_the_first_window_year(direction, baseline, value, expected, gap):
    spec = leaf("X", [NO_DECREASE], series({2019: baseline, 2021: value}), direction=direction)
    r = result(spec)
    assert (r.status, r.gap, r.years_used) == (expected, gap, (2019, 2021))


def test_no_decrease_with_an_explicit_baseline_year_outside_the_window():
    rule = RuleSpec(kind="no_decrease", baseline_year=2015)
    spec = leaf("X", [rule], series({2015: 90, 2019: 99, 2021: 91}))
    r = result(spec)
    assert (r.status, r.years_used) == (Status.MET, (2015, 2021))


def test_no_decrease_without_the_baseline_is_missing_that_year():
    rule = RuleSpec(kind="no_decrease", baseline_year=2015)
    r = result(leaf("X", [rule], series({2021: 91})))
    assert (r.status, r.missing_years) == (Status.MISSING, (2015,))


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({2019: 3, 2020: 2, 2021: 1}, Status.MET),
        ({2019: 3, 2020: 3, 2021: 1}, Status.NOT_MET),  # flat is not falling
        ({2019: 3, 2020: 2, 2021: "2.5"}, Status.NOT_MET),
    ],
)
def test_falling_trend_must_fall_every_year(values, expected):
    r = result(leaf("X", [FALLING], series(values), direction="lower"))
    assert r.status == expected
    assert r.gap is None


# ---------------------------------------------------------------- rules combined


def air(values, target=None, status="approved") -> IndicatorSpec:
    """7.2-like: an assigned concentration target AND no deterioration, lower is better."""
    targets = () if target is None else ((YEAR, D(target)),)
    return leaf(
        "7.2",
        [ASSIGNED, NO_DETERIORATION],
        series(values, status),
        unit="μg/m³",
        direction="lower",
        category="binding",
        assigned_targets=targets,
    )


PM25 = {2019: "47.4", 2020: "41.0", 2021: "36.9"}


@pytest.mark.parametrize(
    ("values", "target", "expected"),
    [
        (PM25, 40, Status.MET),
        (PM25, 35, Status.NOT_MET),  # target missed, series stable
        ({2019: "36.0", 2020: "41.0", 2021: "36.9"}, 40, Status.NOT_MET),  # target met, worse
        ({2021: "36.9"}, 40, Status.MISSING),  # 2019 missing
        ({2020: "41.0", 2021: "45.0"}, 40, Status.NOT_MET),  # not met beats missing
        (PM25, None, Status.MISSING),  # no target entered
    ],
)
def test_assigned_target_and_no_deterioration_combine_with_and(values, target, expected):
    assert result(air(values, target)).status == expected


def test_combined_rules_report_the_union_of_missing_years():
    spec = leaf(
        "X",
        [ASSIGNED, NO_DETERIORATION],
        [obs(2019, 80), obs(2021, 82, "submitted")],
        assigned_targets=(),
    )
    r = result(spec)
    assert (r.status, r.missing_years) == (Status.PENDING, (2021,))
    assert [(p.lacking, p.years, p.owner) for p in r.missing] == [
        (Lacking.VALUE, (2021,), Owner.REVIEWERS),
        (Lacking.ASSIGNED_TARGET, (2021,), Owner.CREATION_OFFICE),
    ]


def test_combined_met_rules_use_the_years_they_compare():
    r = result(air(PM25, 40))
    assert r.years_used == (2019, 2021)
    assert r.value == D("36.9")


# ---------------------------------------------------------------- parents


def child(code: str, state: str, parent_code: str = "7") -> IndicatorSpec:
    """A sub-indicator in a given state: met, not_met, missing, pending or na."""
    observations = {
        "met": [obs(YEAR, 95)],
        "not_met": [obs(YEAR, 50)],
        "missing": [],
        "pending": [obs(YEAR, 95, "submitted")],
        "na": [obs(YEAR, 95)],
    }[state]
    na = "不适用" if state == "na" else None
    return leaf(code, [threshold()], observations, parent_code=parent_code, not_applicable=na)


def family(*states: str) -> list[IndicatorSpec]:
    return [parent("7"), *(child(f"7.{i}", s) for i, s in enumerate(states, start=1))]


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        (("met", "met"), Status.MET),
        (("met", "not_met"), Status.NOT_MET),
        (("met", "missing"), Status.MISSING),
        (("pending", "missing"), Status.PENDING),
        (("missing", "not_met"), Status.NOT_MET),
        (("met", "na"), Status.MET),  # a child that does not apply leaves
        (("na", "not_met"), Status.NOT_MET),
        (("na", "na"), Status.NOT_APPLICABLE),
    ],
)
def test_parent_is_met_only_when_every_applicable_child_is_met(states, expected):
    results = run(*family(*states)).indicators
    assert results[0].code == "7"
    assert results[0].status == expected


def test_parent_not_applicable_makes_its_children_not_applicable():
    specs = [parent("13", not_applicable="非沿海地区"), child("13.1", "met", "13")]
    results = {r.code: r for r in run(*specs).indicators}
    assert results["13"].status == Status.NOT_APPLICABLE
    assert results["13.1"].status == Status.NOT_APPLICABLE
    assert "非沿海地区" in results["13.1"].explanation


def test_parent_missing_years_are_the_union_of_its_unknown_children():
    specs = [
        parent("8"),
        child("8.1", "missing", "8"),
        child("8.2", "pending", "8"),
        child("8.3", "not_met", "8"),
    ]
    top = run(*specs).indicators[0]
    assert (top.status, top.missing_years) == (Status.NOT_MET, (YEAR,))


def test_results_keep_the_input_order():
    specs = [leaf("5", [threshold()]), *family("met", "missing"), leaf("1", [threshold()])]
    assert [r.code for r in run(*specs).indicators] == ["5", "7", "7.1", "7.2", "1"]
