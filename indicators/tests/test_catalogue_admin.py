"""Admin screens of the catalogue: pages render, the indicator list filters and searches,
roles and region scopes hold, and the list pages' query counts do not grow with their rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import (
    Criterion,
    DataElement,
    Department,
    FrameworkEdition,
    Indicator,
    Region,
    Responsibility,
)
from indicators.services import edition_copy

CATALOGUE_MODELS = [
    "frameworkedition",
    "indicator",
    "criterion",
    "dataelement",
    "region",
    "department",
    "responsibility",
    "domain",
    "task",
]


def changelist(model: str) -> str:
    return reverse(f"admin:indicators_{model}_changelist")


def change(model: str, pk: int) -> str:
    return reverse(f"admin:indicators_{model}_change", args=[pk])


def listed_codes(response) -> set[str]:
    """Codes of every indicator the changelist selected (all pages)."""
    return set(response.context["cl"].queryset.values_list("code", flat=True))


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def tianning_bureau(tianning):
    """A bureau of Tianning supplying one data element, so that scopes have rows to show."""
    bureau = Department.objects.create(region=tianning, code="ecology", name="天宁区生态环境局")
    Responsibility.objects.create(
        region=tianning,
        department=bureau,
        data_element=DataElement.objects.get(key="eco_plan"),
    )
    return bureau


# --------------------------------------------------------------------------- pages render


@pytest.mark.parametrize("model", CATALOGUE_MODELS)
def test_superuser_sees_every_catalogue_changelist(admin_client, catalogue, model):
    response = admin_client.get(changelist(model))

    assert response.status_code == 200
    assert response.context["cl"].result_count > 0


def _object_of(model: str, catalogue: FrameworkEdition, zhonglou: Region):
    return {
        "frameworkedition": lambda: catalogue,
        "indicator": lambda: catalogue.indicators.get(code="29"),
        "criterion": lambda: Criterion.objects.filter(indicator__edition=catalogue).first(),
        "dataelement": lambda: DataElement.objects.get(key="urban_sewage_treatment_rate"),
        "region": lambda: zhonglou,
        "department": lambda: zhonglou.departments.get(code="ecology"),
        "responsibility": lambda: zhonglou.responsibilities.first(),
        "domain": lambda: catalogue.domains.first(),
        "task": lambda: catalogue.tasks.first(),
    }[model]()


@pytest.mark.parametrize("model", CATALOGUE_MODELS)
def test_superuser_sees_every_catalogue_change_page(admin_client, catalogue, zhonglou, model):
    obj = _object_of(model, catalogue, zhonglou)

    response = admin_client.get(change(model, obj.pk))

    assert response.status_code == 200
    assert response.context["original"] == obj


def test_indicator_change_page_shows_its_criteria_inline(admin_client, catalogue):
    sewage = catalogue.indicators.get(code="29")

    response = admin_client.get(change("indicator", sewage.pk))

    page = response.content.decode()
    assert 'id="criteria-group"' in page
    assert len(response.context["inline_admin_formsets"][0].formset.forms) == 2
    for target in ("≥85", "≥95", "≥ 85", "≥ 95"):  # the wording and the rule summary
        assert target in page


def test_criterion_change_page_shows_its_rules_inline(admin_client, catalogue):
    criterion = Criterion.objects.get(
        indicator__edition=catalogue, indicator__code="29", level="city"
    )

    response = admin_client.get(change("criterion", criterion.pk))

    assert 'id="rules-group"' in response.content.decode()
    assert len(response.context["inline_admin_formsets"][0].formset.forms) == 1


def test_edition_change_page_shows_its_domains_inline(admin_client, catalogue):
    response = admin_client.get(change("frameworkedition", catalogue.pk))

    assert 'id="domains-group"' in response.content.decode()
    assert len(response.context["inline_admin_formsets"][0].formset.forms) == 6


def test_edition_changelist_counts_indicators(admin_client, catalogue):
    response = admin_client.get(changelist("frameworkedition"))

    counts = {e.code: e._indicators for e in response.context["cl"].result_list}
    assert counts == {"jiangsu-county-2019": 51, "national-2019": 60}


# --------------------------------------------------------------------------- indicator list


def test_indicator_changelist_filters_by_edition(admin_client, catalogue):
    response = admin_client.get(changelist("indicator"), {"edition__id__exact": catalogue.pk})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 51
    assert listed_codes(response) == set(catalogue.indicators.values_list("code", flat=True))
    assert "9" not in listed_codes(response)  # a national (city-only) indicator


def test_indicator_changelist_filters_by_domain(admin_client, catalogue):
    domain = catalogue.domains.get(code="1")

    response = admin_client.get(changelist("indicator"), {"domain": domain.pk})

    assert response.status_code == 200
    assert listed_codes(response) == {"1", "2", "3", "4", "5", "6"}
    assert response.context["cl"].result_count == 6  # only this edition's domain


def test_indicator_changelist_filters_by_category(admin_client, catalogue):
    response = admin_client.get(
        changelist("indicator"),
        {"edition__id__exact": catalogue.pk, "category__exact": "reference"},
    )

    assert response.status_code == 200
    codes = listed_codes(response)
    assert {"6", "11", "25", "25.1", "40"} <= codes
    assert not codes & {"1", "7", "7.1", "29"}
    top_level = Indicator.objects.filter(edition=catalogue, code__in=codes, parent__isnull=True)
    assert top_level.count() == 14


def test_indicator_changelist_filters_by_department(admin_client, catalogue, agriculture):
    response = admin_client.get(
        changelist("indicator"), {"edition__id__exact": catalogue.pk, "department": agriculture.pk}
    )

    assert response.status_code == 200
    # Leaves the bureau supplies (as lead or supporting), and their parents.
    assert listed_codes(response) == {
        "12",
        "12.1",
        "12.2",
        "12.3",
        "25",
        "25.1",
        "25.2",
        "25.3",
        "32",
        "35",
        "35.2",
    }
    assert response.context["cl"].result_count == 11  # each parent once


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("29", {"29"}, id="code"),
        pytest.param("城镇污水", {"29"}, id="name"),
        pytest.param("straw", {"25.1"}, id="english-name-or-key"),
        pytest.param("urban_sewage_treatment_rate", {"29"}, id="data-element-key"),
    ],
)
def test_indicator_changelist_search(admin_client, catalogue, query, expected):
    response = admin_client.get(changelist("indicator"), {"q": query})

    assert response.status_code == 200
    assert listed_codes(response) == expected
    rows = response.context["cl"].queryset.values_list("edition__code", flat=True)
    assert sorted(rows) == ["jiangsu-county-2019", "national-2019"]


def test_indicator_changelist_search_within_an_edition(admin_client, catalogue):
    response = admin_client.get(
        changelist("indicator"), {"q": "25.", "edition__id__exact": catalogue.pk}
    )

    assert listed_codes(response) == {"25.1", "25.2", "25.3"}


# --------------------------------------------------------------------------- roles and scopes


def test_clerk_can_view_the_indicator_changelist(client, clerk_a, catalogue):
    client.force_login(clerk_a)

    response = client.get(changelist("indicator"))

    assert response.status_code == 200
    assert response.context["cl"].result_count == Indicator.objects.count()


def test_clerk_cannot_open_the_indicator_add_page(client, clerk_a):
    client.force_login(clerk_a)

    assert client.get(reverse("admin:indicators_indicator_add")).status_code == 403


def test_clerk_cannot_change_an_indicator(client, clerk_a, catalogue):
    client.force_login(clerk_a)
    sewage = catalogue.indicators.get(code="29")

    response = client.post(change("indicator", sewage.pk), {"name": "changed"})

    assert response.status_code == 403
    sewage.refresh_from_db()
    assert sewage.name == "城镇污水处理率"


def test_clerk_department_filter_offers_only_their_bureau(client, clerk_a, catalogue):
    client.force_login(clerk_a)

    response = client.get(changelist("indicator"))

    page = response.content.decode()
    assert "钟楼区农业农村局" in page
    assert "常州市钟楼生态环境局" not in page


def test_copy_action_is_offered_to_an_administrator_only(client, superuser, clerk_a, catalogue):
    client.force_login(superuser)
    assert 'value="copy_to_draft"' in client.get(changelist("frameworkedition")).content.decode()

    client.force_login(clerk_a)
    assert (
        'value="copy_to_draft"' not in client.get(changelist("frameworkedition")).content.decode()
    )


@pytest.mark.parametrize("model", ["department", "responsibility"])
def test_outsider_sees_only_tianning_rows(client, outsider, zhonglou, tianning_bureau, model):
    client.force_login(outsider)

    response = client.get(changelist(model))

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    page = response.content.decode()
    assert "天宁区生态环境局" in page
    for name in zhonglou.departments.values_list("name", flat=True):
        assert name not in page


@pytest.mark.parametrize("model", ["department", "responsibility"])
def test_outsider_gets_404_for_a_zhonglou_row(client, outsider, zhonglou, model):
    client.force_login(outsider)
    row = _object_of(model, None, zhonglou)

    assert client.get(change(model, row.pk)).status_code == 404


def test_outsider_cannot_filter_indicators_by_a_zhonglou_department(
    client, outsider, tianning_bureau, agriculture
):
    client.force_login(outsider)

    response = client.get(changelist("indicator"), {"department": agriculture.pk})

    assert response.context["cl"].result_count == 0


def test_outsider_sees_only_their_region(client, outsider, tianning):
    client.force_login(outsider)

    response = client.get(changelist("region"))

    assert [r.code for r in response.context["cl"].result_list] == [tianning.code]


# --------------------------------------------------------------------------- query counts


def _queries(client, url: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("params", [{}, {"all": ""}], ids=["first-page", "all-rows"])
def test_indicator_changelist_queries_do_not_grow_with_indicators(admin_client, catalogue, params):
    url = changelist("indicator")
    admin_client.get(url, params)  # warm caches (content types, session)
    before = _queries(admin_client, url, params)
    rows = Indicator.objects.count()

    edition_copy(edition=FrameworkEdition.objects.get(code="national-2019"))

    assert Indicator.objects.count() == rows + 60
    assert _queries(admin_client, url, params) == before


def _add_tianning_responsibilities(tianning, n: int) -> None:
    bureaus = [
        Department.objects.create(region=tianning, code=f"bureau-{i}", name=f"天宁区第{i}局")
        for i in range(3)
    ]
    elements = DataElement.objects.exclude(responsibilities__region=tianning).order_by("key")[:n]
    Responsibility.objects.bulk_create(
        Responsibility(region=tianning, department=bureaus[i % 3], data_element=element)
        for i, element in enumerate(elements)
    )


@pytest.mark.parametrize("params", [{}, {"all": ""}], ids=["first-page", "all-rows"])
@pytest.mark.parametrize("who", ["superuser", "outsider"])
def test_responsibility_changelist_queries_do_not_grow_with_rows(
    client, request, tianning_bureau, tianning, who, params
):
    client.force_login(request.getfixturevalue(who))
    url = changelist("responsibility")
    client.get(url, params)
    before = _queries(client, url, params)
    rows = Responsibility.objects.count()

    _add_tianning_responsibilities(tianning, 50)

    assert Responsibility.objects.count() == rows + 50
    assert _queries(client, url, params) == before


def test_department_changelist_queries_do_not_grow_with_departments(admin_client, tianning):
    url = changelist("department")
    admin_client.get(url)
    before = _queries(admin_client, url, {})

    _add_tianning_responsibilities(tianning, 30)

    assert _queries(admin_client, url, {}) == before
