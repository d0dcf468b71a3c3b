"""The entry form (填报) of a department × region × year, and the plausibility check it asks
as one types. Writes go through ``indicators.services.values_save_form``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from accounts.scope import scope_of
from indicators import selectors as indicator_selectors
from indicators import services
from indicators.choices import ResponsibilityRole
from indicators.models import Department, IndicatorValue, Region, Responsibility
from indicators.models.values import YEAR_MAX, YEAR_MIN

from .selectors import EntrySheet, entry_sheet

SAVE, SUBMIT_CHOSEN, SUBMIT_COMPLETE = "save", "submit", "submit_complete"


class Access:
    """Who opens a department's form: its clerk (and administrators) enter; a clerk of a
    department that supports some of its rows sees those rows; anyone else gets a 404."""

    def __init__(self, request, region: str, dept_code: str, year: int):
        if not YEAR_MIN <= year <= YEAR_MAX:
            raise Http404
        scope = scope_of(request.user)
        self.region: Region = get_object_or_404(
            indicator_selectors.regions_for_user(request.user).select_related("edition"),
            code=region,
        )
        self.department: Department = get_object_or_404(
            Department.objects.filter(region=self.region), code=dept_code
        )
        self.year = year
        own = scope.is_clerk and scope.department_id == self.department.pk
        self.may_enter = scope.is_admin or (own and scope.enters_in_region(self.region.pk))
        self.only_supported = not self.may_enter and not own
        if self.only_supported and not (scope.is_clerk and self._supports(scope.department_id)):
            raise Http404

    def _supports(self, department_id: int | None) -> bool:
        """The reader's department supports an element this department leads."""
        leads = Responsibility.objects.filter(
            region=self.region, department=self.department, role=ResponsibilityRole.LEAD
        ).values("data_element")
        return Responsibility.objects.filter(
            region=self.region, department_id=department_id, data_element__in=leads
        ).exists()

    def sheet(self, reader_department_id: int | None) -> EntrySheet:
        if not self.only_supported:
            return entry_sheet(self.region, self.department, self.year, may_enter=self.may_enter)
        # Another department's clerk: the rows their own department supports, read-only.
        sheet = entry_sheet(self.region, self.department, self.year, may_enter=False)
        supported = set(
            Responsibility.objects.filter(
                region=self.region, department_id=reader_department_id
            ).values_list("data_element_id", flat=True)
        )
        for group in sheet.groups:
            group.rows = [row for row in group.rows if row.element.pk in supported]
        sheet.groups = [group for group in sheet.groups if group.rows]
        sheet.rows = {pk: row for pk, row in sheet.rows.items() if pk in supported}
        return sheet


@login_required
@require_http_methods(["GET", "POST"])
def entry(request, region: str, dept_code: str, year: int):
    access = Access(request, region, dept_code, year)
    sheet = access.sheet(request.user.department_id)
    status = 200
    if request.method == "POST":
        if not access.may_enter:
            raise Http404
        rows = _posted_rows(request, sheet)
        try:
            report = services.values_save_form(
                actor=request.user, region=access.region, year=year, rows=rows
            )
        except services.FormRefused as refused:
            sheet = access.sheet(request.user.department_id)  # what is stored now
            _keep_typed(sheet, rows, refused)
            status = 400
        else:
            _report(request, report)
            return redirect(request.get_full_path())
    else:
        for row in sheet.rows.values():
            if row.editable and row.raw:
                _check(row, sheet.year)
    context = {
        "sheet": sheet,
        "region": access.region,
        "department": access.department,
        "year": year,
        "may_enter": access.may_enter,
        "editable": any(row.editable for row in sheet.rows.values()),
    }
    return render(request, "dashboard/entry/form.html", context, status=status)


def _check(row, year: int) -> None:
    errors, warnings = services.plausibility(row.element, year, row.raw, row.previous)
    row.warnings = errors + warnings


def _int(text) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def _posted_rows(request, sheet: EntrySheet) -> list[services.FormRow]:
    """The editable rows as posted; rows the reader may not edit are ignored whatever is
    posted for them."""
    action = request.POST.get("action", SAVE)
    chosen = set(request.POST.getlist("submit"))
    rows = []
    for pk, row in sheet.rows.items():
        if not row.editable:
            continue
        prefix = f"r-{pk}-"
        form = services.FormRow(
            data_element=row.element,
            raw=request.POST.get(prefix + "value", ""),
            source=request.POST.get(prefix + "source", ""),
            note=request.POST.get(prefix + "note", ""),
            version=_int(request.POST.get(prefix + "version")),
            files=request.FILES.getlist(prefix + "files"),
            remove=[n for n in map(_int, request.POST.getlist(prefix + "remove")) if n],
            comment=request.POST.get(prefix + "comment", ""),
        )
        if action == SUBMIT_CHOSEN:
            form.submit = str(pk) in chosen
        elif action == SUBMIT_COMPLETE:
            form.submit = _complete(row, form)
        rows.append(form)
    return rows


def _complete(row, form: services.FormRow) -> bool:
    """A row "submit every complete row" takes: a value, and for a yes/no answer an evidence
    file (kept or attached now); other rows stay drafts without an error."""
    if not form.raw.strip():
        return False
    if not row.element.is_boolean:
        return True
    kept = [ev for ev in row.evidence if ev.pk not in form.remove]
    return bool(kept or form.files)


def _keep_typed(sheet: EntrySheet, posted: list[services.FormRow], refused) -> None:
    """Show the page again with everything the clerk typed, each row's errors on it, and for
    a stale row the stored value (whoever saved it) beside theirs: the version becomes the
    current one, so that saving again overwrites it knowingly."""
    for form in posted:
        row = sheet.rows.get(form.key)
        if row is None:
            continue
        row.raw, row.source, row.note, row.comment = form.raw, form.source, form.note, form.comment
        row.submit = form.submit
        row.errors = refused.errors.get(form.key, [])
        row.stale = form.key in refused.stale
        if not row.stale:
            row.version = form.version
        if row.editable and row.raw and not row.errors:
            _check(row, sheet.year)


def _report(request, report: services.FormReport) -> None:
    messages.success(
        request,
        _("Saved %(saved)s, submitted %(submitted)s, attached %(attached)s.")
        % {
            "saved": ngettext("%d value", "%d values", report.saved) % report.saved,
            "submitted": ngettext("%d value", "%d values", report.submitted) % report.submitted,
            "attached": ngettext("%d file", "%d files", report.attached) % report.attached,
        },
    )
    for warnings in report.warnings.values():
        for warning in warnings:
            messages.warning(request, warning)


@login_required
@require_GET
def entry_check(request, region: str, dept_code: str, year: int, element: int):
    """The plausibility of what is typed in one row (an htmx request as the clerk types):
    the same rules the service applies when saving and submitting."""
    access = Access(request, region, dept_code, year)
    if not access.may_enter:
        raise Http404
    resp = get_object_or_404(
        Responsibility.objects.select_related("data_element"),
        region=access.region,
        department=access.department,
        data_element_id=element,
        role=ResponsibilityRole.LEAD,
    )
    previous = (
        IndicatorValue.objects.filter(region=access.region, data_element_id=element, year=year - 1)
        .values_list("value", flat=True)
        .first()
    )
    errors, warnings = services.plausibility(
        resp.data_element, year, request.GET.get(f"r-{element}-value", "")[:100], previous
    )
    return render(
        request,
        "dashboard/entry/_check.html",
        {"errors": errors, "warnings": warnings, "element": element},
    )
