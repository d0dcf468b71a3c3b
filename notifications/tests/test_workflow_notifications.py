"""The value workflow notifies the right people once the change commits: a return tells the
department's clerks (with the reason) and nobody else; a submission tells the region's
reviewers, one message per department's submission; an approval tells the clerks and the API
consumers; a rolled-back change tells nobody; each user's choice is followed."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from indicators import services
from indicators.models import Department
from notifications.choices import Channel, DeliveryStatus, EndpointKind, Kind
from notifications.models import Delivery, Notification, NotificationPreference, WebhookEndpoint
from tests.factories import UserFactory, element

from .helpers import FILM, MANURE, STRAW, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(clerk_a, clerk_b, reviewer, leader, outsider, superuser):
    """Everyone, plus a second clerk of agriculture and a clerk of another district."""
    second = UserFactory(username="clerk_a2", role="clerk", department=clerk_a.department)
    far = UserFactory(
        username="clerk_far",
        role="clerk",
        department=Department.objects.get_or_create(
            region=outsider.region, code="agriculture", defaults={"name": "天宁区农业农村局"}
        )[0],
    )
    return {"clerk_a": clerk_a, "clerk_a2": second, "clerk_far": far}


def test_a_return_sends_one_email_and_one_message_to_the_departments_clerks_only(
    zhonglou, clerk_a, reviewer, cast, django_capture_on_commit_callbacks
):
    value = submitted(clerk_a, zhonglou, STRAW, 2021)
    Notification.objects.all().delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.value_return(value=value, actor=reviewer, reason="The source is missing.")

    notes = Notification.objects.filter(kind=Kind.VALUE_RETURNED)
    assert sorted(n.recipient.username for n in notes) == ["clerk_a", "clerk_a2"]
    assert all("The source is missing." in n.body for n in notes)
    subjects = set(
        Delivery.objects.filter(kind=Kind.VALUE_RETURNED).values_list("subject", flat=True)
    )
    sent = [m for m in mail.outbox if m.subject in subjects]
    assert sorted(m.to[0] for m in sent) == [cast["clerk_a2"].email, clerk_a.email]
    assert all("The source is missing." in m.body for m in sent)
    # Nobody else heard of the return, in the site or by e-mail.
    assert not Notification.objects.exclude(recipient__in=[clerk_a, cast["clerk_a2"]]).filter(
        kind=Kind.VALUE_RETURNED
    )
    assert len(sent) == 2


def test_a_departments_submission_is_one_message_to_the_reviewers(
    zhonglou, clerk_a, reviewer, outsider, leader, django_capture_on_commit_callbacks
):
    values = [
        services.value_save(
            actor=clerk_a,
            region=zhonglou,
            data_element=element(key),
            year=2021,
            value=90,
        ).value
        for key in (STRAW, FILM, MANURE)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        services.values_bulk(services.value_submit, values, actor=clerk_a)

    notes = Notification.objects.filter(kind=Kind.VALUES_SUBMITTED)
    assert [n.recipient for n in notes] == [reviewer]
    assert notes[0].title.startswith(clerk_a.department.name)
    assert notes[0].body.count("2021") == 3
    emails = [m for m in mail.outbox if m.to == [reviewer.email]]
    assert len(emails) == 1


def test_an_approval_tells_the_clerks_and_the_consumers_not_the_approver(
    zhonglou, clerk_a, reviewer, leader, django_capture_on_commit_callbacks
):
    hook = WebhookEndpoint.objects.create(
        name="city platform",
        kind=EndpointKind.CONSUMER,
        url="http://127.0.0.1:9/none",
        secret="s" * 20,
        region=zhonglou,
        events=["value.approved"],
        owner=leader,
    )
    value = submitted(clerk_a, zhonglou, STRAW, 2021)
    with django_capture_on_commit_callbacks(execute=True):
        services.value_approve(value=value, actor=reviewer)
    notes = Notification.objects.filter(kind=Kind.VALUES_APPROVED)
    assert [n.recipient for n in notes] == [clerk_a]
    posted = Delivery.objects.get(endpoint=hook)
    assert posted.event == "value.approved"
    assert posted.payload["body"]["data"]["values"][0]["id"] == value.pk
    assert posted.status == DeliveryStatus.PENDING and posted.attempts == 1  # nobody listens


def test_a_rolled_back_return_notifies_nobody(
    zhonglou, clerk_a, reviewer, django_capture_on_commit_callbacks
):
    value = submitted(clerk_a, zhonglou, STRAW, 2021)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                services.value_return(value=value, actor=reviewer, reason="no")
                raise RuntimeError
        except RuntimeError:
            pass
    assert not Notification.objects.filter(kind=Kind.VALUE_RETURNED).exists()
    assert not Delivery.objects.filter(kind=Kind.VALUE_RETURNED).exists()


def test_a_clerk_who_wants_no_email_gets_the_message_in_the_site_only(
    zhonglou, clerk_a, reviewer, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(
        user=clerk_a, kind=Kind.VALUE_RETURNED, in_site=True, email=False
    )
    value = submitted(clerk_a, zhonglou, STRAW, 2021)
    with django_capture_on_commit_callbacks(execute=True):
        services.value_return(value=value, actor=reviewer, reason="Check it.")
    assert Notification.objects.filter(recipient=clerk_a, kind=Kind.VALUE_RETURNED).count() == 1
    assert not Delivery.objects.filter(recipient=clerk_a, kind=Kind.VALUE_RETURNED).exists()


def test_the_departments_group_robot_gets_a_markdown_post(
    zhonglou, clerk_a, reviewer, django_capture_on_commit_callbacks
):
    robot = WebhookEndpoint.objects.create(
        name="农业农村局群",
        kind=EndpointKind.WECOM,
        url="http://127.0.0.1:9/robot",
        region=zhonglou,
        department=clerk_a.department,
        owner=reviewer,
    )
    value = submitted(clerk_a, zhonglou, STRAW, 2021)
    with django_capture_on_commit_callbacks(execute=True):
        services.value_return(value=value, actor=reviewer, reason="Check it.")
    posted = Delivery.objects.get(endpoint=robot, kind=Kind.VALUE_RETURNED)
    assert posted.channel == Channel.ROBOT
    assert posted.payload["body"]["msgtype"] == "markdown"
    assert "Check it." in posted.payload["body"]["markdown"]["content"]
