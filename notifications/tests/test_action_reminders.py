"""Overdue corrective actions join the daily reminders: the lead department's clerks are told
(in the site and by e-mail) of an unfinished action past its due date or with a milestone past
its date, once per action, day and recipient; its head after ESCALATION_DAYS; a done or
verified action tells nobody."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from actions import services as action_services
from indicators.models import Indicator
from notifications import services as notify_services
from notifications.choices import Kind
from notifications.models import Delivery, Notification, Reminder
from notifications.tasks import send_reminders
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DUE = datetime.date(2025, 3, 31)
LATE = datetime.date(2025, 4, 5)  # 5 days after: overdue, not yet escalated
ACTION_KINDS = (Kind.ACTION_OVERDUE, Kind.ACTION_ESCALATION)


@pytest.fixture
def action(zhonglou, catalogue, agriculture, ecology, reviewer):
    """25.1 (straw) is missing for 2021: a gap, led by agriculture, supported by ecology."""
    return action_services.action_create(
        actor=reviewer,
        region=zhonglou,
        edition=catalogue,
        indicator=Indicator.objects.get(edition=catalogue, code="25.1"),
        year=2021,
        description="补报秸秆台账",
        lead_department=agriculture,
        supporting_departments=[ecology],
        due_date=DUE,
        milestones=[("完成台账", datetime.date(2025, 1, 31))],
    )


def _told(user, kind=Kind.ACTION_OVERDUE):
    return Notification.objects.filter(recipient=user, kind=kind)


def test_the_lead_departments_clerks_are_told_in_the_site_and_by_e_mail(
    action, clerk_a, clerk_b, reviewer, leader, outsider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify_services.reminders_send(today=LATE)
    note = _told(clerk_a).get()
    assert "25.1" in note.body and "2025-03-31" in note.body
    assert "完成台账" in note.body  # the milestone missed as well
    assert note.link == f"/d/{action.region.code}/actions/{action.pk}/"
    assert Delivery.objects.filter(recipient=clerk_a, kind=Kind.ACTION_OVERDUE).exists()
    assert any(clerk_a.email in m.to and "25.1" in m.body for m in mail.outbox)
    # A supporting department, the reviewers, the leaders and other regions are not told.
    for user in (clerk_b, reviewer, leader, outsider):
        assert not Notification.objects.filter(recipient=user, kind__in=ACTION_KINDS).exists()


def test_the_job_run_twice_tells_once_a_day(action, clerk_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders.delay()
        send_reminders.delay()
    assert _told(clerk_a).count() == 1
    assert Reminder.objects.filter(action=action, recipient=clerk_a).count() == 1
    emails = [m for m in mail.outbox if clerk_a.email in m.to and "25.1" in m.body]
    assert len(emails) == 1
    # The next day is another day.
    notify_services.reminders_send(today=LATE + datetime.timedelta(days=1))
    assert _told(clerk_a).count() == 2


def test_an_action_on_time_tells_nobody(action, clerk_a):
    action_services.milestone_set_done(actor=clerk_a, milestone=action.milestones.get(), done=True)
    notify_services.reminders_send(today=DUE)  # due today: not yet overdue
    assert not _told(clerk_a).exists()


def test_a_late_milestone_alone_makes_the_action_overdue(action, clerk_a):
    notify_services.reminders_send(today=datetime.date(2025, 2, 3))
    note = _told(clerk_a).get()
    assert "完成台账" in note.body


def test_done_and_verified_actions_tell_nobody(action, clerk_a, reviewer):
    action_services.action_transition(actor=clerk_a, action=action, status="done")
    notify_services.reminders_send(today=LATE)
    assert not _told(clerk_a).exists()
    action_services.action_verify(actor=reviewer, action=action, reason="已核实")
    notify_services.reminders_send(today=LATE + datetime.timedelta(days=1))
    assert not Notification.objects.filter(kind__in=ACTION_KINDS).exists()


def test_long_overdue_actions_escalate_to_the_departments_head(action, clerk_a, settings):
    head = UserFactory(username="head", role="clerk", department=clerk_a.department)
    clerk_a.department.head = head
    clerk_a.department.save()
    action_services.milestone_set_done(actor=clerk_a, milestone=action.milestones.get(), done=True)
    notify_services.reminders_send(today=LATE)
    assert not _told(head, Kind.ACTION_ESCALATION).exists()
    late = DUE + datetime.timedelta(days=settings.ESCALATION_DAYS)
    notify_services.reminders_send(today=late)
    assert _told(head, Kind.ACTION_ESCALATION).get().body.startswith("25.1")
    assert not _told(clerk_a, Kind.ACTION_ESCALATION).exists()
    notify_services.reminders_send(today=late)
    assert _told(head, Kind.ACTION_ESCALATION).count() == 1
