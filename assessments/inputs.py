"""Building the scoring engine's input from the database, in a fixed number of queries
whatever the number of indicators or years."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import override

from assessments.scoring import (
    AssessmentInput,
    IndicatorSpec,
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
    region: Region, edition: FrameworkEdition, year: int, mode: Mode | str
) -> AssessmentInput:
    return build_inputs(region, edition, [year], mode)[year]


def build_inputs(
    region: Region, edition: FrameworkEdition, years: Iterable[int], mode: Mode | str
) -> dict[int, AssessmentInput]:
    """The engine's input for each assessment year of ``years``, in the same number of queries
    however many years: the catalogue and the region's data are read once for all of them."""
    years = sorted(set(years))
    # The one answer to "does the region owe this indicator?" (indicators.selectors).
    applies = selectors.applicability(region, edition)
    indicators = [a.indicator for a in applies.values()]
    elements = [i.data_element_id for i in indicators if i.data_element_id]
    baselines = {
        r.baseline_year
        for i in indicators
        for c in i.criteria.all()
        for r in c.rules.all()
        if r.baseline_year
    }
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
        context = (observations, targets, departments)
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
    answer: selectors.Applicability, parent_code, observations, targets, departments
) -> IndicatorSpec:
    ind, criterion = answer.indicator, answer.criterion
    na = _not_applicable(answer)
    element = ind.data_element
    zh_depts, en_depts = departments.get(ind.data_element_id, ((), ()))
    return IndicatorSpec(
        code=ind.code,
        name=ind.name,
        name_en=ind.name_en,
        category=ind.category,
        parent_code=parent_code,
        value_kind=element.value_kind if element else "",
        unit=element.unit if element else "",
        direction=element.direction if element else "none",
        decimals=element.decimals if element else 1,
        target_text=criterion.target_text if criterion else "",
        target_text_en=criterion.target_text_en if criterion else "",
        rules=_rules(criterion) if criterion else (),
        not_applicable=na[0] if na else None,
        not_applicable_en=na[1] if na else None,
        observations=tuple(observations.get(ind.data_element_id, ())),
        assigned_targets=tuple(targets.get(ind.data_element_id, ())),
        departments=zh_depts,
        departments_en=en_depts,
        missing_attributes=answer.missing_attributes,
    )
