"""The review queue (审核): what a row shows, who may open it and act, per-row and bulk
(all-or-nothing) decisions through the value services, the evidence viewer's headers, and
constant query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from indicators import services
from indicators.models import DataElement, IndicatorValue
from indicators.selectors import element_display
from tests.factories import UserFactory, pdf_upload

pytestmark = pytest.mark.django_db

QUEUE = reverse("dashboard:review", kwargs={"region": "320404"})
BULK = reverse("dashboard:review-bulk", kwargs={"region": "320404"})


def decide_url(value) -> str:
    return reverse("dashboard:review-decide", kwargs={"region": "320404", "pk": value.pk})


def submitted(clerk, key: str, year: int, value="95", *, evidence=False, comment=""):
    """A value saved and submitted by ``clerk`` through the services."""
    saved = services.value_save(
        actor=clerk,
        region=clerk.region,
        data_element=DataElement.objects.get(key=key),
        year=year,
        value=value,
        source="台账",
    ).value
    if evidence:
        services.evidence_add(value=saved, actor=clerk, upload=pdf_upload(), title="台账扫描件")
    if comment:
        services.comment_add(value=saved, actor=clerk, text=comment)
    return services.value_submit(value=saved, actor=clerk)


@pytest.fixture
def straw(clerk_a):
    return submitted(clerk_a, "straw_utilization_rate", 2021, evidence=True)


def test_a_row_shows_target_earlier_years_trend_evidence_and_comments(clerk_a, reviewer, as_user):
    submitted(clerk_a, "straw_utilization_rate", 2019, "90")
    services.value_approve(
        value=IndicatorValue.objects.get(year=2019), actor=reviewer
    )  # an earlier year
    submitted(clerk_a, "straw_utilization_rate", 2020, "92")
    value = submitted(
        clerk_a, "straw_utilization_rate", 2021, "94", evidence=True, comment="见台账"
    )
    page = as_user(reviewer).get(QUEUE).content.decode()
    row = page[page.index(f'id="row-{value.pk}"') :]
    info = element_display([value.data_element], value.region)[value.data_element_id]
    assert info.code == "25.1" and "25.1" in row
    assert info.target and escape(info.target) in row  # the target wording
    assert "2019: 90" in row  # an earlier year's value
    assert 'class="sparkline"' in row and "<polyline" in row  # the trend, drawn on the server
    assert "台账扫描件" in row and "Preview" in row
    assert "见台账" in row  # the comment thread
    assert "within the usual range" in row


def test_the_plausibility_flag_is_the_submit_services_rule(clerk_a, reviewer, as_user):
    submitted(clerk_a, "straw_utilization_rate", 2020, "90")
    jump = submitted(clerk_a, "straw_utilization_rate", 2021, "30", comment="统计口径调整")
    page = as_user(reviewer).get(QUEUE).content.decode()
    row = page[page.index(f'id="row-{jump.pk}"') :]
    assert services.change_warning(jump) is not None
    assert 'class="plausible warn"' in row.split("</article>")[0]


def test_only_the_regions_reviewers_and_administrators_open_it(
    straw, reviewer, superuser, clerk_a, clerk_b, leader, outsider, as_user, client
):
    assert as_user(reviewer).get(QUEUE).status_code == 200
    assert as_user(superuser).get(QUEUE).status_code == 200
    assert as_user(clerk_a).get(QUEUE).status_code == 403
    assert as_user(clerk_b).get(QUEUE).status_code == 403
    assert as_user(leader).get(QUEUE).status_code == 403
    assert as_user(outsider).get(QUEUE).status_code == 404
    client.logout()
    response = client.get(QUEUE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_no_one_but_the_reviewer_decides(straw, clerk_a, leader, outsider, as_user):
    for user in (clerk_a, leader, outsider):
        response = as_user(user).post(decide_url(straw), {"action": "approve"})
        assert response.status_code in (403, 404)
        response = as_user(user).post(BULK, {"action": "approve", "value": [straw.pk]})
        assert response.status_code in (403, 404)
    straw.refresh_from_db()
    assert straw.status == "submitted"


def test_the_queue_is_a_get_only_page_and_decisions_are_post_only(straw, reviewer, as_user):
    assert as_user(reviewer).post(QUEUE).status_code == 405
    assert as_user(reviewer).get(decide_url(straw)).status_code == 405
    assert as_user(reviewer).get(BULK).status_code == 405


def test_filters_by_department_domain_and_year_and_ignore_nonsense(
    straw, clerk_a, clerk_b, reviewer, as_user
):
    other = submitted(clerk_b, "industrial_solid_waste_utilization_rate", 2020, "90")
    client = as_user(reviewer)

    def shown(query):
        page = client.get(QUEUE + query).content.decode()
        return {pk for pk in (straw.pk, other.pk) if f'id="row-{pk}"' in page}

    assert shown("") == {straw.pk, other.pk}
    assert shown("?department=agriculture") == {straw.pk}
    assert shown("?year=2020") == {other.pk}
    assert shown("?year=20x0&department=nope&domain=%00") == {straw.pk, other.pk}
    domain = (
        straw.data_element.indicators.filter(
            edition=straw.region.edition or straw.data_element.indicators.first().edition
        )
        .first()
        .task.domain
    )
    assert straw.pk in shown(f"?domain={domain.code}")


def test_a_reviewer_approves_one_row_in_place(straw, reviewer, as_user):
    response = as_user(reviewer).post(
        decide_url(straw), {"action": "approve", "version": straw.version}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith("<article") and "Approved." in body
    straw.refresh_from_db()
    assert straw.status == "approved" and straw.reviewed_by == reviewer


def test_returning_needs_a_reason_and_says_so_on_the_row(straw, reviewer, as_user):
    client = as_user(reviewer)
    response = client.post(decide_url(straw), {"action": "return"}, HTTP_HX_REQUEST="true")
    assert "Give a reason." in response.content.decode()
    straw.refresh_from_db()
    assert straw.status == "submitted"
    client.post(
        decide_url(straw), {"action": "return", "reason": "请补充台账"}, HTTP_HX_REQUEST="true"
    )
    straw.refresh_from_db()
    assert straw.status == "returned" and straw.return_reason == "请补充台账"


def test_a_stale_row_is_refused_with_a_message(straw, reviewer, as_user):
    response = as_user(reviewer).post(
        decide_url(straw),
        {"action": "approve", "version": straw.version - 1},
        HTTP_HX_REQUEST="true",
    )
    assert "Someone saved this value" in response.content.decode()
    straw.refresh_from_db()
    assert straw.status == "submitted"


def test_without_htmx_a_decision_redirects_back_to_the_queue(straw, reviewer, as_user):
    response = as_user(reviewer).post(
        decide_url(straw), {"action": "approve", "filters": "year=2021"}
    )
    assert response.status_code == 302 and response["Location"] == QUEUE + "?year=2021"


def test_bad_input_never_gives_a_500(straw, reviewer, as_user):
    client = as_user(reviewer)
    assert client.post(decide_url(straw), {"action": "dance"}).status_code == 302
    assert client.post(decide_url(straw), {"action": "approve", "version": "x"}).status_code == 302
    assert client.post(BULK, {"action": "approve", "value": ["x", ""]}).status_code == 302
    assert client.post(BULK, {"action": "dance", "value": [straw.pk]}).status_code == 302
    missing = reverse("dashboard:review-decide", kwargs={"region": "320404", "pk": 999999})
    assert client.post(missing, {"action": "approve"}).status_code == 404
    straw.refresh_from_db()
    assert straw.status == "approved"  # the one well-formed request


def test_four_eyes_a_reviewer_never_approves_their_own_value(
    zhonglou, agriculture, superuser, as_user
):
    # An administrator may enter values and review: not both on one value.
    value = services.value_save(
        actor=superuser,
        region=zhonglou,
        data_element=DataElement.objects.get(key="straw_utilization_rate"),
        year=2021,
        value="95",
    ).value
    value = services.value_submit(value=value, actor=superuser)
    page = as_user(superuser).get(QUEUE).content.decode()
    assert "another reviewer decides on it" in page
    response = as_user(superuser).post(
        decide_url(value), {"action": "approve", "version": value.version}, HTTP_HX_REQUEST="true"
    )
    assert "another reviewer must approve or return it" in response.content.decode()
    value.refresh_from_db()
    assert value.status == "submitted"


def test_bulk_approval_is_all_or_nothing(clerk_a, reviewer, superuser, zhonglou, as_user):
    mine = [submitted(clerk_a, "straw_utilization_rate", y) for y in (2019, 2020)]
    own = services.value_submit(
        value=services.value_save(
            actor=superuser,
            region=zhonglou,
            data_element=DataElement.objects.get(key="agricultural_film_recovery_rate"),
            year=2020,
            value="90",
        ).value,
        actor=superuser,
    )
    client = as_user(superuser)
    chosen = [*mine, own]
    data = {"action": "approve", "value": [v.pk for v in chosen]}
    data.update({f"version-{v.pk}": v.version for v in chosen})
    response = client.post(BULK, data, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Nothing was changed" in body
    assert set(IndicatorValue.objects.values_list("status", flat=True)) == {"submitted"}
    # Without the superuser's own value, the rest goes through at once.
    data["value"] = [v.pk for v in mine]
    body = client.post(BULK, data, HTTP_HX_REQUEST="true").content.decode()
    assert "2 values approved." in body and 'id="review-list"' in body
    assert [v.status for v in IndicatorValue.objects.filter(pk__in=[v.pk for v in mine])] == [
        "approved",
        "approved",
    ]


def test_bulk_return_needs_one_reason_for_all(clerk_a, reviewer, as_user):
    values = [submitted(clerk_a, "straw_utilization_rate", y) for y in (2019, 2020)]
    client = as_user(reviewer)
    data = {"action": "return", "value": [v.pk for v in values]}
    assert "Give a reason." in client.post(BULK, data, HTTP_HX_REQUEST="true").content.decode()
    data["reason"] = "口径不一致"
    client.post(BULK, data, HTTP_HX_REQUEST="true")
    assert set(
        IndicatorValue.objects.filter(pk__in=[v.pk for v in values]).values_list(
            "status", "return_reason"
        )
    ) == {("returned", "口径不一致")}


def test_a_reviewer_comments_on_a_row(straw, reviewer, as_user):
    url = reverse("dashboard:review-comment", kwargs={"region": "320404", "pk": straw.pk})
    body = as_user(reviewer).post(url, {"text": "请说明"}, HTTP_HX_REQUEST="true").content.decode()
    assert "请说明" in body and straw.comments.count() == 1


def test_the_queues_queries_do_not_grow_with_its_rows(clerk_a, reviewer, as_user):
    client = as_user(reviewer)
    keys = ("straw_utilization_rate", "livestock_manure_utilization_rate")
    submitted(clerk_a, keys[0], 2019, evidence=True, comment="一")
    client.get(QUEUE)  # warm the caches (sessions, content types)
    with CaptureQueriesContext(connection) as few:
        assert client.get(QUEUE).status_code == 200
    for key in keys:
        for year in (2020, 2021, 2022):
            submitted(clerk_a, key, year, evidence=True, comment="二")
    with CaptureQueriesContext(connection) as many:
        page = client.get(QUEUE).content.decode()
    assert page.count('class="review-row') == 7
    assert len(many) == len(few), "\n".join(q["sql"][:150] for q in many.captured_queries)


def test_the_evidence_viewer_is_sandboxed_and_permission_checked(
    straw, reviewer, clerk_a, clerk_b, outsider, as_user, client
):
    evidence = straw.evidence.get()
    url = reverse("evidence-view", kwargs={"token": evidence.token})
    response = as_user(reviewer).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert as_user(clerk_a).get(url).status_code == 200  # the department's own evidence
    assert as_user(clerk_b).get(url).status_code == 404
    assert as_user(outsider).get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_other_evidence_types_are_downloaded_not_shown(straw, clerk_a, reviewer, as_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    value = services.value_save(
        actor=clerk_a,
        region=clerk_a.region,
        data_element=DataElement.objects.get(key="agricultural_film_recovery_rate"),
        year=2021,
        value="90",
    ).value
    sheet = services.evidence_add(
        value=value,
        actor=clerk_a,
        upload=SimpleUploadedFile("台账.xlsx", b"PK\x03\x04 sheet"),
        title="台账",
    )
    response = as_user(reviewer).get(reverse("evidence-view", kwargs={"token": sheet.token}))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"


def test_the_preview_partial_frames_a_pdf_for_reviewers_only(straw, reviewer, clerk_a, as_user):
    evidence = straw.evidence.get()
    url = reverse("dashboard:review-evidence", kwargs={"region": "320404", "token": evidence.token})
    body = as_user(reviewer).get(url).content.decode()
    assert "<iframe" in body
    assert reverse("evidence-view", kwargs={"token": evidence.token}) in body
    assert as_user(clerk_a).get(url).status_code == 403
    bogus = reverse("dashboard:review-evidence", kwargs={"region": "320404", "token": "nope"})
    assert as_user(reviewer).get(bogus).status_code == 404


def test_the_reviewers_overview_counts_the_queue(straw, reviewer, leader, as_user):
    overview = reverse("overview", kwargs={"region": "320404"})
    page = as_user(reviewer).get(overview).content.decode()
    assert 'data-queue="1"' in page and QUEUE in page
    assert "data-queue" not in as_user(leader).get(overview).content.decode()


def test_an_administrator_can_open_another_regions_queue(straw, superuser, as_user):
    url = reverse("dashboard:review", kwargs={"region": "320402"})
    assert as_user(superuser).get(url).status_code == 200


def test_a_second_reviewer_of_the_region_may_decide(straw, zhonglou, as_user):
    second = UserFactory(username="reviewer2", role="reviewer", region=zhonglou)
    as_user(second).post(decide_url(straw), {"action": "approve", "version": straw.version})
    straw.refresh_from_db()
    assert straw.status == "approved"
