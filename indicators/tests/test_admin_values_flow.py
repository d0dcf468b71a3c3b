"""The data-entry workflow through the admin, as people use it: a clerk enters a value with
its evidence, submits it, a reviewer approves it; stale edits, large-change warnings,
returned values and locked years on the way."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from indicators import services
from indicators.choices import ValueStatus
from indicators.models import AssignedTarget, Evidence, IndicatorValue, YearLock

from .values_helpers import (
    ECO_PLAN,
    FILM,
    STRAW,
    approved,
    element,
    entered,
    messages_of,
    pdf_upload,
    refreshed,
    url,
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def english():
    """Messages and history reasons in English, whatever the catalogue holds."""
    with translation.override("en"):
        yield


def inline_prefix(html: str) -> str:
    """The evidence inline's form prefix, as the add form renders it."""
    (prefix,) = set(re.findall(r'name="([\w-]+)-TOTAL_FORMS"', html))
    return prefix


def value_form(region, key: str, year: int, prefix: str, **fields) -> dict:
    data = {
        "region": region.pk,
        "data_element": element(key).pk,
        "year": year,
        "value": "",
        "answer": "",
        "source": "",
        "note": "",
        "version": "",
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    data.update(fields)
    return data


def change_form(obj: IndicatorValue, **fields) -> dict:
    """The change form as a browser posts it (evidence inline empty)."""
    data = {
        "value": "" if obj.value is None else str(obj.value),
        "answer": {True: "true", False: "false"}.get(obj.answer, ""),
        "source": obj.source,
        "note": obj.note,
        "version": str(obj.version),
        "evidence-TOTAL_FORMS": "1",
        "evidence-INITIAL_FORMS": "0",
        "evidence-MIN_NUM_FORMS": "0",
        "evidence-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    data.update(fields)
    return data


def act(client, value: IndicatorValue, action: str, **data):
    data.setdefault("version", refreshed(value).version)
    return client.post(url("act", value.pk, action), data, follow=True)


# --- empty to approved ---------------------------------------------------------------------


def test_clerk_enters_a_yes_no_value_with_evidence_and_the_reviewer_approves_it(
    as_user, clerk_b, reviewer, zhonglou
):
    clerk = as_user("clerk_b")
    prefix = inline_prefix(clerk.get(url("add")).content.decode())
    content = b"%PDF-1.4 zhonglou eco plan"
    data = value_form(
        zhonglou,
        ECO_PLAN,
        2021,
        prefix,
        answer="true",
        source="钟楼区生态文明建设规划（2021—2025）",
        **{
            f"{prefix}-0-title": "规划批复",
            f"{prefix}-0-official_source": "钟政复〔2021〕12号",
            f"{prefix}-0-file": pdf_upload("批复.pdf", content),
        },
    )

    response = clerk.post(url("add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert response["Location"] == url("changelist")
    value = IndicatorValue.objects.get(region=zhonglou, data_element__key=ECO_PLAN, year=2021)
    assert (value.status, value.answer, value.entered_by) == (ValueStatus.DRAFT, True, clerk_b)
    evidence = Evidence.objects.get(value=value)
    assert (evidence.title, evidence.original_name, evidence.uploaded_by) == (
        "规划批复",
        "批复.pdf",
        clerk_b,
    )
    assert value.history.get().history_user == clerk_b

    page = clerk.get(url("change", value.pk)).content.decode()
    assert url("act", value.pk, "submit") in page
    assert reverse("evidence-download", kwargs={"token": evidence.token}) in page

    response = act(clerk, value, "submit")
    assert "Submitted for review." in messages_of(response)
    assert refreshed(value).status == ValueStatus.SUBMITTED

    reviewer_client = as_user("reviewer")
    page = reviewer_client.get(url("change", value.pk))
    assert [a for a, _label, _reason in page.context["workflow_actions"]] == ["approve", "return"]
    response = act(reviewer_client, value, "approve")
    assert "Approved." in messages_of(response)
    value = refreshed(value)
    assert (value.status, value.reviewed_by, value.version) == (ValueStatus.APPROVED, reviewer, 3)

    download = reviewer_client.get(reverse("evidence-download", kwargs={"token": evidence.token}))
    assert b"".join(download.streaming_content) == content

    page = as_user("clerk_b").get(url("change", value.pk))
    assert page.context["has_change_permission"] is False
    assert page.context["workflow_actions"] == []
    assert [h.history_change_reason for h in value.history.order_by("history_date")] == [
        "entered",
        "submitted",
        "approved",
    ]


def test_submit_without_evidence_is_refused_with_a_message(as_user, clerk_b, zhonglou):
    value = entered(clerk_b, zhonglou, ECO_PLAN, 2021, answer=True)

    response = act(as_user("clerk_b"), value, "submit")

    assert any("needs at least one evidence file" in m for m in messages_of(response))
    assert refreshed(value).status == ValueStatus.DRAFT


def test_evidence_of_a_refused_type_writes_nothing(as_user, zhonglou):
    clerk = as_user("clerk_b")
    prefix = inline_prefix(clerk.get(url("add")).content.decode())
    data = value_form(
        zhonglou,
        ECO_PLAN,
        2021,
        prefix,
        answer="true",
        **{f"{prefix}-0-title": "x", f"{prefix}-0-file": pdf_upload("run.exe", b"MZ")},
    )

    response = clerk.post(url("add"), data)

    assert response.status_code == 200
    assert "are not accepted" in response.content.decode()
    assert not IndicatorValue.objects.exists() and not Evidence.objects.exists()


def test_second_value_for_the_same_year_is_refused_by_the_add_form(as_user, clerk_a, zhonglou):
    entered(clerk_a, zhonglou, STRAW, 2021, 95)
    clerk = as_user("clerk_a")

    response = clerk.post(url("add"), value_form(zhonglou, STRAW, 2021, "evidence", value="50"))

    assert response.status_code == 200
    assert "There is already a value for this indicator and year" in response.content.decode()
    assert IndicatorValue.objects.get().value == Decimal(95)


@pytest.mark.parametrize(("value", "message"), [
    ("101", "A percentage lies between 0 and 100."),
    ("95.12345", "4 decimal places"),
])  # fmt: skip
def test_add_form_shows_the_services_validation(as_user, zhonglou, value, message):
    response = as_user("clerk_a").post(
        url("add"), value_form(zhonglou, STRAW, 2021, "evidence", value=value)
    )

    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors["value"][0]
    assert not IndicatorValue.objects.exists()


# --- stale edit ----------------------------------------------------------------------------


def test_stale_edit_through_the_change_form_is_refused(as_user, clerk_a, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2021, 95)
    clerk = as_user("clerk_a")
    opened = clerk.get(url("change", value.pk))
    assert opened.context["adminform"].form["version"].value() == 1
    # Someone else saves in the meantime.
    entered(clerk_a, zhonglou, STRAW, 2021, 96, expected_version=1)

    response = clerk.post(url("change", value.pk), change_form(value, value="50", version="1"))

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "Someone saved this value since you opened it (version 2, you had 1)" in errors
    assert (refreshed(value).value, refreshed(value).version) == (Decimal(96), 2)


def test_stale_workflow_action_is_refused(as_user, clerk_a, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2021, 95)
    entered(clerk_a, zhonglou, STRAW, 2021, 96, expected_version=1)

    response = act(as_user("clerk_a"), value, "submit", version=1)

    assert any("Someone saved this value" in m for m in messages_of(response))
    assert refreshed(value).status == ValueStatus.DRAFT


def test_edit_with_the_current_version_is_saved(as_user, clerk_a, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2021, 95)

    response = as_user("clerk_a").post(url("change", value.pk), change_form(value, value="97"))

    assert response.status_code == 302
    assert (refreshed(value).value, refreshed(value).version) == (Decimal(97), 2)
    assert refreshed(value).history.latest("history_date").history_user == clerk_a


# --- large change --------------------------------------------------------------------------


def test_large_change_warns_on_save_and_submit_waits_for_a_comment(
    as_user, clerk_a, reviewer, zhonglou
):
    approved(clerk_a, reviewer, zhonglou, STRAW, 2020, 50)
    clerk = as_user("clerk_a")

    response = clerk.post(
        url("add"), value_form(zhonglou, STRAW, 2021, "evidence", value="95"), follow=True
    )

    warning = next(m for m in response.context["messages"] if m.level_tag == "warning")
    assert "2021 changed by more than ±30% against 2020 (50% → 95%)" in str(warning)
    value = IndicatorValue.objects.get(year=2021)
    page = clerk.get(url("change", value.pk))
    assert "changed by more than ±30%" in page.context["change_warning"]

    response = act(clerk, value, "submit")
    assert any("add a comment explaining why" in m for m in messages_of(response))
    assert refreshed(value).status == ValueStatus.DRAFT

    response = clerk.post(url("comment", value.pk), {"text": "新建秸秆收储中心，利用率提升"})
    assert response["Location"].endswith("#comments")
    response = act(clerk, value, "submit")
    assert refreshed(value).status == ValueStatus.SUBMITTED


# --- returned and reopened values ----------------------------------------------------------


def test_returned_value_is_edited_and_submitted_again(as_user, clerk_a, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2021, 95)
    services.value_submit(value=value, actor=clerk_a)
    act(as_user("reviewer"), value, "return", reason="请附统计年鉴页码")
    clerk = as_user("clerk_a")

    page = clerk.get(url("change", value.pk))
    assert "请附统计年鉴页码" in page.content.decode()
    assert page.context["has_change_permission"] is True
    response = clerk.post(
        url("change", value.pk), change_form(refreshed(value), source="年鉴 p.31")
    )
    assert response.status_code == 302
    assert refreshed(value).status == ValueStatus.DRAFT
    act(clerk, value, "submit")

    assert refreshed(value).status == ValueStatus.SUBMITTED


def test_approved_value_is_read_only_until_a_reviewer_reopens_it(
    as_user, clerk_a, reviewer, zhonglou
):
    value = approved(clerk_a, reviewer, zhonglou, STRAW, 2021, 95)
    clerk = as_user("clerk_a")

    assert clerk.post(url("change", value.pk), change_form(refreshed(value))).status_code == 403

    act(as_user("reviewer"), value, "reopen", reason="口径调整")
    response = as_user("clerk_a").post(
        url("change", value.pk), change_form(refreshed(value), value="93")
    )

    assert response.status_code == 302
    assert (refreshed(value).status, refreshed(value).value) == (ValueStatus.DRAFT, Decimal(93))


# --- year lock -----------------------------------------------------------------------------


def test_locked_year_is_read_only_until_reopened_with_a_reason(as_user, clerk_a, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2021, 95)
    reviewer = as_user("reviewer")
    response = reviewer.post(
        reverse("admin:indicators_yearlock_add"), {"region": zhonglou.pk, "year": 2021}
    )
    assert response.status_code == 302
    lock = YearLock.objects.get(region=zhonglou, year=2021)

    clerk = as_user("clerk_a")
    page = clerk.get(url("change", value.pk))
    assert page.context["has_change_permission"] is False and page.context["year_locked"]
    assert clerk.post(url("change", value.pk), change_form(value, value="1")).status_code == 403
    response = act(clerk, value, "submit")
    assert any("is locked" in m for m in messages_of(response))

    reviewer = as_user("reviewer")
    changelist = reverse("admin:indicators_yearlock_changelist")
    asked = reviewer.post(changelist, {"action": "reopen_selected", "_selected_action": [lock.pk]})
    assert asked.status_code == 200 and not YearLock.objects.get().reopen_reason
    reviewer.post(
        changelist,
        {"action": "reopen_selected", "_selected_action": [lock.pk], "reason": "补报"},
    )
    lock.refresh_from_db()
    assert (lock.locked, lock.reopen_reason) == (False, "补报")

    act(as_user("clerk_a"), value, "submit")
    assert refreshed(value).status == ValueStatus.SUBMITTED


# --- history -------------------------------------------------------------------------------


def test_history_page_lists_every_step(as_user, clerk_a, reviewer, zhonglou):
    clerk = as_user("clerk_a")
    clerk.post(url("add"), value_form(zhonglou, STRAW, 2021, "evidence", value="95"))
    value = IndicatorValue.objects.get()
    act(clerk, value, "submit")
    act(as_user("reviewer"), value, "approve")

    page = as_user("leader").get(url("history", value.pk))

    assert page.status_code == 200
    html = page.content.decode()
    for reason in ("entered", "submitted", "approved"):
        assert reason in html
    users = [h.history_user for h in value.history.order_by("history_date")]
    assert users == [clerk_a, clerk_a, reviewer]


# --- the creation office's screens ---------------------------------------------------------


@pytest.fixture
def straw_target(reviewer, zhonglou):
    return services.assigned_target_set(
        actor=reviewer, region=zhonglou, data_element=element(STRAW), year=2021, target=90
    )


def test_changing_a_target_changes_that_target_not_another(as_user, straw_target, zhonglou):
    reviewer = as_user("reviewer")
    change_url = reverse("admin:indicators_assignedtarget_change", args=[straw_target.pk])
    assert "year" not in reviewer.get(change_url).context["adminform"].form.fields

    response = reviewer.post(
        change_url,
        {"region": zhonglou.pk, "data_element": element(STRAW).pk, "year": 2020, "target": "92"},
    )

    assert response.status_code == 302
    assert list(AssignedTarget.objects.values_list("year", "target")) == [(2021, Decimal(92))]


def test_target_in_a_locked_year_is_refused_with_a_message(as_user, reviewer, zhonglou):
    services.year_lock(actor=reviewer, region=zhonglou, year=2021)
    add_url = reverse("admin:indicators_assignedtarget_add")
    data = {"region": zhonglou.pk, "data_element": element(STRAW).pk, "year": 2021}

    response = as_user("reviewer").post(add_url, {**data, "target": "90"}, follow=True)

    assert response.status_code == 200
    assert any("is locked" in m for m in messages_of(response))
    assert not AssignedTarget.objects.exists()


def test_deleting_a_target_of_a_locked_year_is_refused(as_user, reviewer, straw_target, zhonglou):
    services.year_lock(actor=reviewer, region=zhonglou, year=2021)
    other = services.assigned_target_set(
        actor=reviewer, region=zhonglou, data_element=element(FILM), year=2020, target=80
    )
    client = as_user("reviewer")

    one = client.post(
        reverse("admin:indicators_assignedtarget_delete", args=[straw_target.pk]),
        {"post": "yes"},
        follow=True,
    )
    many = client.post(
        reverse("admin:indicators_assignedtarget_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [other.pk, straw_target.pk],
            "post": "yes",
        },
        follow=True,
    )

    for response in (one, many):
        assert any("is locked" in m for m in messages_of(response))
    assert AssignedTarget.objects.count() == 2  # all or nothing: 2020's target stays too


def test_changing_a_declaration_keeps_its_indicator(as_user, reviewer, zhonglou):
    from indicators.models import Indicator, NotApplicableDeclaration

    straw = Indicator.objects.get(data_element__key=STRAW, edition__code="jiangsu-county-2019")
    declaration = services.declaration_propose(
        actor=reviewer, region=zhonglou, indicator=straw, reason="无耕地"
    )
    change_url = reverse("admin:indicators_notapplicabledeclaration_change", args=[declaration.pk])

    response = as_user("reviewer").post(change_url, {"reason": "城区无耕地"})

    assert response.status_code == 302
    assert list(NotApplicableDeclaration.objects.values_list("indicator", "reason")) == [
        (straw.pk, "城区无耕地")
    ]


def test_a_change_form_posted_without_its_version_is_refused_not_saved(as_user, clerk_a, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2021, 95)
    data = change_form(value, value="50")
    del data["version"]

    response = as_user("clerk_a").post(url("change", value.pk), data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "The version you read is missing" in " ".join(form.errors.get("version", []))
    assert (refreshed(value).value, refreshed(value).version) == (Decimal(95), 1)
