import pytest
from django.core.management import CommandError, call_command

from accounts.api_keys import hash_key
from accounts.models import ApiKey


@pytest.mark.django_db
def test_command_prints_a_key_once_and_stores_its_hash(leader, zhonglou, capsys):
    call_command("issue_api_key", owner="leader", name="常州市平台", region=["320404"])
    key = capsys.readouterr().out.strip()
    stored = ApiKey.objects.get()
    assert stored.key_hash == hash_key(key) and key not in stored.key_hash
    assert not stored.can_write
    assert list(stored.regions.values_list("code", flat=True)) == ["320404"]


@pytest.mark.django_db
def test_command_refuses_an_unknown_owner_or_region(leader):
    with pytest.raises(CommandError, match="No user"):
        call_command("issue_api_key", owner="nobody", name="x")
    with pytest.raises(CommandError, match="999999"):  # the unknown code, in either language
        call_command("issue_api_key", owner="leader", name="x", region=["999999"])
