"""The entry form (填报): who may open and save it, what it shows, saving, submitting and
attaching in one request, per-row errors that keep what was typed, stale rows, the
plausibility check as one types, and query counts that do not grow with the rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from indicators import services
from indicators.models import DataElement, Evidence, IndicatorValue, Responsibility
from tests import factories

pytestmark = pytest.mark.django_db

YEAR = 2023


def url(dept="agriculture", year=YEAR, region="320404"):
    return reverse("dashboard:entry", args=[region, dept, year])


def check_url(element, dept="agriculture", year=YEAR):
    return reverse("dashboard:entry-check", args=["320404", dept, year, element.pk])


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    return client


def lead_rows(response):
    return [row for row in response.context["sheet"].rows.values() if row.editable]


def form_data(response, **typed):
    """Every editable row's inputs as the page rendered them, then ``typed`` (element key →
    text) on top."""
    data = {}
    for row in lead_rows(response):
        prefix = f"r-{row.element.pk}-"
        data[prefix + "value"] = typed.get(row.element.key, row.raw)
        data[prefix + "source"] = row.source
        data[prefix + "note"] = row.note
        data[prefix + "version"] = "" if row.version is None else str(row.version)
    return data


# --- who --------------------------------------------------------------------------------------


def test_the_clerk_of_the_department_enters_its_lead_rows(en, clerk_a):
    en.force_login(clerk_a)
    response = en.get(url())
    assert response.status_code == 200
    keys = {row.element.key for row in lead_rows(response)}
    assert "straw_utilization_rate" in keys
    assert "indicator_aquatic_species_retention" in keys
    assert b'name="r-' in response.content


def test_supported_rows_show_read_only_in_the_own_form(en, clerk_a):
    en.force_login(clerk_a)
    rows = en.get(url()).context["sheet"].rows.values()
    supported = {row.element.key for row in rows if not row.lead}
    assert "protected_species_protection_rate" in supported
    assert not any(row.editable for row in rows if not row.lead)


def test_a_supporting_clerk_sees_only_the_rows_they_support_read_only(en, clerk_a):
    en.force_login(clerk_a)
    response = en.get(url(dept="ecology"))
    assert response.status_code == 200
    rows = response.context["sheet"].rows.values()
    keys = {row.element.key for row in rows}
    assert "protected_species_protection_rate" in keys
    assert "air_good_days_ratio" not in keys
    assert not any(row.editable for row in rows)
    assert b'name="r-' not in response.content
    assert en.post(url(dept="ecology"), {"action": "save"}).status_code == 404


def test_an_administrator_may_enter(en, superuser):
    en.force_login(superuser)
    assert lead_rows(en.get(url()))


@pytest.mark.parametrize("who", ["reviewer", "leader", "outsider"])
def test_others_get_a_404(en, who, request):
    en.force_login(request.getfixturevalue(who))
    assert en.get(url()).status_code == 404
    assert en.post(url(), {"action": "save"}).status_code == 404
    element = DataElement.objects.get(key="straw_utilization_rate")
    assert en.get(check_url(element)).status_code == 404


def test_a_clerk_of_a_department_that_supports_nothing_gets_a_404(en, clerk_b, zhonglou):
    # Ecology supports no row agriculture leads except 12.3; the organisation department none.
    organization = zhonglou.departments.get(code="organization")
    clerk = factories.UserFactory(username="org", role="clerk", department=organization)
    en.force_login(clerk)
    assert en.get(url()).status_code == 404


def test_anonymous_is_sent_to_log_in(client, zhonglou):
    response = client.get(url())
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("year", [1999, 2101, 99999])
def test_a_year_out_of_range_or_an_unknown_department_is_a_404(en, clerk_a, year):
    en.force_login(clerk_a)
    assert en.get(url(year=year)).status_code == 404
    assert en.get(url(dept="nope")).status_code == 404


# --- saving and submitting ---------------------------------------------------------------------


def test_saving_keeps_drafts_and_reports(en, clerk_a):
    en.force_login(clerk_a)
    page = en.get(url())
    data = form_data(page, straw_utilization_rate="96.5", agricultural_film_recovery_rate="82")
    data["action"] = "save"
    response = en.post(url(), data)
    assert response.status_code == 302
    straw = IndicatorValue.objects.get(data_element__key="straw_utilization_rate", year=YEAR)
    assert straw.value == Decimal("96.5") and straw.status == "draft"
    assert straw.entered_by == clerk_a
    # Rows left blank are not created.
    assert not IndicatorValue.objects.filter(
        data_element__key="livestock_manure_utilization_rate", year=YEAR
    ).exists()


def test_saving_and_submitting_the_chosen_rows_with_a_file(en, clerk_a):
    en.force_login(clerk_a)
    page = en.get(url())
    straw = DataElement.objects.get(key="straw_utilization_rate")
    data = form_data(page, straw_utilization_rate="96.5", agricultural_film_recovery_rate="82")
    data.update(
        {
            "action": "submit",
            "submit": [str(straw.pk)],
            f"r-{straw.pk}-files": [factories.pdf_upload("台账.pdf"), factories.pdf_upload()],
        }
    )
    assert en.post(url(), data).status_code == 302
    value = IndicatorValue.objects.get(data_element=straw, year=YEAR)
    assert value.status == "submitted" and value.evidence.count() == 2
    film = IndicatorValue.objects.get(
        data_element__key="agricultural_film_recovery_rate", year=YEAR
    )
    assert film.status == "draft"
    page = en.get(url())
    assert "台账.pdf" in page.content.decode()
    assert "/media/" not in page.content.decode() and "evidence/320404" not in page.content.decode()
    assert page.context["sheet"].progress["submitted"] == 1


def test_submit_every_complete_row(en, clerk_a):
    en.force_login(clerk_a)
    page = en.get(url())
    data = form_data(page, straw_utilization_rate="96.5", agricultural_film_recovery_rate="82")
    data["action"] = "submit_complete"
    assert en.post(url(), data).status_code == 302
    statuses = set(
        IndicatorValue.objects.filter(region__code="320404", year=YEAR).values_list(
            "status", flat=True
        )
    )
    assert statuses == {"submitted"}


def test_an_error_keeps_everything_typed_and_writes_nothing(en, clerk_a):
    en.force_login(clerk_a)
    page = en.get(url())
    data = form_data(page, straw_utilization_rate="96.5", agricultural_film_recovery_rate="5,5")
    straw = DataElement.objects.get(key="straw_utilization_rate")
    data[f"r-{straw.pk}-note"] = "typed note"
    data["action"] = "save"
    response = en.post(url(), data)
    assert response.status_code == 400
    assert not IndicatorValue.objects.filter(year=YEAR).exists()
    rows = {row.element.key: row for row in response.context["sheet"].rows.values()}
    assert rows["straw_utilization_rate"].raw == "96.5"
    assert rows["straw_utilization_rate"].note == "typed note"
    assert rows["agricultural_film_recovery_rate"].raw == "5,5"
    assert "decimal point" in rows["agricultural_film_recovery_rate"].errors[0]
    assert 'value="5,5"' in response.content.decode()


def test_a_value_outside_the_plausible_range_is_refused_on_its_row(en, clerk_a):
    en.force_login(clerk_a)
    data = form_data(en.get(url()), straw_utilization_rate="150")
    data["action"] = "save"
    response = en.post(url(), data)
    assert response.status_code == 400
    row = next(r for r in lead_rows(response) if r.element.key == "straw_utilization_rate")
    assert row.errors


def test_a_yes_no_row_needs_evidence_to_be_submitted(en, clerk_b, zhonglou):
    element = DataElement.objects.get(key="eco_plan")
    assert element.is_boolean
    en.force_login(clerk_b)
    data = form_data(en.get(url(dept="ecology")), **{element.key: "yes"})
    data.update({"action": "submit", "submit": [str(element.pk)]})
    response = en.post(url(dept="ecology"), data)
    assert response.status_code == 400
    assert "evidence" in " ".join(response.context["sheet"].rows[element.pk].errors)
    assert not IndicatorValue.objects.filter(data_element=element, year=YEAR).exists()
    data[f"r-{element.pk}-files"] = [factories.pdf_upload()]
    assert en.post(url(dept="ecology"), data).status_code == 302
    assert IndicatorValue.objects.get(data_element=element, year=YEAR).status == "submitted"


def test_a_stale_row_says_who_changed_it_and_shows_their_value(en, clerk_a, zhonglou):
    straw = DataElement.objects.get(key="straw_utilization_rate")
    other = factories.UserFactory(
        username="colleague", first_name="同事", role="clerk", department=clerk_a.department
    )
    services.value_save(actor=other, region=zhonglou, data_element=straw, year=YEAR, value=90)
    en.force_login(clerk_a)
    page = en.get(url())
    value = IndicatorValue.objects.get(data_element=straw, year=YEAR)
    services.value_save(
        actor=other,
        region=zhonglou,
        data_element=straw,
        year=YEAR,
        value=91,
        expected_version=value.version,
    )
    data = form_data(page, straw_utilization_rate="97")
    data["action"] = "save"
    response = en.post(url(), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "同事" in body and "91" in body and 'value="97"' in body
    row = response.context["sheet"].rows[straw.pk]
    assert row.stale and row.version == value.version + 1
    # Saving again overwrites knowingly.
    data[f"r-{straw.pk}-version"] = str(row.version)
    assert en.post(url(), data).status_code == 302
    assert IndicatorValue.objects.get(data_element=straw, year=YEAR).value == 97


def test_submitted_and_approved_rows_are_read_only_and_ignored_when_posted(en, clerk_a, zhonglou):
    straw = DataElement.objects.get(key="straw_utilization_rate")
    factories.make_value(zhonglou, "straw_utilization_rate", YEAR, status="approved", value=95)
    en.force_login(clerk_a)
    page = en.get(url())
    assert not page.context["sheet"].rows[straw.pk].editable
    data = form_data(page)
    data.update({"action": "save", f"r-{straw.pk}-value": "10"})
    assert en.post(url(), data).status_code == 302
    assert IndicatorValue.objects.get(data_element=straw, year=YEAR).value == 95


def test_a_locked_year_has_no_inputs(en, clerk_a, zhonglou, reviewer):
    services.year_lock(region=zhonglou, year=YEAR, actor=reviewer)
    en.force_login(clerk_a)
    response = en.get(url())
    assert response.context["sheet"].locked and not lead_rows(response)


# --- what the page shows -----------------------------------------------------------------------


def test_rows_show_the_indicator_numbers_units_targets_earlier_years_and_who_saved(
    en, clerk_a, zhonglou
):
    factories.make_value(zhonglou, "straw_utilization_rate", YEAR - 1, value="94.2")
    factories.make_value(
        zhonglou,
        "straw_utilization_rate",
        YEAR,
        value="95",
        entered_by=clerk_a,
        entered_at=timezone.now(),
    )
    en.force_login(clerk_a)
    response = en.get(url())
    straw = DataElement.objects.get(key="straw_utilization_rate")
    row = response.context["sheet"].rows[straw.pk]
    assert row.indicator.code and row.target
    assert row.earlier[1][0] == YEAR - 1 and "94.2" in row.earlier[1][1]
    assert row.raw == "95"
    body = response.content.decode()
    assert f"{row.indicator.code} {row.indicator.name}" in body
    assert "Saved by clerk_a" in body
    assert response.context["sheet"].deadline.year == YEAR + 1


def test_the_department_page_links_to_the_form_and_starts_the_next_year(en, clerk_a):
    en.force_login(clerk_a)
    response = en.get(reverse("department", args=["320404", "agriculture"]), {"year": 2022})
    body = response.content.decode()
    assert url(year=2022) in body
    assert f'class="start-year" href="{url(year=2023)}"' in body


# --- the plausibility check ----------------------------------------------------------------------


def test_the_check_reports_what_saving_would_refuse_and_what_submitting_asks(en, clerk_a, zhonglou):
    straw = DataElement.objects.get(key="straw_utilization_rate")
    factories.make_value(zhonglou, "straw_utilization_rate", YEAR - 1, value="50")
    en.force_login(clerk_a)
    name = f"r-{straw.pk}-value"
    assert "check-error" in en.get(check_url(straw), {name: "150"}).content.decode()
    warned = en.get(check_url(straw), {name: "95"}).content.decode()
    assert "check-warning" in warned and "30%" in warned
    assert en.get(check_url(straw), {name: "52"}).content.decode().strip() == ""
    assert "check-error" in en.get(check_url(straw), {name: "abc"}).content.decode()


def test_the_check_is_only_for_rows_the_department_leads(en, clerk_a):
    en.force_login(clerk_a)
    air = DataElement.objects.get(key="air_good_days_ratio")
    assert en.get(check_url(air)).status_code == 404


# --- queries --------------------------------------------------------------------------------------


def _fill(zhonglou, dept, n_years, clerk):
    """Values for every lead element of ``dept`` in the years before YEAR."""
    for resp in Responsibility.objects.filter(region=zhonglou, department=dept, role="lead"):
        for year in range(YEAR - n_years, YEAR + 1):
            element = resp.data_element
            value = factories.make_value(
                zhonglou,
                element.key,
                year,
                entered_by=clerk,
                value=None if element.is_boolean else "50",
                answer=True if element.is_boolean else None,
            )
            if element.is_boolean:  # a yes/no answer is submitted with its evidence
                Evidence.objects.create(
                    value=value,
                    token=f"t{value.pk}",
                    file="x.pdf",
                    original_name="x.pdf",
                    size=1,
                    sha256="0" * 64,
                    title="x",
                )


def _count(call, *args):
    with CaptureQueriesContext(connection) as ctx:
        call(*args)
    return len(ctx.captured_queries)


def test_the_queries_of_the_page_and_of_saving_do_not_grow_with_the_rows(
    en, clerk_a, clerk_b, zhonglou
):
    """Agriculture leads a handful of elements, ecology many: the page, saving every row and
    submitting every row take the same number of queries."""
    counts = {}
    for clerk, dept in ((clerk_a, "agriculture"), (clerk_b, "ecology")):
        department = zhonglou.departments.get(code=dept)
        _fill(zhonglou, department, 2, clerk)
        en.force_login(clerk)
        page = en.get(url(dept=dept))
        assert len(lead_rows(page)) >= 3
        get = _count(en.get, url(dept=dept))
        data = form_data(
            page,
            **{
                row.element.key: ("no" if row.element.is_boolean else "51")
                for row in lead_rows(page)
            },
        )
        data["action"] = "save"
        post = _count(en.post, url(dept=dept), data)
        data = form_data(en.get(url(dept=dept)))
        data["action"] = "submit_complete"
        submit = _count(en.post, url(dept=dept), data)
        assert not lead_rows(en.get(url(dept=dept)))  # every row was submitted
        counts[dept] = (len(lead_rows(page)), get, post, submit)
    agriculture, ecology = counts["agriculture"], counts["ecology"]
    assert ecology[0] > agriculture[0]
    assert agriculture[1:] == ecology[1:], counts


def test_a_returned_value_shows_its_reason_and_the_department_page_links_to_its_row(
    en, clerk_a, zhonglou
):
    value = factories.make_value(
        zhonglou, "straw_utilization_rate", YEAR, status="returned", return_reason="请补充台账"
    )
    en.force_login(clerk_a)
    department = en.get(reverse("department", args=["320404", "agriculture"]), {"year": YEAR})
    assert f"{url()}#row-{value.data_element_id}" in department.content.decode()
    form = en.get(url())
    assert form.context["sheet"].rows[value.data_element_id].editable
    assert "请补充台账" in form.content.decode()


def test_the_form_and_its_check_write_nothing(en, clerk_a, zhonglou):
    factories.make_value(zhonglou, "straw_utilization_rate", YEAR - 1, value="50")
    factories.make_value(zhonglou, "straw_utilization_rate", YEAR, value="95")
    straw = DataElement.objects.get(key="straw_utilization_rate")
    en.force_login(clerk_a)
    with CaptureQueriesContext(connection) as queries:
        assert en.get(url()).status_code == 200
        assert en.get(check_url(straw), {f"r-{straw.pk}-value": "99"}).status_code == 200
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "django_session" not in q["sql"]
        and "axes" not in q["sql"]
    ]
    assert writes == []


def test_submit_every_complete_row_leaves_a_yes_no_answer_without_evidence_a_draft(
    en, clerk_b, zhonglou
):
    plan = DataElement.objects.get(key="eco_plan")
    air = DataElement.objects.get(key="air_good_days_ratio")
    en.force_login(clerk_b)
    data = form_data(en.get(url(dept="ecology")), eco_plan="yes", air_good_days_ratio="80")
    data["action"] = "submit_complete"
    assert en.post(url(dept="ecology"), data).status_code == 302
    assert IndicatorValue.objects.get(data_element=plan, year=YEAR).status == "draft"
    assert IndicatorValue.objects.get(data_element=air, year=YEAR).status == "submitted"
