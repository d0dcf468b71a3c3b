"""Notifications of the value workflow (returned, submitted, approved) and of verdict
changes, made once the change has committed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.scope import Role
from accounts.selectors import users_with_role
from assessments.models import AssessmentSnapshot
from assessments.scoring.types import Verdict
from indicators import permissions
from indicators import selectors as indicator_selectors
from indicators.models import IndicatorValue, Region, Responsibility
from notifications.choices import Event, Kind
from zhonglou.choices import icon_and_word

from .sending import event_publish, in_site_language, notify


@dataclass(frozen=True)
class WorkflowEvent:
    """A value that changed status, as the indicators app signalled it."""

    action: str  # indicators.permissions.SUBMIT, APPROVE, RETURN, REOPEN
    value_id: int
    actor_id: int | None
    reason: str = ""


def _department_link(region: Region, department) -> str:
    return reverse("department", kwargs={"region": region.code, "code": department.code})


@in_site_language
def workflow_notify(events: list[WorkflowEvent]) -> int:
    """Notifications for the values of one committed transaction, one message per department
    and kind: returned (to the department's clerks, with the reasons), submitted (to the
    region's reviewers), approved (to the clerks; and the consumers' value.approved event).
    The actor is not told of their own action. Returns how many messages were made."""
    values = {
        v.pk: v
        for v in IndicatorValue.objects.filter(pk__in=[e.value_id for e in events]).select_related(
            "region", "data_element"
        )
    }
    leads = {
        (r.region_id, r.data_element_id): r.department
        for r in Responsibility.objects.filter(
            region_id__in={v.region_id for v in values.values()},
            role="lead",
            data_element_id__in={v.data_element_id for v in values.values()},
        ).select_related("department")
    }
    groups: dict[tuple, list[tuple[WorkflowEvent, IndicatorValue]]] = defaultdict(list)
    for event in events:
        value = values.get(event.value_id)
        if value is None:
            continue
        department = leads.get((value.region_id, value.data_element_id))
        kind = {
            permissions.SUBMIT: Kind.VALUES_SUBMITTED,
            permissions.APPROVE: Kind.VALUES_APPROVED,
            permissions.RETURN: Kind.VALUE_RETURNED,
            permissions.REOPEN: Kind.VALUE_RETURNED,
        }.get(event.action)
        if kind is not None:
            groups[(kind, value.region_id, department)].append((event, value))
    made = 0
    for (kind, _region_id, department), items in groups.items():
        region = items[0][1].region
        actors = {e.actor_id for e, _v in items}
        if kind == Kind.VALUES_SUBMITTED:
            recipients = users_with_role(Role.REVIEWER, region_id=region.pk)
        elif department is not None:
            recipients = users_with_role(Role.CLERK, department_id=department.pk)
        else:
            recipients = []
        recipients = [u for u in recipients if u.pk not in actors]
        title, body = _workflow_text(kind, region, department, [v for _e, v in items], items)
        link = _department_link(region, department) if department is not None else ""
        notify(
            kind=kind,
            recipients=recipients,
            region=region,
            title=title,
            body=body,
            link=link,
            department=department,
        )
        made += 1
        if kind == Kind.VALUES_APPROVED:
            event_publish(
                event=Event.VALUE_APPROVED,
                region=region,
                data={
                    "values": [
                        {
                            "id": v.pk,
                            "data_element": v.data_element.key,
                            "year": v.year,
                            "value": None if v.value is None else str(v.value),
                            "answer": v.answer,
                            "version": v.version,
                        }
                        for _e, v in items
                    ]
                },
            )
    return made


def _value_line(value: IndicatorValue) -> str:
    return f"{value.data_element.name} · {value.year}"


def _workflow_text(kind, region, department, values, items) -> tuple[str, str]:
    dept = department.name if department is not None else "—"
    n = len(values)
    if kind == Kind.VALUE_RETURNED:
        title = _("%(n)d values returned to %(department)s") % {"n": n, "department": dept}
        lines = [
            _("%(value)s — reason: %(reason)s") % {"value": _value_line(v), "reason": e.reason}
            for e, v in items
        ]
    elif kind == Kind.VALUES_SUBMITTED:
        title = _("%(department)s submitted %(n)d values for review") % {
            "n": n,
            "department": dept,
        }
        lines = [_value_line(v) for v in values]
    else:
        title = _("%(n)d values of %(department)s approved") % {"n": n, "department": dept}
        lines = [_value_line(v) for v in values]
    return f"{title} ({region.name})", "\n".join(lines)


@in_site_language
def verdict_notify(snapshot_ids: list[int]) -> int:
    """Tell the region's leaders and reviewers that the official verdict of its current
    assessment year changed (or a binding indicator flipped); post the consumers'
    verdict.changed event. Returns how many messages were made."""
    made = 0
    for snapshot in AssessmentSnapshot.objects.filter(pk__in=snapshot_ids).select_related(
        "region", "edition"
    ):
        if snapshot.mode != "official" or not snapshot.is_current:
            continue
        region = snapshot.region
        if snapshot.year != indicator_selectors.default_year(region):
            continue  # an older year moved: not news for the leaders
        previous = (
            AssessmentSnapshot.objects.filter(
                region=region,
                edition=snapshot.edition,
                year=snapshot.year,
                mode=snapshot.mode,
                as_of__lte=snapshot.as_of,
            )
            .exclude(pk=snapshot.pk)
            .order_by("-as_of", "-pk")
            .first()
        )
        old = previous.verdict if previous else ""
        title = _("%(region)s %(year)s: the verdict is now %(verdict)s") % {
            "region": region.name,
            "year": snapshot.year,
            "verdict": icon_and_word(Verdict, snapshot.verdict)[1],
        }
        body = _("Before: %(old)s. What changed: %(note)s") % {
            "old": icon_and_word(Verdict, old)[1] if old else "—",
            "note": snapshot.change_note,
        }
        notify(
            kind=Kind.VERDICT_CHANGED,
            recipients=users_with_role(Role.LEADER, Role.REVIEWER, region_id=region.pk),
            region=region,
            title=title,
            body=body,
            link=reverse("overview", kwargs={"region": region.code}),
        )
        event_publish(
            event=Event.VERDICT_CHANGED,
            region=region,
            data={
                "edition": snapshot.edition.code,
                "year": snapshot.year,
                "mode": snapshot.mode,
                "verdict": snapshot.verdict,
                "previous_verdict": old or None,
                "change": snapshot.change_note,
                "as_of": snapshot.as_of.isoformat(),
            },
        )
        made += 1
    return made
