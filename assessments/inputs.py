"""Building the scoring engine's input from the database, in a fixed number of queries
whatever the number of indicators or years."""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
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
    Indicator,
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
    # Kept on the criterion: a batch shares one catalogue read among all its regions.
    cached = getattr(criterion, "_rule_specs", None)
    if cached is None:
        cached = criterion._rule_specs = _rule_specs(criterion)
    return cached


def _rule_specs(criterion) -> tuple[RuleSpec, ...]:
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


def _departments(
    region_ids: list[int],
) -> dict[int, dict[int, tuple[tuple[str, ...], tuple[str, ...]]]]:
    """Region id → data element → the names (Chinese, English) of the departments owing it,
    lead first, then by department code; one query for all the regions."""
    # No model ordering: it joins the regions and elements to sort rows sorted again below.
    rows = (
        Responsibility.objects.filter(region_id__in=region_ids)
        .order_by()
        .values_list(
            "region_id",
            "data_element_id",
            "role",
            "department__code",
            "department__name",
            "department__name_en",
        )
    )
    grouped: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for region_id, element, _role, _code, name, name_en in sorted(
        rows, key=lambda r: (r[2] != ResponsibilityRole.LEAD, r[3])
    ):
        grouped[region_id][element].append((name, name_en or name))
    return {
        region_id: {
            element: (tuple(d[0] for d in depts), tuple(d[1] for d in depts))
            for element, depts in by_element.items()
        }
        for region_id, by_element in grouped.items()
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
    mode = Mode(mode)
    batch = build_inputs_batch([region], edition, {region.pk: years}, [mode], today=today)
    return {year: inp for (_, year, _), inp in batch.items()}


@dataclass(frozen=True)
class _Catalogue:
    """What an edition's inputs share for every region: read once per edition."""

    catalogue: list
    inputs_of: dict[int, list]
    elements: set[int]
    baselines: set[int]
    codes: dict[int, str]
    pass_rule: PassRule
    # What an indicator's spec takes from its applicability alone (the same for every region
    # of a class: see ``selectors.applicabilities``), keyed by the applicability's id.
    statics: dict = field(default_factory=dict)


def _catalogue(edition: FrameworkEdition) -> _Catalogue:
    indicators = selectors.edition_catalogue(edition)
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
    return _Catalogue(
        catalogue=indicators,
        inputs_of=inputs_of,
        elements=elements,
        baselines=baselines,
        codes={i.pk: i.code for i in indicators},
        pass_rule=PassRule(
            window_years=edition.window_years,
            all_binding_required=edition.all_binding_required,
            reference_ratio_required=edition.reference_ratio_required,
            veto_in_window=edition.veto_in_window,
        ),
    )


def build_inputs_batch(
    regions: Iterable[Region],
    edition: FrameworkEdition,
    years: Mapping[int, Iterable[int]],
    modes: Iterable[Mode | str],
    *,
    today: datetime.date | None = None,
) -> dict[tuple[int, int, str], AssessmentInput]:
    """The engine's input for each region × its assessment years (``years`` by region id) ×
    mode, keyed by (region id, year, mode value). The catalogue is read once and each kind of
    region data (values — only the fields scoring reads —, assigned targets,
    responsibilities, declarations, veto events) in one query for all the regions: the number
    of queries does not grow with regions, years or modes. Each input is the one
    :func:`build_inputs` gives for that region alone."""
    regions = [r for r in regions if list(years.get(r.pk, ()))]
    if not regions:
        return {}
    today = today or timezone.localdate()
    modes = [Mode(m) for m in modes]
    cat = _catalogue(edition)
    years = {r.pk: sorted(set(years[r.pk])) for r in regions}
    read_years = cat.baselines.union(*(edition.window(y) for ys in years.values() for y in ys))
    ids = [r.pk for r in regions]
    answers = selectors.applicabilities(regions, edition, catalogue=cat.catalogue)
    values: dict[int, list] = defaultdict(list)
    for row in (
        IndicatorValue.objects.filter(
            region_id__in=ids, data_element_id__in=cat.elements, year__in=read_years
        )
        .order_by("year")
        .values_list("region_id", "data_element_id", "year", "status", "value", "answer", "source")
    ):
        values[row[0]].append(row[1:])
    targets: dict[int, list] = defaultdict(list)
    for row in (
        AssignedTarget.objects.filter(
            region_id__in=ids, data_element_id__in=cat.elements, year__in=read_years
        )
        .order_by("year")
        .values_list("region_id", "data_element_id", "year", "target")
    ):
        targets[row[0]].append(row[1:])
    departments = _departments(ids)
    vetoes: dict[int, list] = defaultdict(list)
    for region_id, date, kind, description in (
        VetoEventModel.objects.filter(region_id__in=ids)
        .order_by("date", "pk")
        .values_list("region_id", "date", "kind", "description")
    ):
        vetoes[region_id].append(VetoEvent(date=date, kind=kind, description=description))
    out = {}
    for region in regions:
        data = _RegionData(
            values=values[region.pk],
            targets=targets[region.pk],
            departments=departments.get(region.pk, {}),
            vetoes=tuple(vetoes[region.pk]),
        )
        for year in years[region.pk]:
            indicators = _indicator_specs(cat, answers[region.pk], data, year, edition)
            for mode in modes:
                out[(region.pk, year, mode.value)] = AssessmentInput(
                    region_code=region.code,
                    region_name=region.name,
                    edition_code=edition.code,
                    year=year,
                    mode=mode,
                    pass_rule=cat.pass_rule,
                    indicators=indicators,
                    veto_events=data.vetoes,
                    assessed_on=today,
                )
    return out


@dataclass(frozen=True)
class _RegionData:
    values: list
    targets: list
    departments: dict
    vetoes: tuple


def _indicator_specs(cat: _Catalogue, applies, data: _RegionData, year: int, edition):
    used = set(edition.window(year)) | cat.baselines
    observations: dict[int, list[Observation]] = defaultdict(list)
    for element, y, status, value, answer, source in data.values:
        if y in used:
            observations[element].append(
                Observation(year=y, status=status, value=value, answer=answer, source=source)
            )
    targets: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for element, y, target in data.targets:
        if y in used:
            targets[element].append((y, target))
    return tuple(
        _spec(cat, applies[ind.pk], observations, targets, data.departments)
        for ind in cat.catalogue
    )


def _not_applicable(answer: selectors.Applicability) -> tuple[str, str] | None:
    if answer.not_applicable in ("declared", "scope", "no_criterion"):
        return _not_applicable_text(
            answer.not_applicable, answer.declared_reason, answer.indicator.scope
        )
    # "parent": the engine passes a parent's reason down to its children itself.
    return None


@functools.lru_cache(maxsize=1024)
def _not_applicable_text(kind: str, reason: str, scope: str) -> tuple[str, str]:
    """Both languages of a not-applicable reason; the same few texts recur for every region
    of a province, and activating a language twice per indicator was most of the input's
    cost."""
    if kind == "declared":
        return _bilingual(lambda: _("Declared not applicable: %(reason)s") % {"reason": reason})
    if kind == "scope":
        return _bilingual(
            lambda: (
                _("Applies to %(scope)s only, not to this region.")
                % {"scope": Indicator(scope=scope).get_scope_display()}
            )
        )
    return _bilingual(
        lambda: _("No criterion applies to this class of region (e.g. coastal only).")
    )


def _spec(cat: _Catalogue, answer: selectors.Applicability, observations, targets, departments):
    static = _static(cat, answer)
    ind, inputs = answer.indicator, static["inputs"]
    zh_depts, en_depts = _owed_by(
        tuple(departments.get(e.pk, ((), ())) for e in inputs)
        or (departments.get(ind.data_element_id, ((), ())),)
    )
    return IndicatorSpec(
        **static["fields"],
        inputs=tuple(_input(e, observations) for e in inputs),
        observations=() if inputs else tuple(observations.get(ind.data_element_id, ())),
        assigned_targets=tuple(targets.get(ind.data_element_id, ())),
        departments=zh_depts,
        departments_en=en_depts,
    )


def _static(cat: _Catalogue, answer: selectors.Applicability) -> dict:
    """The fields of an indicator's spec that depend on its applicability only, worked out
    once per batch for each applicability (shared by the regions of one class)."""
    cached = cat.statics.get(id(answer))
    if cached is not None and cached["answer"] is answer:
        return cached
    ind, criterion = answer.indicator, answer.criterion
    na = _not_applicable(answer)
    element = ind.data_element
    # The first input (the indicator's own data element) first: its departments lead.
    inputs = sorted(cat.inputs_of.get(ind.pk, []), key=lambda e: e.pk != ind.data_element_id)
    # A computed indicator describes its own value (the decline in %); an entered one is its
    # data element's value.
    shown = ind if inputs else element
    fields = dict(
        code=ind.code,
        name=ind.name,
        name_en=ind.name_en,
        category=ind.category,
        parent_code=cat.codes.get(ind.parent_id),
        value_kind=shown.value_kind if shown else "",
        unit=shown.unit if shown else "",
        direction=(shown.direction or "none") if shown else "none",
        decimals=shown.decimals if shown and shown.decimals is not None else 1,
        formula=ind.formula if inputs else "",
        base_year=ind.base_year,
        target_text=criterion.target_text if criterion else "",
        target_text_en=criterion.target_text_en if criterion else "",
        rules=_rules(criterion) if criterion else (),
        not_applicable=na[0] if na else None,
        not_applicable_en=na[1] if na else None,
        missing_attributes=answer.missing_attributes,
    )
    # The answer is kept with its fields, so that its id is not reused within the batch.
    cached = {"answer": answer, "inputs": inputs, "fields": fields}
    cat.statics[id(answer)] = cached
    return cached


def _input(element, observations) -> InputSpec:
    return InputSpec(
        key=element.key,
        name=element.name,
        name_en=element.name_en,
        unit=element.unit,
        decimals=element.decimals,
        observations=tuple(observations.get(element.pk, ())),
    )


@functools.lru_cache(maxsize=4096)
def _owed_by(
    groups: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...],
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The departments of several data elements, each once, in the order given (the same
    few combinations recur for every region of a province)."""
    zh = tuple(dict.fromkeys(d for group in groups for d in group[0]))
    en = tuple(dict.fromkeys(d for group in groups for d in group[1]))
    return zh, en
