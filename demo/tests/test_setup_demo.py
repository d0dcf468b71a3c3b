"""``setup_demo`` (what ``make run`` calls before serving) says where the site really is."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_setup_demo_prints_the_address_it_is_given(catalogue):
    out = io.StringIO()

    call_command("setup_demo", url="http://127.0.0.1:8101/", stdout=out)

    printed = out.getvalue()
    assert "zhonglou is starting at http://127.0.0.1:8101/" in printed
    assert "Log in at http://127.0.0.1:8101/" in printed
    assert ":8000" not in printed
    assert re.search(r"^\s+cz-leader\s", printed, re.MULTILINE)


def test_seeding_the_demo_notifies_nobody(catalogue, django_capture_on_commit_callbacks):
    """The demo's figures go through the workflow (entered, submitted, approved); nobody gets
    a message or an e-mail about it, so `make run`'s console shows only real ones."""
    from django.core import mail

    from notifications.models import Delivery, Notification

    with django_capture_on_commit_callbacks(execute=True):
        call_command("setup_demo", url="http://127.0.0.1:8101/", stdout=io.StringIO())

    assert mail.outbox == []
    assert not Notification.objects.exists() and not Delivery.objects.exists()


def test_make_run_passes_its_host_and_port_to_setup_demo_and_the_links():
    run = re.search(r"^run:.*?(?=^\S)", (ROOT / "Makefile").read_text(), re.S | re.M).group(0)

    assert "setup_demo --url http://$(HOST):$(PORT)/" in run
    assert "SITE_URL=http://$(HOST):$(PORT) " in run
    assert "runserver $(HOST):$(PORT)" in run


def test_a_demo_database_scored_under_older_criteria_gets_a_clear_message(zhonglou, catalogue):
    from django.core.management import CommandError
    from django.utils import timezone

    from assessments.services import snapshot_refresh
    from indicators.models import FrameworkEdition

    snapshot_refresh(
        region=zhonglou, edition=catalogue, year=2021, mode="official", now=timezone.now()
    )
    FrameworkEdition.objects.filter(pk=catalogue.pk).update(content_hash="an earlier file")

    with pytest.raises(CommandError, match="make run"):
        call_command("setup_demo", stdout=io.StringIO())
