"""The beat's jobs and the verdict: reminders of deadlines near and overdue (and escalation to
the department's head) are sent once however often the job runs; a verdict change or a flipped
binding indicator tells the region's leaders and reviewers and the API consumers; the weekly
digest renders the verdict, the week's changes, the gaps with their owners and the overdue
departments, in Chinese, and reaches each leader once."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.test import override_settings

from assessments.services import snapshot_refresh
from indicators import selectors, services
from indicators.choices import ValueStatus
from notifications import services as notify_services
from notifications.choices import EndpointKind, Kind
from notifications.models import Delivery, Notification, Reminder, WebhookEndpoint
from notifications.tasks import send_digests, send_reminders
from tests.factories import UserFactory, make_value

pytestmark = pytest.mark.django_db

SEWAGE = "urban_sewage_treatment_rate"  # 29, binding, housing's
# With 2024 as the assessment year the window is 2022–2024; 2024's values are due on
# 31 March 2025 (surveys: 31 January).
SOON = datetime.date(2025, 3, 24)  # 7 days before
LATE = datetime.date(2025, 4, 20)  # 20 days after


@pytest.fixture
def region(zhonglou, reviewer):
    services.region_assessment_year_set(actor=reviewer, region=zhonglou, year=2024)
    return zhonglou


def test_reminders_tell_the_clerks_once_however_often_the_job_runs(
    region, clerk_a, clerk_b, leader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = notify_services.reminders_send(today=SOON)
    sent = len(mail.outbox)
    claimed = Reminder.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        again = notify_services.reminders_send(today=SOON)
    assert first > 0 and again == 0
    assert len(mail.outbox) == sent
    assert Reminder.objects.count() == claimed
    mine = Notification.objects.filter(recipient=clerk_a)
    assert {n.kind for n in mine} == {Kind.DEADLINE_SOON, Kind.OVERDUE}
    assert mine.filter(kind=Kind.DEADLINE_SOON).count() == 1  # one message per department
    assert not Notification.objects.filter(recipient=leader).exists()
    # The next day is another day: overdue values are reminded of again.
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_services.reminders_send(today=SOON + datetime.timedelta(days=1)) > 0


def test_the_reminder_task_is_the_service(region, clerk_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders.delay()
        send_reminders.delay()
    assert Notification.objects.filter(recipient=clerk_a, kind=Kind.OVERDUE).count() == 1


def test_submitted_values_are_not_reminded_of(region, clerk_a):
    for year in (2022, 2023, 2024):
        for resp in clerk_a.department.responsibilities.filter(role="lead"):
            make_value(region, resp.data_element.key, year, status=ValueStatus.SUBMITTED, value="1")
    notify_services.reminders_send(today=LATE)
    assert not Notification.objects.filter(recipient=clerk_a).exists()


def test_long_overdue_values_escalate_to_the_departments_head(region, clerk_a):
    head = UserFactory(username="head", role="clerk", department=clerk_a.department)
    clerk_a.department.head = head
    clerk_a.department.save()
    notify_services.reminders_send(today=LATE)
    escalated = Notification.objects.get(recipient=head, kind=Kind.ESCALATION)
    assert "· 2024" in escalated.body  # due 31 March 2025, 20 days ago
    # Not before the escalation delay: two days after, 2024's values are not escalated.
    Notification.objects.all().delete()
    notify_services.reminders_send(today=datetime.date(2025, 4, 2))
    escalated = Notification.objects.get(recipient=head, kind=Kind.ESCALATION)
    assert "· 2023" in escalated.body and "· 2024" not in escalated.body


def test_a_flipped_binding_indicator_tells_leaders_reviewers_and_consumers(
    zhonglou, reviewer, leader, clerk_a, django_capture_on_commit_callbacks
):
    services.region_assessment_year_set(actor=reviewer, region=zhonglou, year=2021)
    edition = selectors.region_edition(zhonglou)
    hook = WebhookEndpoint.objects.create(
        name="consumer",
        kind=EndpointKind.CONSUMER,
        url="http://127.0.0.1:9/none",
        secret="s" * 20,
        region=zhonglou,
        events=["verdict.changed"],
        owner=leader,
    )
    now = datetime.datetime(2022, 3, 1, tzinfo=datetime.UTC)
    snapshot_refresh(region=zhonglou, edition=edition, year=2021, mode="official", now=now)
    make_value(zhonglou, SEWAGE, 2021, status=ValueStatus.APPROVED, value="97")
    with django_capture_on_commit_callbacks(execute=True):
        snapshot_refresh(
            region=zhonglou,
            edition=edition,
            year=2021,
            mode="official",
            now=now + datetime.timedelta(hours=1),
        )
    told = Notification.objects.filter(kind=Kind.VERDICT_CHANGED)
    assert sorted(n.recipient.username for n in told) == ["leader", "reviewer"]
    assert "29" in told[0].body
    event = Delivery.objects.get(endpoint=hook)
    assert event.payload["body"]["event"] == "verdict.changed"
    assert event.payload["body"]["data"]["year"] == 2021


def test_an_older_years_change_or_the_provisional_mode_tells_nobody(
    zhonglou, reviewer, leader, django_capture_on_commit_callbacks
):
    services.region_assessment_year_set(actor=reviewer, region=zhonglou, year=2023)
    edition = selectors.region_edition(zhonglou)
    now = datetime.datetime(2022, 3, 1, tzinfo=datetime.UTC)
    for mode in ("official", "provisional"):
        snapshot_refresh(region=zhonglou, edition=edition, year=2021, mode=mode, now=now)
    make_value(zhonglou, SEWAGE, 2021, status=ValueStatus.APPROVED, value="97")
    with django_capture_on_commit_callbacks(execute=True):
        for mode in ("official", "provisional"):
            snapshot_refresh(
                region=zhonglou,
                edition=edition,
                year=2021,
                mode=mode,
                now=now + datetime.timedelta(hours=1),
            )
    assert not Notification.objects.filter(kind=Kind.VERDICT_CHANGED).exists()


def test_the_digest_renders_the_verdict_the_gaps_their_owners_and_the_overdue(
    zhonglou_demo, reviewer
):
    services.region_assessment_year_set(actor=reviewer, region=zhonglou_demo, year=2021)
    subject, text, html = notify_services.digest_render(zhonglou_demo, datetime.date(2022, 6, 1))
    context = notify_services.digest_context(zhonglou_demo, datetime.date(2022, 6, 1))
    verdict = context["result"].verdict
    assert f'data-verdict="{verdict}"' in html
    assert context["gaps"], "the demo has gaps"
    for gap in context["gaps"]:
        assert f'data-code="{gap["code"]}"' in html
        for owner in gap["owners"]:
            assert owner in html and owner in text
    assert context["overdue"]
    for department, _n in context["overdue"]:
        assert f'data-department="{department.code}"' in html
    assert "http://" in context["link"] and context["link"] in html
    assert "/d/320404/" in context["link"]
    assert "钟楼区" in subject  # the region's name; the words are Chinese once translated


def test_the_digest_reaches_each_leader_once(
    zhonglou_demo, leader, reviewer, clerk_a, django_capture_on_commit_callbacks
):
    second = UserFactory(username="leader2", role="leader", region=zhonglou_demo)
    with django_capture_on_commit_callbacks(execute=True):
        send_digests.delay()
        send_digests.delay()
    digests = Delivery.objects.filter(kind=Kind.DIGEST, region=zhonglou_demo)
    leaders = {leader.username, second.username, "zl-leader"}  # zl-leader: the demo's
    assert sorted(d.recipient.username for d in digests) == sorted(leaders)
    emails = [m for m in mail.outbox if m.to[0] in (leader.email, second.email)]
    assert len(emails) == 2
    assert emails[0].alternatives[0][1] == "text/html"
    assert not Notification.objects.filter(kind=Kind.DIGEST, recipient=clerk_a).exists()


@override_settings(EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
def test_with_the_embedded_default_the_emails_appear_on_the_console(
    zhonglou_demo, leader, capsys, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify_services.digests_send(today=datetime.date(2022, 6, 1))
    out = capsys.readouterr().out
    assert f"To: {leader.email}" in out
    assert "Content-Type: text/html" in out
