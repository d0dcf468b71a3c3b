"""Evaluation of the rule kinds (docs/criteria.md §3) for one leaf indicator.

A rule first checks that every year it needs has a counted value; if one does not, the rule is
PENDING (something was entered but does not count in this mode) or MISSING (nothing at all),
whatever the other years show. Only then does it compare.
"""

from __future__ import annotations

import itertools
import operator as op
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from assessments.scoring import computed, text
from assessments.scoring.text import Text
from assessments.scoring.types import IndicatorSpec, Mode, Observation, RuleSpec, Status

COUNTED_STATUSES = {
    Mode.OFFICIAL: frozenset({"approved"}),
    Mode.PROVISIONAL: frozenset({"approved", "submitted"}),
}

COMPARATORS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    ">=": op.ge,
    "<=": op.le,
    "=": op.eq,
    ">": op.gt,
    "<": op.lt,
}

SPANS = ("year", "window")  # the years a threshold reads: the assessment year, or every one

DEFAULT_ASSIGNED_OPERATOR = {"higher": ">=", "lower": "<=", "none": "="}

# Most decisive first: how the rules of one indicator (and the children of a parent) combine.
PRECEDENCE = (Status.NOT_MET, Status.PENDING, Status.MISSING)

Value = Decimal | bool


@dataclass(frozen=True)
class Series:
    """One indicator's observations seen through a mode (for a computed indicator: its
    formula's values, computations.Computed)."""

    counted: dict[int, Value]  # year → the value that counts
    entered: dict[int, tuple[str, ...]]  # year → statuses of every observation, counted or not
    # Computed indicators only: year → the input years it lacks (year, entered?), why a year has
    # no value (a division by zero), and the arithmetic of each computed year.
    lacks: dict[int, tuple[tuple[int, bool], ...]] = field(default_factory=dict)
    problems: dict[int, Text] = field(default_factory=dict)
    arithmetic: dict[int, Text] = field(default_factory=dict)

    def lacking(self, year: int) -> tuple[tuple[int, bool], ...]:
        """The data years whose value is lacking for ``year`` to have one, each with whether
        something was entered for it (pending) or not (missing)."""
        return self.lacks.get(year, ((year, year in self.entered),))


@dataclass(frozen=True)
class Context:
    spec: IndicatorSpec
    series: Series
    window: tuple[int, ...]  # oldest first; the last is the assessment year

    @property
    def year(self) -> int:
        return self.window[-1]


@dataclass(frozen=True)
class RuleOutcome:
    status: Status
    clause: Text | None = None  # the sentence of a met or not-met rule
    years_used: tuple[int, ...] = ()
    missing_years: tuple[int, ...] = ()  # nothing entered: owed by the departments
    pending_years: tuple[int, ...] = ()  # entered but not counted in this mode
    target_missing_years: tuple[int, ...] = ()  # owed by the creation office
    gap: Decimal | None = None
    notes: tuple[Text, ...] = ()  # why a computed value is missing though no data is


@dataclass(frozen=True)
class LeafEvaluation:
    status: Status
    value: Value | None
    years_used: tuple[int, ...]
    missing_years: tuple[int, ...]
    owes_data: bool  # some needed value is missing or pending (not only a target)
    gap: Decimal | None
    explanation: Text


def combine(statuses: Iterable[Status]) -> Status:
    """AND of rules or children: the most decisive status wins, MET only when all are met."""
    present = set(statuses)
    return next((status for status in PRECEDENCE if status in present), Status.MET)


def build_series(spec: IndicatorSpec, mode: Mode, window: tuple[int, ...]) -> Series:
    counting = COUNTED_STATUSES[Mode(mode)]
    if spec.formula:
        done = computed.compute(spec, counting, window)
        return Series(dict(done.counted), done.entered, done.lacks, done.problems, done.arithmetic)
    boolean = spec.value_kind == "boolean"
    observations = spec.observations
    if any(obs.status != "approved" for obs in observations):
        # Approved first, so that if a year ever had two rows the approved one is the one read.
        observations = sorted(observations, key=_not_approved)
    counted: dict[int, Value] = {}
    entered: dict[int, list[str]] = {}
    for obs in observations:
        entered.setdefault(obs.year, []).append(obs.status)
        if obs.year not in counted and obs.status in counting:
            reading = obs.answer if boolean else obs.value
            if reading is not None:
                counted[obs.year] = reading
    return Series(counted, {year: tuple(statuses) for year, statuses in entered.items()})


def _not_approved(obs: Observation) -> bool:
    return obs.status != "approved"


# ---------------------------------------------------------------- one leaf


def evaluate_leaf(
    spec: IndicatorSpec, window: tuple[int, ...], mode: Mode, series: Series | None = None
) -> LeafEvaluation:
    """Every rule of an applicable leaf, combined with AND (``series``: the leaf's
    :func:`build_series`, when the caller has built it)."""
    if series is None:
        series = build_series(spec, mode, window)
    ctx = Context(spec, series, window)
    outcomes = [evaluate_rule(rule, ctx) for rule in spec.rules]
    status = combine(o.status for o in outcomes) if outcomes else Status.MISSING
    decided = [o for o in outcomes if o.status in (Status.MET, Status.NOT_MET)]
    failing = [o for o in outcomes if o.status == Status.NOT_MET]
    return LeafEvaluation(
        status=status,
        value=ctx.series.counted.get(ctx.year),
        years_used=_union(o.years_used for o in decided),
        missing_years=_union(
            o.missing_years + o.pending_years + o.target_missing_years for o in outcomes
        ),
        owes_data=any(o.missing_years or o.pending_years for o in outcomes),
        gap=next((o.gap for o in failing if o.gap is not None), None),
        explanation=_explain(status, outcomes, mode, ctx),
    )


def _union(groups: Iterable[Sequence[int]]) -> tuple[int, ...]:
    return tuple(sorted({year for group in groups for year in group}))


def _explain(status: Status, outcomes: list[RuleOutcome], mode: Mode, ctx: Context) -> Text:
    if not outcomes:
        return text.sentence([text.no_rules_clause()])
    if status in (Status.MET, Status.NOT_MET):
        shown = [o for o in outcomes if o.status == status]
        used = _union(o.years_used for o in shown)
        return text.sentence(_arithmetic(ctx, used) + [o.clause for o in shown if o.clause])
    notes = list(dict.fromkeys(note for o in outcomes for note in o.notes))
    return text.sentence(_arithmetic(ctx, ()) + notes + _unknown_clauses(outcomes, mode, ctx))


def _arithmetic(ctx: Context, years: Sequence[int]) -> list[Text]:
    """A computed indicator shows its inputs and the calculation of each year it uses (and of
    the assessment year, whatever the status)."""
    shown = sorted(set(years) | {ctx.year})
    return [ctx.series.arithmetic[y] for y in shown if y in ctx.series.arithmetic]


def _unknown_clauses(outcomes: list[RuleOutcome], mode: Mode, ctx: Context) -> list[Text]:
    pending = _union(o.pending_years for o in outcomes)
    missing = _union(o.missing_years for o in outcomes)
    targets = _union(o.target_missing_years for o in outcomes)
    clauses = []
    if pending:
        statuses = [s for year in pending for s in ctx.series.entered.get(year, ())]
        clauses.append(text.pending_clause(pending, statuses, Mode(mode)))
    if missing:
        owed_by = text.departments_text(ctx.spec.departments, ctx.spec.departments_en)
        clauses.append(text.missing_clause(missing, owed_by))
    if targets:
        clauses.append(text.target_missing_clause(targets))
    return clauses


# ---------------------------------------------------------------- the rule kinds


def evaluate_rule(rule: RuleSpec, ctx: Context) -> RuleOutcome:
    try:
        evaluate = _KINDS[rule.kind]
    except KeyError:
        raise ValueError(f"Indicator {ctx.spec.code}: unknown rule kind {rule.kind!r}.") from None
    return evaluate(rule, ctx)


def _unknown(ctx: Context, years: Iterable[int]) -> RuleOutcome | None:
    """PENDING or MISSING when a needed year has no counted value; None when all have one.
    For a computed indicator the years named are the input years it lacks, and a year that
    cannot be computed (division by zero) is MISSING with its reason."""
    lacking = [y for y in dict.fromkeys(years) if y not in ctx.series.counted]
    if not lacking:
        return None
    notes = tuple(ctx.series.problems[y] for y in lacking if y in ctx.series.problems)
    data_years = {
        data_year: entered
        for y in lacking
        if y not in ctx.series.problems
        for data_year, entered in ctx.series.lacking(y)
    }
    pending = tuple(sorted(y for y, entered in data_years.items() if entered))
    missing = tuple(sorted(y for y, entered in data_years.items() if not entered))
    return RuleOutcome(
        status=Status.PENDING if pending else Status.MISSING,
        missing_years=missing,
        pending_years=pending,
        notes=notes,
    )


def _comparator(operator: str, ctx: Context) -> Callable[[Decimal, Decimal], bool]:
    try:
        return COMPARATORS[operator]
    except KeyError:
        raise ValueError(f"Indicator {ctx.spec.code}: unknown operator {operator!r}.") from None


def _threshold(rule: RuleSpec, ctx: Context) -> RuleOutcome:
    if rule.value is None:
        raise ValueError(f"Indicator {ctx.spec.code}: a threshold rule needs a value.")
    if rule.span not in SPANS:
        raise ValueError(f"Indicator {ctx.spec.code}: unknown span {rule.span!r}.")
    compare = _comparator(rule.operator, ctx)
    years = ctx.window if rule.span == "window" else (ctx.year,)
    unknown = _unknown(ctx, years)
    if unknown:
        return unknown
    # With several rules the criterion's wording covers them all; name this rule's own target.
    if len(ctx.spec.rules) == 1 and ctx.spec.target_text:
        target = text.criterion_target(ctx.spec)
    else:
        built = text.rule_target(rule.operator, rule.value, ctx.spec)
        target = Text(built, built)
    if len(years) > 1:
        return _threshold_every_year(rule, ctx, years, compare, target)
    value = ctx.series.counted[ctx.year]
    met = compare(value, rule.value)
    gap = None if met else abs(rule.value - value)
    clause = text.compare_clause(ctx.spec, ctx.year, value, target, met=met, gap=gap)
    return _decided(met, clause, (ctx.year,), gap)


def _threshold_every_year(rule, ctx: Context, years, compare, target: Text) -> RuleOutcome:
    """近三年均…: every year of the window must compare true; the gap is the largest shortfall."""
    pairs = [(year, ctx.series.counted[year]) for year in years]
    failing = [(year, value) for year, value in pairs if not compare(value, rule.value)]
    gap = max((abs(rule.value - value) for _, value in failing), default=None)
    clause = text.every_year_clause(
        ctx.spec, pairs, target, failing=tuple(year for year, _ in failing), gap=gap
    )
    return _decided(not failing, clause, tuple(years), gap)


def _qualitative(rule: RuleSpec, ctx: Context) -> RuleOutcome:
    unknown = _unknown(ctx, [ctx.year])
    if unknown:
        return unknown
    answer = ctx.series.counted[ctx.year] is True
    clause = text.qualitative_clause(ctx.spec, ctx.year, answer)
    return _decided(answer, clause, (ctx.year,), None)


def _assigned_target(rule: RuleSpec, ctx: Context) -> RuleOutcome:
    operator = rule.operator or DEFAULT_ASSIGNED_OPERATOR.get(ctx.spec.direction, "=")
    compare = _comparator(operator, ctx)
    target = dict(ctx.spec.assigned_targets).get(ctx.year)
    unknown = _unknown(ctx, [ctx.year])
    if target is None:
        # The value's own state (pending beats missing) still decides the status.
        lacking = unknown or RuleOutcome(status=Status.MISSING)
        return replace(lacking, target_missing_years=(ctx.year,))
    if unknown:
        return unknown
    value = ctx.series.counted[ctx.year]
    met = compare(value, target)
    gap = None if met else abs(target - value)
    built = text.rule_target(operator, target, ctx.spec)
    clause = text.compare_clause(
        ctx.spec, ctx.year, value, Text(built, built), met=met, gap=gap, assigned=True
    )
    return _decided(met, clause, (ctx.year,), gap)


def _worsening(earlier: Decimal, later: Decimal, direction: str) -> Decimal:
    # "Worse" follows the direction; no direction reads as higher-is-better, like no_decrease.
    return later - earlier if direction == "lower" else earlier - later


def _window_pairs(ctx: Context) -> tuple[RuleOutcome | None, list[tuple[int, Decimal]]]:
    """The window's (year, value) pairs for the series rules, or the outcome that settles the
    rule first: missing or pending data, or a window of one year (nothing to compare: met)."""
    unknown = _unknown(ctx, ctx.window)
    if unknown:
        return unknown, []
    pairs = [(year, ctx.series.counted[year]) for year in ctx.window]
    if len(pairs) == 1:
        clause = text.one_year_clause(ctx.spec, ctx.year, pairs[0][1])
        return _decided(True, clause, ctx.window, None), pairs
    return None, pairs


def _no_deterioration(rule: RuleSpec, ctx: Context) -> RuleOutcome:
    """保持稳定或持续改善: the assessment year is not worse than the first year of the window
    (or ``baseline_year``) by more than the tolerance; the years between are not compared."""
    start = rule.baseline_year or ctx.window[0]
    if start == ctx.year:
        settled, _pairs = _window_pairs(replace(ctx, window=(ctx.year,)))
        return settled  # a one-year window: nothing to compare with, met
    unknown = _unknown(ctx, (start, ctx.year))
    if unknown:
        return unknown
    pairs = [(start, ctx.series.counted[start]), (ctx.year, ctx.series.counted[ctx.year])]
    tolerance = rule.tolerance or Decimal(0)
    worsening = _worsening(pairs[0][1], pairs[1][1], ctx.spec.direction)
    met = worsening <= tolerance
    gap = None if met else worsening - tolerance
    worst = None if met else (start, ctx.year, worsening)
    clause = text.no_deterioration_clause(ctx.spec, pairs, tolerance, worst)
    return _decided(met, clause, tuple(sorted((start, ctx.year))), gap)


def _no_decrease(rule: RuleSpec, ctx: Context) -> RuleOutcome:
    baseline_year = rule.baseline_year or ctx.window[0]
    needed = tuple(dict.fromkeys((baseline_year, ctx.year)))
    unknown = _unknown(ctx, needed)
    if unknown:
        return unknown
    value, baseline = ctx.series.counted[ctx.year], ctx.series.counted[baseline_year]
    met = value <= baseline if ctx.spec.direction == "lower" else value >= baseline
    gap = None if met else abs(baseline - value)
    clause = text.no_decrease_clause(
        ctx.spec, ctx.year, value, baseline_year, baseline, met=met, gap=gap
    )
    return _decided(met, clause, tuple(sorted(needed)), gap)


def _falling_trend(rule: RuleSpec, ctx: Context) -> RuleOutcome:
    settled, pairs = _window_pairs(ctx)
    if settled:
        return settled
    stall = next(
        ((y0, y1) for (y0, v0), (y1, v1) in itertools.pairwise(pairs) if v1 >= v0),
        None,
    )
    clause = text.falling_trend_clause(ctx.spec, pairs, stall)
    # A trend has no single target to be short of: no gap.
    return _decided(stall is None, clause, ctx.window, None)


def _decided(met: bool, clause: Text, years: tuple[int, ...], gap: Decimal | None) -> RuleOutcome:
    return RuleOutcome(
        status=Status.MET if met else Status.NOT_MET, clause=clause, years_used=years, gap=gap
    )


_KINDS: dict[str, Callable[[RuleSpec, Context], RuleOutcome]] = {
    "threshold": _threshold,
    "qualitative": _qualitative,
    "assigned_target": _assigned_target,
    "no_deterioration": _no_deterioration,
    "no_decrease": _no_decrease,
    "falling_trend": _falling_trend,
}
