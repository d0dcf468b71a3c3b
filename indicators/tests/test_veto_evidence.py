"""A veto event's evidence lives in the evidence store, like a value's: checked for type and
size, stored under a random token (never the uploader's file name), linked to a download that
checks the reader's scope (another region's reviewer gets a 404) and forces a download."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators import services
from indicators.choices import VetoKind
from indicators.models import VetoEvent
from tests.factories import pdf_upload

pytestmark = pytest.mark.django_db

CONTENT = b"%PDF-1.4 veto evidence"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def record(reviewer, region, upload=None, event=None):
    return services.veto_event_save(
        actor=reviewer,
        region=region,
        date=datetime.date(2021, 6, 1),
        kind=VetoKind.SUMMONS,
        description="约谈",
        evidence=upload,
        event=event,
    )


@pytest.fixture
def event(reviewer, zhonglou):
    return record(reviewer, zhonglou, pdf_upload("../../约谈通知.pdf", CONTENT))


def test_the_file_is_stored_under_a_token_not_the_uploaded_name(event, media):
    stored = event.evidence.name

    assert event.evidence_token and event.evidence_token in stored
    assert "约谈" not in stored and ".." not in stored
    assert event.evidence_name.endswith("约谈通知.pdf")
    assert (media / stored).read_bytes() == CONTENT
    assert event.evidence.url == reverse(
        "veto-evidence-download", kwargs={"token": event.evidence_token}
    )
    assert not event.evidence.url.startswith("/media/")


def test_the_regions_reviewer_downloads_it_as_an_attachment(client, event, reviewer, leader):
    for user in (reviewer, leader):
        client.force_login(user)
        response = client.get(event.evidence.url)

        assert response.status_code == 200
        assert b"".join(response.streaming_content) == CONTENT
        assert response["Content-Disposition"].startswith("attachment")
        assert response["Content-Type"] == "application/octet-stream"


def test_another_regions_reviewer_gets_a_404(client, event, outsider):
    client.force_login(outsider)

    assert client.get(event.evidence.url).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, event):
    response = client.get(event.evidence.url)

    assert response.status_code == 302


def test_an_unknown_token_is_a_404(client, event, reviewer):
    client.force_login(reviewer)

    url = reverse("veto-evidence-download", kwargs={"token": "0" * 32})
    assert client.get(url).status_code == 404


def test_evidence_of_a_refused_type_is_refused(reviewer, zhonglou):
    with pytest.raises(ValidationError):
        record(reviewer, zhonglou, SimpleUploadedFile("run.exe", b"MZ"))

    assert not VetoEvent.objects.exists()


def test_replacing_the_file_removes_the_old_one_after_commit(
    django_capture_on_commit_callbacks, event, reviewer, zhonglou, media
):
    old = event.evidence.name

    with django_capture_on_commit_callbacks(execute=True):
        replaced = record(reviewer, zhonglou, pdf_upload("new.pdf", b"%PDF new"), event=event)

    assert replaced.evidence.name != old
    assert not (media / old).exists()
    assert (media / replaced.evidence.name).read_bytes() == b"%PDF new"


def test_the_admin_links_the_scoped_download(client, event, reviewer):
    client.force_login(reviewer)

    page = client.get(reverse("admin:indicators_vetoevent_change", args=[event.pk]))

    assert event.evidence.url in page.content.decode()
    assert "/media/" not in page.content.decode()
