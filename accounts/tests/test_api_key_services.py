"""API keys are issued and revoked by accounts.services only, by administrators, with a record
in the admin's log; the admin screen and the command are thin adapters over them."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from accounts import services
from accounts.api_keys import hash_key
from accounts.models import ApiKey

pytestmark = pytest.mark.django_db


def test_an_administrator_issues_a_key_stored_as_a_hash_and_logged(superuser, leader, zhonglou):
    issued = services.api_key_issue(
        actor=superuser, owner=leader, name="常州市平台", regions=[zhonglou.code]
    )
    stored = ApiKey.objects.get()
    assert stored == issued.api_key and stored.key_hash == hash_key(issued.key)
    assert not stored.can_write and list(stored.regions.all()) == [zhonglou]
    entry = LogEntry.objects.get()
    assert (entry.user, entry.action_flag, entry.object_id) == (superuser, ADDITION, str(stored.pk))


@pytest.mark.parametrize("role", ["reviewer", "leader", "clerk_a"])
def test_only_administrators_issue_or_revoke_keys(request, superuser, leader, role):
    actor = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.api_key_issue(actor=actor, owner=leader, name="x")
    issued = services.api_key_issue(actor=superuser, owner=leader, name="x")
    with pytest.raises(PermissionDenied):
        services.api_key_revoke(actor=actor, keys=[issued.api_key])
    assert ApiKey.objects.get().active


@translation.override("en")
def test_issuing_refuses_a_blank_name_an_inactive_owner_or_an_unknown_region(superuser, leader):
    with pytest.raises(ValidationError, match="who uses"):
        services.api_key_issue(actor=superuser, owner=leader, name="  ")
    with pytest.raises(ValidationError, match="999999"):
        services.api_key_issue(actor=superuser, owner=leader, name="x", regions=["999999"])
    leader.is_active = False
    leader.save()
    with pytest.raises(ValidationError, match="inactive"):
        services.api_key_issue(actor=superuser, owner=leader, name="x")
    assert not ApiKey.objects.exists()


def test_revoking_ends_active_keys_once_and_logs_each(superuser, leader, django_assert_num_queries):
    first = services.api_key_issue(actor=superuser, owner=leader, name="a").api_key
    second = services.api_key_issue(actor=superuser, owner=leader, name="b").api_key
    assert services.api_key_revoke(actor=superuser, keys=[first]) == 1
    # savepoint, the given keys, the lock, the update, the log rows, release (whatever the count)
    with django_assert_num_queries(6):
        assert services.api_key_revoke(actor=superuser, keys=ApiKey.objects.all()) == 1
    assert not ApiKey.objects.filter(revoked_at__isnull=True).exists()
    revoked = LogEntry.objects.filter(action_flag=CHANGE)
    assert sorted(e.object_id for e in revoked) == sorted([str(first.pk), str(second.pk)])
    first.refresh_from_db()
    assert services.api_key_revoke(actor=superuser, keys=[first]) == 0  # already revoked


# --- the adapters ---------------------------------------------------------------------------


def test_the_command_issues_through_the_service_and_records_who_with_by(superuser, leader, capsys):
    call_command("issue_api_key", owner="leader", name="常州市平台", by="root")
    key = capsys.readouterr().out.strip()
    assert ApiKey.objects.get().key_hash == hash_key(key)
    assert LogEntry.objects.get().user == superuser


def test_the_command_refuses_a_non_administrator_as_by(leader, reviewer):
    with pytest.raises(CommandError, match="API"):  # only administrators issue API keys
        call_command("issue_api_key", owner="leader", name="x", by="reviewer")
    with pytest.raises(CommandError, match="No user"):
        call_command("issue_api_key", owner="leader", name="x", by="nobody")
    assert not ApiKey.objects.exists()


def test_the_admin_issues_and_revokes_through_the_services(client, superuser, leader, zhonglou):
    client.force_login(superuser)
    data = {"name": "常州市平台", "owner": leader.pk, "regions": [zhonglou.pk]}
    response = client.post(reverse("admin:accounts_apikey_add"), data)
    assert response.status_code == 302
    api_key = ApiKey.objects.get()
    assert list(api_key.regions.all()) == [zhonglou]
    assert LogEntry.objects.filter(action_flag=ADDITION).count() == 1  # the service's, once

    client.post(
        reverse("admin:accounts_apikey_changelist"),
        {"action": "revoke_selected", "_selected_action": [api_key.pk]},
    )
    api_key.refresh_from_db()
    assert not api_key.active
    assert LogEntry.objects.filter(action_flag=CHANGE, user=superuser).count() == 1
