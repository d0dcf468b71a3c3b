"""Building the scoring engine's input from the database, in a fixed number of queries
whatever the number of indicators or years."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from assessments.scoring import (
    AssessmentInput,
    IndicatorSpec,
    InputSpec,
    Mode,
    Observation,
    PassRule,
    RuleSpec,
    VetoEvent,
)
from indicators import selectors
from indicators.choices import ResponsibilityRole
from indicators.models import (
    AssignedTarget,
    FrameworkEdition,
    IndicatorValue,
    Region,
    Responsibility,
)
from indicators.models import VetoEvent as VetoEventModel


def _bilingual(message_factory) -> tuple[str, str]:
    with override("zh-hans"):
        zh = message_factory()
    with override("en"):
        en = message_factory()
    return zh, en


def _rules(criterion) -> tuple[RuleSpec, ...]:
    return tuple(
        RuleSpec(
            kind=r.kind,
            operator=r.operator,
            value=r.value,
            tolerance=r.tolerance,
            baseline_year=r.baseline_year,
            span=r.span,
        )
        for r in criterion.rules.all()
    )


def _departments(region: Region) -> dict[int, tuple[tuple[str, ...], tuple[str, ...]]]:
    by_element: dict[int, list] = defaultdict(list)
    rows = Responsibility.objects.filter(region=region).select_related("department")
    for r in sorted(rows, key=lambda r: (r.role != ResponsibilityRole.LEAD, r.department.code)):
        by_element[r.data_element_id].append(r.department)
    return {
        element: (tuple(d.name for d in depts), tuple(d.name_en or d.name for d in depts))
        for element, depts in by_element.items()
    }


def build_input(
    region: Region,
    edition: FrameworkEdition,
    year: int,
    mode: Mode | str,
    *,
    today: datetime.date | None = None,
) -> AssessmentInput:
    return build_inputs(region, edition, [year], mode, today=today)[year]


def build_inputs(
    region: Region,
    edition: FrameworkEdition,
    years: Iterable[int],
    mode: Mode | str,
    *,
    today: datetime.date | None = None,
) -> dict[int, AssessmentInput]:
    """The engine's input for each assessment year of ``years``, in the same number of queries
    however many years: the catalogue and the region's data are read once for all of them.

    ``today`` (default: the local date) is the day of assessment, up to which veto events
    count (the engine stops at the end of the application year)."""
    years = sorted(set(years))
    today = today or timezone.localdate()
    # The one answer to "does the region owe this indicator?" (indicators.selectors).
    applies = selectors.applicability(region, edition)
    indicators = [a.indicator for a in applies.values()]
    computed = [i for i in indicators if i.formula]
    if computed:  # one more query, only for an edition that has computed indicators
        prefetch_related_objects(computed, "inputs")
    inputs_of = {i.pk: list(i.inputs.all()) for i in computed}
    elements = {i.data_element_id for i in indicators if i.data_element_id}
    elements |= {e.pk for found in inputs_of.values() for e in found}
    baselines = {
        r.baseline_year
        for i in indicators
        for c in i.criteria.all()
        for r in c.rules.all()
        if r.baseline_year
    } | {i.base_year for i in computed if i.base_year}
    read_years = baselines.union(*(edition.window(y) for y in years))
    values = list(
        IndicatorValue.objects.filter(
            region=region, data_element_id__in=elements, year__in=read_years
        ).order_by("year")
    )
    all_targets = list(
        AssignedTarget.objects.filter(
            region=region, data_element_id__in=elements, year__in=read_years
        ).order_by("year")
    )
    departments = _departments(region)
    vetoes = tuple(
        VetoEvent(date=e.date, kind=e.kind, description=e.description)
        for e in VetoEventModel.objects.filter(region=region).order_by("date", "pk")
    )
    codes = {i.pk: i.code for i in indicators}
    pass_rule = PassRule(
        window_years=edition.window_years,
        all_binding_required=edition.all_binding_required,
        reference_ratio_required=edition.reference_ratio_required,
        veto_in_window=edition.veto_in_window,
    )
    inputs = {}
    for year in years:
        used = set(edition.window(year)) | baselines
        observations: dict[int, list[Observation]] = defaultdict(list)
        for v in values:
            if v.year in used:
                observations[v.data_element_id].append(
                    Observation(
                        year=v.year,
                        status=v.status,
                        value=v.value,
                        answer=v.answer,
                        source=v.source,
                    )
                )
        targets: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
        for t in all_targets:
            if t.year in used:
                targets[t.data_element_id].append((t.year, t.target))
        context = (observations, targets, departments, inputs_of)
        inputs[year] = AssessmentInput(
            region_code=region.code,
            region_name=region.name,
            edition_code=edition.code,
            year=year,
            mode=Mode(mode),
            pass_rule=pass_rule,
            indicators=tuple(
                _spec(applies[ind.pk], codes.get(ind.parent_id), *context) for ind in indicators
            ),
            veto_events=vetoes,
            assessed_on=today,
        )
    return inputs


def _not_applicable(answer: selectors.Applicability) -> tuple[str, str] | None:
    ind = answer.indicator
    if answer.not_applicable == "declared":
        reason = answer.declared_reason
        return _bilingual(lambda: _("Declared not applicable: %(reason)s") % {"reason": reason})
    if answer.not_applicable == "scope":
        return _bilingual(
            lambda: (
                _("Applies to %(scope)s only, not to this region.")
                % {"scope": ind.get_scope_display()}
            )
        )
    if answer.not_applicable == "no_criterion":
        return _bilingual(
            lambda: _("No criterion applies to this class of region (e.g. coastal only).")
        )
    # "parent": the engine passes a parent's reason down to its children itself.
    return None


def _spec(
    answer: selectors.Applicability, parent_code, observations, targets, departments, inputs_of
) -> IndicatorSpec:
    ind, criterion = answer.indicator, answer.criterion
    na = _not_applicable(answer)
    element = ind.data_element
    # The first input (the indicator's own data element) first: its departments lead.
    inputs = sorted(inputs_of.get(ind.pk, []), key=lambda e: e.pk != ind.data_element_id)
    zh_depts, en_depts = _owed_by(
        [departments.get(e.pk, ((), ())) for e in inputs]
        or [departments.get(ind.data_element_id, ((), ()))]
    )
    # A computed indicator describes its own value (the decline in %); an entered one is its
    # data element's value.
    shown = ind if inputs else element
    return IndicatorSpec(
        code=ind.code,
        name=ind.name,
        name_en=ind.name_en,
        category=ind.category,
        parent_code=parent_code,
        value_kind=shown.value_kind if shown else "",
        unit=shown.unit if shown else "",
        direction=(shown.direction or "none") if shown else "none",
        decimals=shown.decimals if shown and shown.decimals is not None else 1,
        formula=ind.formula if inputs else "",
        inputs=tuple(_input(e, observations) for e in inputs),
        base_year=ind.base_year,
        target_text=criterion.target_text if criterion else "",
        target_text_en=criterion.target_text_en if criterion else "",
        rules=_rules(criterion) if criterion else (),
        not_applicable=na[0] if na else None,
        not_applicable_en=na[1] if na else None,
        observations=() if inputs else tuple(observations.get(ind.data_element_id, ())),
        assigned_targets=tuple(targets.get(ind.data_element_id, ())),
        departments=zh_depts,
        departments_en=en_depts,
        missing_attributes=answer.missing_attributes,
    )


def _input(element, observations) -> InputSpec:
    return InputSpec(
        key=element.key,
        name=element.name,
        name_en=element.name_en,
        unit=element.unit,
        decimals=element.decimals,
        observations=tuple(observations.get(element.pk, ())),
    )


def _owed_by(
    groups: list[tuple[tuple[str, ...], tuple[str, ...]]],
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The departments of several data elements, each once, in the order given."""
    zh = tuple(dict.fromkeys(d for group in groups for d in group[0]))
    en = tuple(dict.fromkeys(d for group in groups for d in group[1]))
    return zh, en
