"""The daily reminders (a deadline near, values or corrective actions overdue, escalation to
the department's head) and the leaders' weekly digest. Each message is claimed first by
inserting its Reminder rows (unique per element, year, day and recipient — per action, day and
recipient for an overdue action, per region, day and recipient for the digest): a job run
twice, or on two workers at once, sends once."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.scope import Role
from accounts.selectors import users_with_role
from actions.selectors import overdue_actions
from assessments.models import AssessmentSnapshot
from assessments.scoring.types import Status, Verdict
from assessments.selectors import gap_list, scorecard
from indicators import selectors as indicator_selectors
from indicators.choices import ResponsibilityRole, ValueStatus
from indicators.models import DataElement, IndicatorValue, Region
from notifications.choices import Kind
from notifications.models import NotificationPreference, Reminder
from zhonglou.choices import icon_and_word

from .sending import absolute, in_site_language, notify

DIGEST_GAPS = 8


def _regions_with_leads():
    return Region.objects.filter(responsibilities__role=ResponsibilityRole.LEAD).distinct()


def _claim(kind: str, region: Region, recipient, day: datetime.date, cells) -> list:
    """The ``cells`` (OwedCell) not yet reminded of to ``recipient`` on ``day``: each is
    claimed by inserting its row, and a row that exists already (an earlier or concurrent run)
    is skipped."""
    claimed = []
    for cell in cells:
        try:
            with transaction.atomic():
                Reminder.objects.create(
                    kind=kind,
                    region=region,
                    data_element_id=cell.data_element_id,
                    year=cell.year,
                    day=day,
                    recipient=recipient,
                )
        except IntegrityError:
            continue
        claimed.append(cell)
    return claimed


def _due_kind(cell, today: datetime.date, window) -> str | None:
    if cell.status not in indicator_selectors.UNSENT or cell.year not in window:
        return None
    days = (cell.due - today).days
    if days in (settings.REMINDER_DAYS_BEFORE, 1):
        return Kind.DEADLINE_SOON
    if indicator_selectors.is_overdue(
        status=cell.status, due=cell.due, year=cell.year, window=window, today=today
    ):
        return Kind.OVERDUE
    return None


@transaction.atomic
@in_site_language
def reminders_send(*, today: datetime.date) -> int:
    """Remind each department's clerks of the values due in REMINDER_DAYS_BEFORE days (and
    tomorrow) and of those overdue, and its head of those overdue for ESCALATION_DAYS or
    more: one message per department, kind and recipient; the same for the corrective actions
    the department leads. Returns how many were made."""
    made = _action_reminders(today)
    for region in _regions_with_leads():
        edition = indicator_selectors.region_edition(region)
        if edition is None:
            continue
        window = indicator_selectors.current_window(region, edition)
        cells = indicator_selectors.owed_cells(region, edition, window)
        by_department: dict[tuple, list] = defaultdict(list)
        for cell in cells:
            kind = _due_kind(cell, today, window)
            if kind is None:
                continue
            by_department[(kind, cell.department)].append(cell)
            late = (today - cell.due).days
            if kind == Kind.OVERDUE and late >= settings.ESCALATION_DAYS:
                by_department[(Kind.ESCALATION, cell.department)].append(cell)
        if not by_department:
            continue
        clerks = defaultdict(list)
        for user in users_with_role(Role.CLERK, region_id=region.pk):
            clerks[user.department_id].append(user)
        names = {
            e.pk: e.name
            for e in DataElement.objects.filter(
                pk__in={c.data_element_id for cs in by_department.values() for c in cs}
            )
        }
        for (kind, department), owed in by_department.items():
            for recipient in _recipients(kind == Kind.ESCALATION, department, clerks):
                claimed = _claim(kind, region, recipient, today, owed)
                if not claimed:
                    continue
                title, body = _reminder_text(kind, region, department, claimed, names, today)
                notify(
                    kind=kind,
                    recipients=[recipient],
                    region=region,
                    title=title,
                    body=body,
                    link=reverse(
                        "department", kwargs={"region": region.code, "code": department.code}
                    ),
                    department=department if kind != Kind.ESCALATION else None,
                )
                made += 1
    return made


def _reminder_text(kind, region, department, cells, names, today) -> tuple[str, str]:
    n = len(cells)
    if kind == Kind.DEADLINE_SOON:
        title = _("%(department)s: %(n)d values due soon") % {
            "department": department.name,
            "n": n,
        }
    elif kind == Kind.OVERDUE:
        title = _("%(department)s: %(n)d values overdue") % {"department": department.name, "n": n}
    else:
        title = _("%(department)s: %(n)d values overdue for %(days)d days or more") % {
            "department": department.name,
            "n": n,
            "days": settings.ESCALATION_DAYS,
        }
    lines = [
        _("%(element)s · %(year)s — due %(due)s")
        % {
            "element": names.get(c.data_element_id, ""),
            "year": c.year,
            "due": c.due.isoformat(),
        }
        for c in sorted(cells, key=lambda c: (c.due, c.year))
    ]
    return f"{title} ({region.name})", "\n".join(lines)


# --- overdue corrective actions -----------------------------------------------------------------


def _claim_action(kind: str, action, recipient, day: datetime.date) -> bool:
    try:
        with transaction.atomic():
            Reminder.objects.create(
                kind=kind, region=action.region, action=action, day=day, recipient=recipient
            )
    except IntegrityError:
        return False
    return True


def _action_reminders(today: datetime.date) -> int:
    """The lead department's clerks of each unfinished action past its due date (or with a
    milestone past its date and not done), and the department's head once the earliest date
    missed is ESCALATION_DAYS old: one message per department, kind and recipient, each action
    claimed once per day and recipient."""
    by_department: dict[tuple, list] = defaultdict(list)
    for action in overdue_actions(today):
        by_department[(Kind.ACTION_OVERDUE, action.lead_department)].append(action)
        if (today - action.overdue_since).days >= settings.ESCALATION_DAYS:
            by_department[(Kind.ACTION_ESCALATION, action.lead_department)].append(action)
    if not by_department:
        return 0
    clerks = defaultdict(list)
    departments = {department.pk for _kind, department in by_department}
    for user in users_with_role(Role.CLERK, department_id__in=departments):
        clerks[user.department_id].append(user)
    made = 0
    for (kind, department), late in by_department.items():
        for recipient in _recipients(kind == Kind.ACTION_ESCALATION, department, clerks):
            claimed = [a for a in late if _claim_action(kind, a, recipient, today)]
            if not claimed:
                continue
            region = claimed[0].region
            if len(claimed) == 1:
                link = reverse("action", kwargs={"region": region.code, "pk": claimed[0].pk})
            else:
                link = reverse(
                    "department", kwargs={"region": region.code, "code": department.code}
                )
            title, body = _action_text(kind, department, claimed)
            notify(
                kind=kind,
                recipients=[recipient],
                region=region,
                title=f"{title} ({region.name})",
                body=body,
                link=link,
                department=department if kind != Kind.ACTION_ESCALATION else None,
            )
            made += 1
    return made


def _action_text(kind, department, actions) -> tuple[str, str]:
    values = {"department": department.name, "n": len(actions)}
    if kind == Kind.ACTION_OVERDUE:
        title = _("%(department)s: %(n)d corrective actions overdue") % values
    else:
        title = _("%(department)s: %(n)d corrective actions overdue for %(days)d days or more") % (
            values | {"days": settings.ESCALATION_DAYS}
        )
    lines = []
    for action in actions:
        lines.append(
            _("%(code)s %(indicator)s — due %(due)s")
            % {
                "code": action.indicator.code,
                "indicator": action.indicator.name,
                "due": action.due_date.isoformat(),
            }
        )
        lines += [
            "  "
            + _("milestone %(title)s — due %(due)s")
            % {"title": m.title, "due": m.due_date.isoformat()}
            for m in action.late_milestones
        ]
    return title, "\n".join(lines)


# --- the weekly digest ------------------------------------------------------------------------


def digest_context(region: Region, today: datetime.date) -> dict:
    """What the leaders' digest shows: the official verdict of the current assessment year,
    what changed this week (the snapshots' notes, the values approved), the top gaps with
    their owners, the overdue departments and the link to the overview."""
    edition = indicator_selectors.region_edition(region)
    year = indicator_selectors.default_year(region)
    card = scorecard(region=region, edition=edition, year=year, mode="official")
    result = card.result
    week_ago = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=7), datetime.time())
    )
    changes = list(
        AssessmentSnapshot.objects.filter(
            region=region, edition=edition, year=year, mode="official", as_of__gte=week_ago
        )
        .order_by("as_of")
        .values_list("as_of", "change_note")
    )
    approved = IndicatorValue.objects.filter(
        region=region, status=ValueStatus.APPROVED, reviewed_at__gte=week_ago
    ).count()
    window = indicator_selectors.current_window(region, edition)
    overdue: dict = defaultdict(int)
    for cell in indicator_selectors.owed_cells(region, edition, window):
        if indicator_selectors.is_overdue(
            status=cell.status, due=cell.due, year=cell.year, window=window, today=today
        ):
            overdue[cell.department] += 1
    return {
        "region": region,
        "edition": edition,
        "year": year,
        "result": result,
        "verdict_icon": icon_and_word(Verdict, result.verdict)[0],
        "verdict": icon_and_word(Verdict, result.verdict)[1],
        "changes": changes,
        "approved_this_week": approved,
        "gaps": [
            {
                "code": g.indicator.code,
                "name": g.indicator.name,
                "binding": g.indicator.category == "binding",
                "status": icon_and_word(Status, g.indicator.status.value)[1],
                "years": g.missing_years,
                "owners": g.owners,
            }
            for g in gap_list(result)[:DIGEST_GAPS]
        ],
        "overdue": sorted(overdue.items(), key=lambda item: (-item[1], item[0].code)),
        "link": absolute(reverse("overview", kwargs={"region": region.code})),
        "today": today,
    }


def digest_render(region: Region, today: datetime.date) -> tuple[str, str, str]:
    """The digest's subject, plain text and HTML, in Chinese."""
    with translation.override("zh-hans"):
        context = digest_context(region, today)
        subject = _("Weekly digest of %(region)s: %(verdict)s") % {
            "region": region.name,
            "verdict": context["verdict"],
        }
        context["subject"] = subject
        html = render_to_string("notifications/digest_email.html", context)
        text = render_to_string("notifications/digest_email.txt", context)
    return subject, text, html


@transaction.atomic
def digests_send(*, today: datetime.date) -> int:
    """The weekly digest to every leader of every region with a lead department, once per
    region, day and leader. Returns how many were sent."""
    made = 0
    for region in _regions_with_leads():
        if indicator_selectors.region_edition(region) is None:
            continue
        leaders = list(users_with_role(Role.LEADER, region_id=region.pk))
        if not leaders:
            continue
        refused = set(
            NotificationPreference.objects.filter(
                user__in=leaders, kind=Kind.DIGEST, in_site=False, email=False
            ).values_list("user_id", flat=True)
        )
        rendered = None
        for leader in leaders:
            if leader.pk in refused:
                continue
            try:
                with transaction.atomic():
                    Reminder.objects.create(
                        kind=Kind.DIGEST, region=region, day=today, recipient=leader
                    )
            except IntegrityError:
                continue
            if rendered is None:
                rendered = digest_render(region, today)
            subject, text, html = rendered
            notify(
                kind=Kind.DIGEST,
                recipients=[leader],
                region=region,
                title=subject,
                body=text,
                link=reverse("overview", kwargs={"region": region.code}),
                html=html,
            )
            made += 1
    return made


def _recipients(escalation: bool, department, clerks: dict[int, list]) -> list:
    """Who is reminded of what a department owes: its head when it is escalated (nobody when
    it has none), else its clerks."""
    if escalation:
        return [department.head] if department.head_id else []
    return clerks[department.pk]
