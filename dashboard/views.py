"""The leaders' pages: overview, indicator, department and comparison. Server-rendered;
charts draw from JSON embedded in the page (no request per indicator from the browser)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.scope import scope_of
from actions import permissions as action_permissions
from actions import selectors as action_selectors
from assessments import selectors
from assessments.choices import Mode
from dashboard import review_selectors
from dashboard import selectors as pages
from dashboard.review_selectors import DUE_SOON_DAYS
from dashboard.templatetags.zl import pct, verdict_icon, verdict_label
from indicators import selectors as indicator_selectors
from indicators.choices import EditionStatus, ValueStatus
from indicators.models import FrameworkEdition, Indicator, IndicatorValue, Region
from indicators.models.values import YEAR_MAX, YEAR_MIN
from zhonglou.bilingual import localized


def _region(request, code: str) -> Region:
    regions = indicator_selectors.regions_for_user(request.user).select_related("edition")
    return get_object_or_404(regions, code=code)


def _require_scores(request):
    if not scope_of(request.user).reads_scores:
        raise Http404  # clerks have their department page; the scores are not theirs


class Choice:
    """The edition, year and mode a page shows, from the query string or the defaults."""

    def __init__(self, request, region: Region, regions=None, *, span=None):
        """Defaults come from ``region``, or from ``regions`` (the data they hold; a list or
        a queryset) when a page shows several, or from their ``span`` (a
        :class:`~indicators.selectors.YearSpan`) when the page has read it."""
        editions = list(
            FrameworkEdition.objects.exclude(status=EditionStatus.DRAFT).order_by("code")
        )
        own = indicator_selectors.region_edition(region)
        wanted = request.GET.get("edition")
        self.edition = next((e for e in editions if e.code == wanted), own or editions[0])
        self.editions = sorted(editions, key=lambda e: e != own)
        # The region's assessment year (a draft moves no default); for several, the latest.
        if span is None:
            span = indicator_selectors.year_span(regions if regions is not None else [region])
        self.years, default_year = span.years, span.default_year
        try:
            year = int(request.GET.get("year", default_year))
        except ValueError:
            year = default_year
        self.year = year if YEAR_MIN <= year <= YEAR_MAX else default_year
        if self.year not in self.years:
            self.years.insert(0, self.year)
        mode = request.GET.get("mode", Mode.OFFICIAL)
        self.mode = mode if mode in Mode.values else Mode.OFFICIAL
        self.modes = Mode.choices

    def query(self) -> str:
        return f"?edition={self.edition.code}&year={self.year}&mode={self.mode}"


@login_required
def home(request):
    """Each role lands on its work: a clerk on what their department owes (returned first,
    then due soon, then overdue), a reviewer and a leader on the overview (the reviewer's
    shows how many values wait in the queue), a city on the comparison."""
    scope = scope_of(request.user)
    if not scope.active:
        raise PermissionDenied
    if scope.is_clerk and scope.department_id:
        return _clerk_home(request)
    if request.user.region_id:
        if scope.reads_scores and scope.has_regions_below:
            # A city's creation office and leaders follow their districts side by side.
            return redirect("compare")
        return redirect("overview", region=request.user.region.code)
    region = indicator_selectors.regions_for_user(request.user).filter(values__isnull=False).first()
    if region is None:
        region = indicator_selectors.regions_for_user(request.user).order_by("code").first()
    if region is None:
        raise Http404
    return redirect("overview", region=region.code)


def _clerk_home(request):
    region, dept = request.user.region, request.user.department
    owed = review_selectors.owed_by_department(region, dept, timezone.localdate())
    return render(
        request,
        "dashboard/home.html",
        {"region": region, "department": dept, "owed": owed, "due_soon_days": DUE_SOON_DAYS},
    )


@login_required
def overview(request, region: str):
    region_obj = _region(request, region)
    if scope_of(request.user).is_clerk:
        return redirect("department", region=region, code=request.user.department.code)
    _require_scores(request)
    choice = Choice(request, region_obj)
    card = selectors.scorecard(
        region=region_obj, edition=choice.edition, year=choice.year, mode=choice.mode
    )
    result = card.result
    indicators = pages.top_level(choice.edition)
    domains = pages.domain_counts(result, indicators)
    ratio = result.reference_ratio
    charts = {
        "gauge": {
            "value": round(float(ratio) * 100, 1) if ratio is not None else None,
            "required": round(float(result.reference_required) * 100, 1),
            "label": _("Reference indicators met"),
            "requiredLabel": _("required"),
        },
        "domains": {
            "categories": [localized(d, "name") for d in domains],
            "series": [
                {"key": key, "name": label, "data": [d[key] for d in domains]}
                for key, label in (
                    ("met", _("met")),
                    ("not_met", _("not met")),
                    ("missing", _("missing data")),
                    ("pending", _("pending review")),
                    ("not_applicable", _("not applicable")),
                )
            ],
        },
    }
    context = {
        "region": region_obj,
        "choice": choice,
        "scorecard": card,
        "result": result,
        "domains": domains,
        "gaps": pages.gap_list(result),
        "completeness": pages.completeness(
            region_obj, choice.edition, list(result.window), timezone.localdate()
        ),
        "charts": charts,
        "codes": {i.code: i for i in indicators},
        "actions": action_selectors.actions_by_indicator(
            request.user, region_obj, choice.edition, timezone.localdate()
        ),
        "may_create_actions": action_permissions.may_create(request.user, region_obj.pk),
        "queue": _queue_count(request, region_obj),
    }
    return render(request, "dashboard/overview.html", context)


def _queue_count(request, region: Region) -> int | None:
    """How many values wait for the user's review in ``region`` (None: they review none)."""
    if not scope_of(request.user).reviews_region(region.pk):
        return None
    return review_selectors.queue_count(request.user, region)


@login_required
def indicator(request, region: str, edition: str, code: str):
    region_obj = _region(request, region)
    edition_obj = get_object_or_404(FrameworkEdition, code=edition)
    ind = get_object_or_404(
        Indicator.objects.select_related("task__domain", "data_element", "parent"),
        edition=edition_obj,
        code=code,
    )
    detail = pages.indicator_detail(region_obj, ind, request.user)
    scope = scope_of(request.user)
    if scope.is_clerk and not any(detail["values"].values()):
        supplied = indicator_selectors.elements_for_user(request.user)
        if not supplied.filter(pk__in=[leaf.data_element_id for leaf in detail["leaves"]]).exists():
            raise Http404
    mode = request.GET.get("mode", Mode.OFFICIAL)
    mode = mode if mode in Mode.values else Mode.OFFICIAL
    scores_visible = scope.reads_scores
    statuses, projections, projected_year = {}, {}, None
    if scores_visible:
        years = sorted(indicator_selectors.data_years([region_obj]))
        cards = selectors.scorecards(
            regions=[region_obj], edition=edition_obj, years=years, mode=mode
        )
        for year in years:
            result = cards[(region_obj.pk, year)].result
            statuses[year] = next((i for i in result.indicators if i.code == code), None)
        # Projected from the region's assessment year (the latest year shown if it has none).
        projected_year = indicator_selectors.default_year(region_obj)
        if projected_year not in statuses and statuses:
            projected_year = max(statuses)
        if projected_year in statuses:
            result = cards[(region_obj.pk, projected_year)].result
            projections = {i.code: i.projection for i in result.indicators if i.projection}
    charts = _indicator_charts(detail, statuses, projections)
    context = {
        "region": region_obj,
        "edition": edition_obj,
        "indicator": ind,
        "detail": detail,
        "statuses": statuses,
        "projections": projections,
        "projected_year": projected_year,
        "mode": mode,
        "charts": charts,
        "scores_visible": scores_visible,
        "back": reverse("overview", kwargs={"region": region}) + f"?edition={edition}",
        "actions": action_selectors.actions_for_indicator(
            request.user, region_obj, ind, timezone.localdate()
        ),
        "may_create_action": action_permissions.may_create(request.user, region_obj.pk)
        and action_selectors.gap_of(statuses.get(projected_year)) is not None,
    }
    return render(request, "dashboard/indicator.html", context)


def _indicator_charts(detail: dict, statuses: dict, projections: dict) -> dict:
    """One chart per sub-indicator: values by year, with the threshold or the assigned
    targets drawn as a line, and the projection (dashed) from the latest value to the target
    year."""
    charts = []
    for leaf in detail["leaves"]:
        element = leaf.data_element
        if element.value_kind == "boolean":
            continue
        values = {v.year: v for v in detail["values"].get(leaf.data_element_id, [])}
        # A computed indicator's assigned target is in its own unit (a decline in %), not in
        # the unit of the entered values the chart draws: leave it out of the chart.
        targets = {} if leaf.is_computed else detail["targets"].get(leaf.data_element_id, {})
        if not values and not targets:
            continue
        projection = None if leaf.is_computed else projections.get(leaf.code)
        path = _projection_path(projection)
        known = set(values) | set(targets) | set(statuses) | set(path)
        # Every year in between, so that a missing year shows as a gap in the line.
        years = list(range(min(known), max(known) + 1))
        criterion = detail["criteria"].get(leaf.pk)
        threshold = None
        if criterion is not None and not leaf.is_computed:
            for rule in criterion.rules.all():
                if rule.kind == "threshold" and rule.value is not None:
                    threshold = float(rule.value)
        charts.append(
            {
                "id": f"chart-{leaf.code.replace('.', '-')}",
                # The chart draws the entered values: for 7.2 the concentration, by its name.
                "title": f"{leaf.code} {element.name if leaf.is_computed else leaf.name}",
                "unit": element.unit,
                "years": [str(y) for y in years],
                "values": [
                    float(values[y].value) if y in values and values[y].value is not None else None
                    for y in years
                ],
                "approved": [
                    bool(y in values and values[y].status == ValueStatus.APPROVED) for y in years
                ],
                "targets": [float(targets[y]) if y in targets else None for y in years],
                "projection": [path.get(y) for y in years] if path else None,
                "threshold": threshold,
                "thresholdLabel": criterion.target_text if criterion else "",
                "labels": {
                    "value": _("value"),
                    "target": _("assigned target"),
                    "projection": _("projection"),
                },
            }
        )
    return {"series": charts}


def _projection_path(projection) -> dict[int, float]:
    """Year → value of the dashed projection: the latest counted value, then the projected
    values up to the target year."""
    if projection is None or not projection.projected:
        return {}
    path = {projection.latest_year: float(projection.latest_value)}
    path.update((year, float(value)) for year, value in projection.projected)
    return path


@login_required
def department(request, region: str, code: str):
    region_obj = _region(request, region)
    departments = indicator_selectors.departments_for_user(request.user)
    dept = get_object_or_404(departments, region=region_obj, code=code)
    choice = Choice(request, region_obj)
    years = choice.edition.window(choice.year)
    today = timezone.localdate()
    rows = pages.department_rows(region_obj, dept, choice.edition, years, today)
    actions = action_selectors.department_actions(request.user, dept, today)
    context = {
        "region": region_obj,
        "department": dept,
        "choice": choice,
        "years": years,
        "rows": rows,
        "returned": [cell for row in rows for cell in row["cells"] if cell["status"] == "returned"],
        "owed": sum(
            1
            for row in rows
            for cell in row["cells"]
            if cell["lead"] and cell["status"] in ("missing", "draft", "returned")
        ),
        # Overdue values, and overdue corrective actions the department leads.
        "overdue": sum(1 for row in rows for cell in row["cells"] if cell["overdue"])
        + sum(1 for a in actions if a.overdue and a.lead_department_id == dept.pk),
        "may_enter": scope_of(request.user).enters_values,
        "actions": actions,
    }
    return render(request, "dashboard/department.html", context)


def _synthetic_label(region: Region) -> str:
    """The region's name, saying "synthetic" once when its data is made up (a synthetic
    region's own name already says 合成)."""
    name = localized(region, "name")
    word = _("synthetic")
    return f"{name} ({word})" if region.synthetic and word not in name else name


COMPARE_PAGE_SIZE = 25


def _compare_rows(lines, regions: dict[int, Region], choice) -> list[dict]:
    """The comparison's rows with their words and figures written once here: a province's
    page of fifty rows renders in a few milliseconds, not a template's tags per cell.
    ``regions``: the page's regions by id."""
    verdicts = {}
    query = choice.query()
    rows = []
    for line in lines:
        region = regions[line.region_id]
        if line.verdict not in verdicts:
            verdicts[line.verdict] = f"{verdict_icon(line.verdict)} {verdict_label(line.verdict)}"
        rows.append(
            {
                "region": region,
                "result": line,
                "url": reverse("overview", args=[region.code]) + query,
                "name": localized(region, "name"),
                "verdict_text": verdicts[line.verdict],
                "binding": f"{line.binding_met} / {line.binding_applicable}",
                "reference": (
                    f"{line.reference_met} / {line.reference_applicable} "
                    f"({pct(line.reference_ratio)})"
                ),
                "as_of": date_format(timezone.localtime(line.as_of), "SHORT_DATETIME_FORMAT"),
            }
        )
    return rows


@login_required
def compare(request):
    _require_scores(request)
    # Regions with data only: a city that collects no values of its own is no peer of its
    # districts.
    scoped = indicator_selectors.regions_for_user(request.user).filter(
        pk__in=IndicatorValue.objects.values("region")
    )
    # A province's regions are ranked and paged by their ids and stored verdicts: only the
    # anchor (the reader's own region, else the first), read with the regions' span of years,
    # and the page's regions are loaded.
    own_first = Case(When(pk=request.user.region_id, then=0), default=1)
    anchor = (
        indicator_selectors.with_year_span(scoped.select_related("edition"))
        .order_by(own_first, "code")
        .first()
    )
    if anchor is None:
        raise Http404
    choice = Choice(request, anchor, span=indicator_selectors.span_of(anchor))
    lines = selectors.verdict_lines(
        regions=scoped.order_by("code"), edition=choice.edition, year=choice.year, mode=choice.mode
    )
    lines.sort(key=lambda line: (line.reference_ratio is None, -(line.reference_ratio or 0)))
    # A province has a hundred districts or more: a page of them at a time (ranked overall).
    page = Paginator(lines, COMPARE_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = Region.objects.in_bulk([line.region_id for line in page])
    rows = _compare_rows(page, shown, choice)
    charts = {
        "compare": {
            "regions": [_synthetic_label(r["region"]) for r in rows],
            "ratios": [
                round(float(r["result"].reference_ratio) * 100, 1)
                if r["result"].reference_ratio is not None
                else None
                for r in rows
            ],
            "binding": [
                round(100 * r["result"].binding_met / r["result"].binding_applicable, 1)
                if r["result"].binding_applicable
                else None
                for r in rows
            ],
            "required": round(float(choice.edition.reference_ratio_required) * 100, 1),
            "labels": {
                "reference": _("Reference indicators met (%)"),
                "binding": _("Binding indicators met (%)"),
                "required": _("required"),
            },
        }
    }
    return render(
        request,
        "dashboard/compare.html",
        {"rows": rows, "choice": choice, "charts": charts, "anchor": anchor, "page": page},
    )
