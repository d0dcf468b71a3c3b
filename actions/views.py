"""The corrective-action pages: create one from a gap, follow it (status, notes, milestones),
verify its closure. Every write goes through actions.services; GET never writes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from actions import permissions, selectors, services
from actions.choices import ActionStatus
from actions.forms import (
    ActionForm,
    MilestoneAddForm,
    MilestoneEditForm,
    MilestoneForm,
    NoteForm,
    StatusForm,
    VerifyForm,
)
from actions.models import ProgressNote
from indicators import selectors as indicator_selectors
from indicators.models import Department, FrameworkEdition, Indicator
from indicators.models.values import YEAR_MAX, YEAR_MIN
from indicators.views import evidence_file_download


def _region(request, code: str):
    return get_object_or_404(indicator_selectors.regions_for_user(request.user), code=code)


def _year(request, region) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return indicator_selectors.default_year(region)
    return year if YEAR_MIN <= year <= YEAR_MAX else indicator_selectors.default_year(region)


def _messages_of(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


@login_required
def action_new(request, region: str):
    """The form that opens an action on a gap (?edition=&year=&code=), for the region's
    reviewers."""
    region_obj = _region(request, region)
    if not permissions.may_create(request.user, region_obj.pk):
        raise PermissionDenied
    edition = get_object_or_404(FrameworkEdition, code=request.GET.get("edition", ""))
    indicator = get_object_or_404(Indicator, edition=edition, code=request.GET.get("code", ""))
    year = _year(request, region_obj)
    result = services.indicator_result(region_obj, edition, indicator.code, year)
    gap = selectors.gap_of(result)
    departments = Department.objects.filter(region=region_obj).order_by("code")
    lead = departments.filter(name__in=(result.departments if result else ())[:1]).first()
    form = ActionForm(
        request.POST or None, departments=departments, initial={"lead_department": lead}
    )
    if request.method == "POST" and gap is not None and form.is_valid():
        data = form.cleaned_data
        try:
            action = services.action_create(
                actor=request.user,
                region=region_obj,
                edition=edition,
                indicator=indicator,
                year=year,
                description=data["description"],
                lead_department=data["lead_department"],
                supporting_departments=data["supporting_departments"],
                due_date=data["due_date"],
                milestones=data["milestones"],
            )
        except ValidationError as error:
            for message in _messages_of(error):
                form.add_error(None, message)
        else:
            messages.success(request, _("The corrective action is created."))
            return redirect("action", region=region_obj.code, pk=action.pk)
    existing = [
        a
        for a in selectors.actions_for_indicator(
            request.user, region_obj, indicator, timezone.localdate()
        )
        if a.status != "verified"
    ]
    context = {
        "region": region_obj,
        "edition": edition,
        "indicator": indicator,
        "year": year,
        "result": result,
        "gap": gap,
        "form": form,
        "existing": existing,
    }
    return render(request, "actions/new.html", context)


@login_required
def action_page(request, region: str, pk: int):
    region_obj = _region(request, region)
    action = selectors.action_detail(request.user, pk)
    if action is None or action.region_id != region_obj.pk:
        raise Http404
    invalid = None
    if request.method == "POST":
        invalid = _post(request, action)
        if invalid is None:
            return redirect("action", region=region_obj.code, pk=action.pk)
    allowed = permissions.actions_allowed(request.user, action)
    context = {
        "region": region_obj,
        "action": action,
        "allowed": allowed,
        "overdue": action.is_overdue(timezone.localdate()),
        "history": selectors.action_history(action),
        "status_form": StatusForm(initial={"status": action.status}),
        "note_form": NoteForm(),
        "verify_form": VerifyForm(),
        "plan": allowed["milestones"] and action.status != ActionStatus.VERIFIED,
        "milestones": _milestone_forms(action, invalid),
        "milestone_add_form": (
            invalid if type(invalid) is MilestoneAddForm else MilestoneAddForm(auto_id="id_new_%s")
        ),
    }
    return render(request, "actions/detail.html", context)


def _milestone_forms(action, invalid) -> list[tuple]:
    """Each milestone with its form (the one posted with errors, if it is this one)."""
    rows = []
    for milestone in action.milestones.all():
        if type(invalid) is MilestoneEditForm and invalid.milestone_pk == milestone.pk:
            form = invalid
        else:
            form = MilestoneEditForm(
                initial={
                    "milestone": milestone.pk,
                    "title": milestone.title,
                    "due_date": milestone.due_date,
                },
                auto_id=f"id_m{milestone.pk}_%s",
            )
        rows.append((milestone, form))
    return rows


def _milestone_of(action, raw):
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        return None
    return next((m for m in action.milestones.all() if m.pk == pk), None)


def _post_milestone(request, action, op: str):
    """Add a milestone or change its title and date, through the services. Saved or refused
    (a message): None; bad input: the bound form with its errors, for the page to show."""
    if not permissions.may_plan(request.user, action):
        messages.error(request, _("Only the lead department or a reviewer may update milestones."))
        return None
    if action.status == ActionStatus.VERIFIED:
        messages.error(request, _("A verified action is closed; it can no longer change."))
        return None
    milestone = None
    if op == "milestone-add":
        form = MilestoneAddForm(request.POST, auto_id="id_new_%s")
    else:
        milestone = _milestone_of(action, request.POST.get("milestone"))
        if milestone is None:
            messages.error(request, _("No such milestone."))
            return None
        form = MilestoneEditForm(request.POST, auto_id=f"id_m{milestone.pk}_%s")
        form.milestone_pk = milestone.pk
    if not form.is_valid():
        return form
    data = form.cleaned_data
    try:
        if milestone is None:
            services.milestone_add(
                actor=request.user, action=action, title=data["title"], due_date=data["due_date"]
            )
        else:
            services.milestone_edit(
                actor=request.user,
                milestone=milestone,
                title=data["title"],
                due_date=data["due_date"],
            )
    except ValidationError as error:
        for message in _messages_of(error):
            form.add_error(None, message)
        return form
    messages.success(request, _("Saved."))
    return None


def _post(request, action):
    """One write of the page (``op``), through its service; a refusal is a message. Returns
    None, or a milestone form with errors to show again."""
    op = request.POST.get("op")
    if op in ("milestone-add", "milestone-edit"):
        return _post_milestone(request, action, op)
    try:
        if op == "status":
            form = StatusForm(request.POST)
            _valid(form)
            services.action_transition(
                actor=request.user, action=action, status=form.cleaned_data["status"]
            )
        elif op == "note":
            form = NoteForm(request.POST, request.FILES)
            _valid(form)
            services.note_add(
                actor=request.user,
                action=action,
                text=form.cleaned_data["text"],
                evidence=form.cleaned_data["evidence"],
            )
        elif op == "milestone":
            form = MilestoneForm(request.POST)
            _valid(form)
            milestone = action.milestones.filter(pk=form.cleaned_data["milestone"]).first()
            if milestone is None:
                raise ValidationError(_("No such milestone."))
            services.milestone_set_done(
                actor=request.user, milestone=milestone, done=form.cleaned_data["done"]
            )
        elif op == "verify":
            form = VerifyForm(request.POST)
            _valid(form)
            services.action_verify(
                actor=request.user, action=action, reason=form.cleaned_data["reason"]
            )
        else:
            raise ValidationError(_("Unknown request."))
    except PermissionDenied as denied:
        messages.error(request, str(denied) or _("You may not do this."))
    except ValidationError as error:
        for message in _messages_of(error):
            messages.error(request, message)
    else:
        messages.success(request, _("Saved."))
    return None


def _valid(form) -> None:
    if not form.is_valid():
        raise ValidationError([m for errors in form.errors.values() for m in errors])


@login_required
@require_GET
def note_evidence_download(request, token: str):
    """A progress note's evidence, as a download, for users who read its action."""
    notes = ProgressNote.objects.filter(action__in=selectors.actions_for_user(request.user))
    return evidence_file_download(notes, token)
