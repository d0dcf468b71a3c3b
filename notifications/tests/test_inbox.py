"""The bell, the inbox and the choices: each user reads and marks only their own
notifications; the pages' queries do not grow with the rows; the admin's webhook and delivery
screens show each user only what is theirs to see."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.choices import EndpointKind, Kind
from notifications.models import Delivery, Notification, NotificationPreference, WebhookEndpoint

pytestmark = pytest.mark.django_db

INBOX = reverse("notifications:inbox")
COUNT = reverse("notifications:count")
READ = reverse("notifications:mark-read")
PREFERENCES = reverse("notifications:preferences")


def _note(user, title="A value was returned", **fields) -> Notification:
    return Notification.objects.create(
        recipient=user, kind=Kind.VALUE_RETURNED, title=title, body="reason", **fields
    )


def test_the_bell_counts_the_users_unread_notifications(as_user, clerk_a, clerk_b):
    _note(clerk_a)
    _note(clerk_a)
    _note(clerk_b)
    assert as_user(clerk_a).get(COUNT).json() == {"unread": 2}
    page = as_user(clerk_a).get(reverse("home"), follow=True).content.decode()
    assert 'id="bell"' in page and "js/notifications.js" in page


def test_the_inbox_lists_only_the_users_own_notifications(as_user, clerk_a, clerk_b):
    mine = _note(clerk_a, title="mine")
    _note(clerk_b, title="theirs")
    page = as_user(clerk_a).get(INBOX)
    assert [n.pk for n in page.context["page"].object_list] == [mine.pk]
    assert "theirs" not in page.content.decode()


def test_marking_read_touches_only_the_users_own(as_user, clerk_a, clerk_b):
    mine = _note(clerk_a)
    theirs = _note(clerk_b)
    response = as_user(clerk_a).post(READ, {"id": [mine.pk, theirs.pk, "x"]})
    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None
    assert not as_user(clerk_a).get(INBOX, {"unread": "1"}).context["page"].object_list


def test_mark_all_as_read(as_user, leader):
    for _ in range(3):
        _note(leader)
    as_user(leader).post(READ, {"all": "1"})
    assert not Notification.objects.filter(recipient=leader, read_at__isnull=True).exists()


def test_reading_the_inbox_writes_nothing_and_a_get_cannot_mark(as_user, clerk_a):
    note = _note(clerk_a)
    assert as_user(clerk_a).get(READ).status_code == 405
    as_user(clerk_a).get(INBOX)
    note.refresh_from_db()
    assert note.read_at is None


def test_choices_are_saved_per_kind(as_user, reviewer):
    as_user(reviewer).post(PREFERENCES, {"values_submitted-site": "on"})
    pref = NotificationPreference.objects.get(user=reviewer, kind=Kind.VALUES_SUBMITTED)
    assert pref.in_site and not pref.email
    assert not NotificationPreference.objects.get(user=reviewer, kind=Kind.DIGEST).in_site


@pytest.mark.parametrize("url", [INBOX, COUNT])
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_anonymous_posts_change_nothing(client, clerk_a):
    note = _note(clerk_a)
    client.post(READ, {"all": "1"})
    note.refresh_from_db()
    assert note.read_at is None


def test_the_inbox_takes_the_same_queries_for_more_notifications(as_user, leader):
    counts = []
    for n in (2, 25):
        while Notification.objects.filter(recipient=leader).count() < n:
            _note(leader)
        client = as_user(leader)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(INBOX).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- admin screens ------------------------------------------------------------------------

ENDPOINTS = reverse("admin:notifications_webhookendpoint_changelist")
DELIVERIES = reverse("admin:notifications_delivery_changelist")


@pytest.fixture
def hooks(zhonglou, tianning, leader, reviewer, outsider, clerk_a):
    consumer = WebhookEndpoint.objects.create(
        name="leader's",
        kind=EndpointKind.CONSUMER,
        url="https://example.org/a",
        secret="x" * 20,
        region=zhonglou,
        events=["value.approved"],
        owner=leader,
    )
    robot = WebhookEndpoint.objects.create(
        name="robot",
        kind=EndpointKind.WECOM,
        url="https://example.org/b",
        region=zhonglou,
        department=clerk_a.department,
        owner=reviewer,
    )
    far = WebhookEndpoint.objects.create(
        name="far",
        kind=EndpointKind.CONSUMER,
        url="https://example.org/c",
        secret="x" * 20,
        region=tianning,
        events=["value.approved"],
        owner=outsider,
    )
    for endpoint in (consumer, robot, far):
        Delivery.objects.create(channel="webhook", endpoint=endpoint, payload={})
    return {"consumer": consumer, "robot": robot, "far": far}


@pytest.mark.parametrize(
    ("who", "endpoints"),
    [
        ("leader", {"leader's"}),
        ("reviewer", {"robot"}),
        ("outsider", {"far"}),
        ("clerk_a", set()),
        ("superuser", {"leader's", "robot", "far"}),
    ],
)
def test_the_admin_shows_each_user_their_endpoints_and_deliveries(
    as_user, hooks, who, endpoints, request
):
    client = as_user(request.getfixturevalue(who))
    listing = client.get(ENDPOINTS)
    assert listing.status_code == 200
    assert {e.name for e in listing.context["cl"].result_list} == endpoints
    deliveries = client.get(DELIVERIES).context["cl"].result_list
    assert {d.endpoint.name for d in deliveries} == endpoints


def test_a_reviewer_registers_a_department_robot_in_the_admin(as_user, zhonglou, reviewer, clerk_a):
    client = as_user(reviewer)
    add = reverse("admin:notifications_webhookendpoint_add")
    response = client.post(
        add,
        {
            "name": "农业群",
            "kind": "wecom",
            "region": zhonglou.pk,
            "department": clerk_a.department_id,
            "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
            "events": "[]",
            "secret": "",
        },
    )
    assert response.status_code == 302
    assert WebhookEndpoint.objects.get(name="农业群").department == clerk_a.department


def test_a_leader_cannot_register_a_robot_in_the_admin(as_user, zhonglou, leader, clerk_a):
    add = reverse("admin:notifications_webhookendpoint_add")
    assert as_user(leader).get(add).status_code == 403


def test_anonymous_visitors_do_not_reach_the_admin_screens(client):
    assert client.get(ENDPOINTS).status_code == 302
    assert client.get(DELIVERIES).status_code == 302
