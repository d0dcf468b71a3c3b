"""``assess``: the scorecard of one region for one assessment year (docs/criteria.md §3–§4).

Pure: plain dataclasses in, plain dataclasses out; no ORM, no clock.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from assessments.scoring import projection, text
from assessments.scoring.rules import (
    LeafEvaluation,
    Series,
    Value,
    build_series,
    combine,
    evaluate_leaf,
)
from assessments.scoring.text import Counts, Text
from assessments.scoring.types import (
    AssessmentInput,
    AssessmentResult,
    IndicatorResult,
    IndicatorSpec,
    Lacking,
    MissingItem,
    MissingPiece,
    Mode,
    Owner,
    PassRule,
    Status,
    Verdict,
    VetoEvent,
)

UNKNOWN = (Status.MISSING, Status.PENDING)

# Where an uncounted value is, most advanced first: a year with a submitted value waits for the
# reviewers even if an older draft row exists.
VALUE_PLACES = ("submitted", "returned", "draft")


@dataclass(frozen=True)
class _Node:
    """An indicator's result (its ``missing`` pieces name who owes what)."""

    result: IndicatorResult


@dataclass(frozen=True)
class _Inherited:
    """A not-applicable ancestor: its children do not apply either."""

    code: str
    reason: str
    reason_en: str


def window_years(year: int, window: int) -> tuple[int, ...]:
    """The ``window`` years ending with ``year``, oldest first."""
    return tuple(range(year - window + 1, year + 1))


def veto_period(
    window: Sequence[int], assessed_on: datetime.date | None
) -> tuple[datetime.date, datetime.date]:
    """The days whose veto events count (both ends included): from the first day of the
    window up to the day of assessment, the application year (the year after the window)
    included, and never past the application year's end."""
    start = datetime.date(window[0], 1, 1)
    last = datetime.date(window[-1] + 1, 12, 31)
    return start, last if assessed_on is None else min(assessed_on, last)


def counted_vetoes(
    events: Iterable[VetoEvent], window: Sequence[int], assessed_on: datetime.date | None
) -> tuple[VetoEvent, ...]:
    start, end = veto_period(window, assessed_on)
    return tuple(event for event in events if start <= event.date <= end)


def assess(inp: AssessmentInput) -> AssessmentResult:
    """Score every indicator of the input and apply the pass rule."""
    window = window_years(inp.year, inp.pass_rule.window_years)
    nodes = _Tree(inp, window).evaluate()
    top = [nodes[spec.code] for spec in inp.indicators if spec.parent_code is None]
    counts = _counts([n.result for n in top], inp.pass_rule)
    vetoes = counted_vetoes(inp.veto_events, window, inp.assessed_on)
    verdict, reasons = _verdict([n.result for n in top], counts, inp.pass_rule, vetoes)
    missing = tuple(_missing_item(n.result) for n in top if n.result.status in UNKNOWN)
    summary = text.summary(
        verdict,
        counts,
        reasons,
        unknown=len(missing),
        any_pending=any(m.status == Status.PENDING for m in missing),
    )
    return AssessmentResult(
        region_code=inp.region_code,
        edition_code=inp.edition_code,
        year=inp.year,
        mode=Mode(inp.mode),
        window=window,
        verdict=verdict,
        binding_met=counts.binding_met,
        binding_applicable=counts.binding_applicable,
        reference_met=counts.reference_met,
        reference_applicable=counts.reference_applicable,
        reference_ratio=counts.reference_ratio,
        reference_required=counts.reference_required,
        veto_events=vetoes,
        missing=missing,
        indicators=tuple(nodes[spec.code].result for spec in inp.indicators),
        summary=summary.zh,
        summary_en=summary.en,
    )


# ---------------------------------------------------------------- the indicator tree


class _Tree:
    """Evaluates parents from their children, top down so that not-applicable flows down."""

    def __init__(self, inp: AssessmentInput, window: tuple[int, ...]) -> None:
        self.inp, self.window = inp, window
        self.specs = {spec.code: spec for spec in inp.indicators}
        self.children: dict[str, list[IndicatorSpec]] = defaultdict(list)
        for spec in inp.indicators:
            if spec.parent_code is not None and spec.parent_code in self.specs:
                self.children[spec.parent_code].append(spec)
        self.nodes: dict[str, _Node] = {}
        self.series: dict[str, Series] = {}

    def evaluate(self) -> dict[str, _Node]:
        for spec in self.inp.indicators:
            # Roots, and sub-indicators whose parent is not in the input (scored, not counted).
            if spec.parent_code is None or spec.parent_code not in self.specs:
                self._node(spec, None, ())
        return self.nodes

    def _node(
        self, spec: IndicatorSpec, inherited: _Inherited | None, path: tuple[str, ...]
    ) -> _Node:
        if spec.code in path:
            raise ValueError(f"Indicator {spec.code} is its own ancestor.")
        passed_down = inherited or _own_not_applicable(spec)
        kids = [self._node(c, passed_down, (*path, spec.code)) for c in self.children[spec.code]]
        if inherited is not None:
            node = _not_applicable(spec, self._value(spec, kids), _inherited_text(inherited))
        elif spec.not_applicable is not None:
            reason = text.not_applicable_text(spec.not_applicable, spec.not_applicable_en or "")
            node = _not_applicable(spec, self._value(spec, kids), reason)
        elif kids:
            node = _parent(spec, kids)
        elif spec.missing_attributes:
            node = _attribute_missing(spec, self._series(spec), self.inp)
        else:
            series = self._series(spec)
            leaf = evaluate_leaf(spec, self.window, self.inp.mode, series)
            node = _leaf(spec, leaf, series, self.inp)
        self.nodes[spec.code] = node
        return node

    def _value(self, spec: IndicatorSpec, kids: list[_Node]) -> Value | None:
        # A leaf that does not apply still reports its value: it is a fact, just not scored.
        if kids:
            return None
        return self._series(spec).counted.get(self.inp.year)

    def _series(self, spec: IndicatorSpec) -> Series:
        """The leaf's series, built once per assessment (rules, projection and missing pieces
        read it)."""
        series = self.series.get(spec.code)
        if series is None:
            series = self.series[spec.code] = build_series(spec, self.inp.mode, self.window)
        return series


def _own_not_applicable(spec: IndicatorSpec) -> _Inherited | None:
    if spec.not_applicable is None:
        return None
    return _Inherited(spec.code, spec.not_applicable, spec.not_applicable_en or spec.not_applicable)


def _inherited_text(inherited: _Inherited) -> Text:
    return text.inherited_not_applicable_text(inherited.code, inherited.reason, inherited.reason_en)


def _result(spec: IndicatorSpec, **fields) -> IndicatorResult:
    """An IndicatorResult with the fields that come straight from the spec filled in."""
    base = {
        "code": spec.code,
        "name": spec.name,
        "name_en": spec.name_en,
        "category": spec.category,
        "parent_code": spec.parent_code,
        "unit": spec.unit,
        "target_text": spec.target_text,
        "target_text_en": spec.target_text_en,
        "departments": spec.departments,
        "departments_en": spec.departments_en,
        "value": None,
        "years_used": (),
        "gap": None,
        "gap_text": "",
        "gap_text_en": "",
        "missing_years": (),
        "projection": None,
    }
    merged = base | fields
    value = merged["value"]
    merged["value_text"] = "" if value is None else text.fmt_value(value, spec).zh
    used = set(merged["years_used"])
    merged["sources"] = ()
    if used:
        observations = [*spec.observations, *(o for i in spec.inputs for o in i.observations)]
        merged["sources"] = tuple(
            dict.fromkeys(o.source for o in observations if o.year in used and o.source)
        )
    return IndicatorResult(**merged)


def _not_applicable(spec: IndicatorSpec, value: Value | None, why: Text) -> _Node:
    result = _result(
        spec,
        status=Status.NOT_APPLICABLE,
        value=value,
        explanation=why.zh,
        explanation_en=why.en,
    )
    return _Node(result)


def _leaf(spec: IndicatorSpec, leaf: LeafEvaluation, series: Series, inp: AssessmentInput) -> _Node:
    gap = leaf.gap if leaf.status == Status.NOT_MET else None
    gap_text = text.gap_text(gap, spec)
    status, explanation, pieces = leaf.status, leaf.explanation, ()
    if status in UNKNOWN:
        pieces = _leaf_pieces(spec, leaf.missing_years, series, inp)
        status = _unknown_status(pieces)
        if pieces:
            # A computed indicator still shows the arithmetic of the years it could compute.
            done = series.arithmetic.get(inp.year) if spec.formula else None
            arithmetic = [done] if done else []
            explanation = text.sentence(arithmetic + [text.piece_clause(p) for p in pieces])
    result = _result(
        spec,
        status=status,
        value=leaf.value,
        years_used=leaf.years_used,
        gap=gap,
        gap_text=gap_text.zh,
        gap_text_en=gap_text.en,
        explanation=explanation.zh,
        explanation_en=explanation.en,
        missing_years=leaf.missing_years,
        missing=pieces,
        projection=projection.project(
            spec.rules,
            series.counted,
            inp.year,
            numeric=spec.value_kind != "boolean",
        ),
    )
    return _Node(result)


def _attribute_missing(spec: IndicatorSpec, series: Series, inp: AssessmentInput) -> _Node:
    """No criterion can be chosen until the region's class is complete: missing data, owed by
    the administrator (and the value, if it is not in yet, by its department)."""
    owner = text.OWNER_NAMES[Owner.ADMINISTRATOR]
    pieces = [
        _piece(spec, Lacking.REGION_ATTRIBUTE, Owner.ADMINISTRATOR, owner, attribute=attribute)
        for attribute in spec.missing_attributes
    ]
    pieces += _value_pieces(spec, (inp.year,), series, inp)
    explanation = text.sentence([text.piece_clause(p) for p in pieces])
    result = _result(
        spec,
        status=_unknown_status(pieces),
        value=series.counted.get(inp.year),
        explanation=explanation.zh,
        explanation_en=explanation.en,
        missing_years=tuple(sorted({y for p in pieces for y in p.years})),
        missing=tuple(pieces),
    )
    return _Node(result)


def _unknown_status(pieces: Iterable[MissingPiece]) -> Status:
    """PENDING only when the reviewers hold a piece: a draft or a returned value is with its
    department, so it is missing like a value nobody entered."""
    return Status.PENDING if any(p.owner == Owner.REVIEWERS for p in pieces) else Status.MISSING


def _leaf_pieces(
    spec: IndicatorSpec, lacking_years: Iterable[int], series: Series, inp: AssessmentInput
) -> tuple[MissingPiece, ...]:
    """What an unknown leaf lacks: the values of the years with no counted value, and the
    assessment year's assigned target when a rule needs one that is not entered."""
    lacking_years = tuple(lacking_years)
    pieces = _value_pieces(spec, lacking_years, series, inp)
    needs_target = any(rule.kind == "assigned_target" for rule in spec.rules)
    if needs_target and inp.year not in dict(spec.assigned_targets):
        owner = text.OWNER_NAMES[Owner.CREATION_OFFICE]
        pieces.append(
            _piece(spec, Lacking.ASSIGNED_TARGET, Owner.CREATION_OFFICE, owner, years=(inp.year,))
        )
    return tuple(pieces)


def _value_pieces(
    spec: IndicatorSpec, years: Iterable[int], series: Series, inp: AssessmentInput
) -> list[MissingPiece]:
    """One piece per place the uncounted values of ``years`` are at (nothing entered, draft,
    returned: the lead department; submitted: the reviewers)."""
    counted = series.counted
    by_place: dict[str, list[int]] = defaultdict(list)
    for year in sorted(set(years)):
        if year not in counted:
            by_place[_place(spec, year)].append(year)
    # No department answers for it yet: assigning one is the administrator's (the matrix).
    lead, lead_owner = text.OWNER_NAMES[Owner.ADMINISTRATOR], Owner.ADMINISTRATOR
    if spec.departments:
        lead = Text(spec.departments[0], (spec.departments_en or spec.departments)[0])
        lead_owner = Owner.DEPARTMENT
    pieces = []
    for place in ("", *reversed(VALUE_PLACES)):
        if place not in by_place:
            continue
        owner = Owner.REVIEWERS if place == "submitted" else lead_owner
        names = text.OWNER_NAMES[owner] if owner == Owner.REVIEWERS else lead
        pieces.append(
            _piece(
                spec,
                Lacking.VALUE,
                owner,
                names,
                years=tuple(by_place[place]),
                value_status=place,
            )
        )
    return pieces


def _place(spec: IndicatorSpec, year: int) -> str:
    """Where the uncounted value of ``year`` is (a computed indicator: its inputs' values)."""
    observations = [*spec.observations, *(o for i in spec.inputs for o in i.observations)]
    statuses = {o.status for o in observations if o.year == year}
    return next((place for place in VALUE_PLACES if place in statuses), "")


def _piece(
    spec: IndicatorSpec, lacking: Lacking, owner: Owner, names: Text, **fields
) -> MissingPiece:
    piece = MissingPiece(
        code=spec.code,
        lacking=lacking,
        owner=owner,
        owner_names=(names.zh,) if names.zh else (),
        owner_names_en=(names.en or names.zh,) if names.zh else (),
        **fields,
    )
    clause = text.piece_clause(piece)
    return replace(piece, text=clause.zh, text_en=clause.en)


def _parent(spec: IndicatorSpec, kids: list[_Node]) -> _Node:
    applicable = [k.result for k in kids if k.result.status != Status.NOT_APPLICABLE]
    status = combine(r.status for r in applicable) if applicable else Status.NOT_APPLICABLE
    unknown = [k for k in kids if k.result.status in UNKNOWN]
    pieces = tuple(p for k in unknown for p in k.result.missing)
    summary = text.parent_text([(k.result.code, k.result.status) for k in kids], pieces)
    result = _result(
        spec,
        status=status,
        years_used=tuple(sorted({y for r in applicable for y in r.years_used})),
        explanation=summary.zh,
        explanation_en=summary.en,
        departments=spec.departments or _ordered(d for k in kids for d in k.result.departments),
        departments_en=spec.departments_en
        or _ordered(d for k in kids for d in k.result.departments_en),
        missing_years=tuple(sorted({y for k in unknown for y in k.result.missing_years})),
        missing=pieces,
    )
    return _Node(result)


def _ordered(items: Iterable[str]) -> tuple[str, ...]:
    """Distinct items in order of first appearance."""
    return tuple(dict.fromkeys(items))


def _missing_item(r: IndicatorResult) -> MissingItem:
    """A top-level indicator that is missing or pending, with every piece it lacks: the
    departments are those that owe values; ``owners`` names everyone who owes something."""
    owing = [p for p in r.missing if p.owner == Owner.DEPARTMENT]
    return MissingItem(
        code=r.code,
        name=r.name,
        name_en=r.name_en,
        status=r.status,
        years=r.missing_years,
        departments=_ordered(n for p in owing for n in p.owner_names),
        departments_en=_ordered(n for p in owing for n in p.owner_names_en),
        pieces=r.missing,
        owners=_ordered(n for p in r.missing for n in p.owner_names),
        owners_en=_ordered(n for p in r.missing for n in p.owner_names_en),
    )


# ---------------------------------------------------------------- the pass rule


def _counts(top: Sequence[IndicatorResult], rule: PassRule) -> Counts:
    def tally(category: str) -> tuple[int, int]:
        applicable = [
            r for r in top if r.category == category and r.status != Status.NOT_APPLICABLE
        ]
        return sum(1 for r in applicable if r.status == Status.MET), len(applicable)

    binding_met, binding_applicable = tally("binding")
    reference_met, reference_applicable = tally("reference")
    ratio = Decimal(reference_met) / Decimal(reference_applicable) if reference_applicable else None
    return Counts(
        binding_met,
        binding_applicable,
        reference_met,
        reference_applicable,
        ratio,
        rule.reference_ratio_required,
    )


def _verdict(
    top: Sequence[IndicatorResult],
    counts: Counts,
    rule: PassRule,
    vetoes: tuple[VetoEvent, ...],
) -> tuple[Verdict, list[Text]]:
    """The verdict and, when it is NOT_ELIGIBLE, every reason for it."""
    reasons = []
    if rule.veto_in_window and vetoes:
        reasons.append(text.veto_reason(len(vetoes)))
    failed = [r.code for r in top if r.category == "binding" and r.status == Status.NOT_MET]
    if rule.all_binding_required and failed:
        reasons.append(text.binding_failed_reason(failed))
    unknown_reference = sum(1 for r in top if r.category == "reference" and r.status in UNKNOWN)
    best = counts.reference_met + unknown_reference
    # Compared by multiplication so that 4/5 against 0.8 is exact, not a rounded quotient.
    needed = counts.reference_required * counts.reference_applicable
    if counts.reference_applicable and best < needed:
        if unknown_reference:
            best_ratio = Decimal(best) / Decimal(counts.reference_applicable)
            reasons.append(text.reference_unreachable_reason(best_ratio, counts.reference_required))
        else:
            reasons.append(text.reference_below_reason(counts.reference_required))
    if reasons:
        return Verdict.NOT_ELIGIBLE, reasons
    if any(r.status in UNKNOWN for r in top):
        return Verdict.INCOMPLETE, []
    return Verdict.ELIGIBLE, []
