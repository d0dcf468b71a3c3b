"""The permission matrix of the data-entry admin, through the test client: each cell (view or
action × user) is one test. The cast: clerk_a (Zhonglou's agriculture bureau), clerk_b
(Zhonglou's ecology bureau), reviewer and leader of Zhonglou, outsider (a reviewer of
Tianning), superuser, and anonymous."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from indicators import services
from indicators.choices import ValueStatus, VetoKind
from indicators.models import (
    AssignedTarget,
    Indicator,
    IndicatorValue,
    NotApplicableDeclaration,
    ValueComment,
    VetoEvent,
    YearLock,
)

from .values_helpers import (
    ECO_PLAN,
    PM25,
    STRAW,
    element,
    is_login_redirect,
    make_value,
    messages_of,
    open_xlsx,
    pdf_upload,
    refreshed,
    upload_workbook,
    url,
    xlsx_file,
)

USERS = ["clerk_a", "clerk_b", "reviewer", "leader", "outsider", "superuser", "anonymous"]
DRAFT, SUBMITTED, RETURNED, APPROVED = (
    ValueStatus.DRAFT,
    ValueStatus.SUBMITTED,
    ValueStatus.RETURNED,
    ValueStatus.APPROVED,
)

# Which of the world's values each user sees: "a" is agriculture's (straw, 2021), "b" and
# "b_old" ecology's (PM2.5, 2021 and 2015), "t" Tianning's (straw, 2021).
SEES = {
    "clerk_a": {"a"},
    "clerk_b": {"b", "b_old"},
    "reviewer": {"a", "b", "b_old"},
    "leader": {"a", "b", "b_old"},
    "outsider": {"t"},
    "superuser": {"a", "b", "b_old", "t"},
    "anonymous": set(),
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def english():
    """Messages and history reasons in English, whatever the catalogue holds."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(zhonglou, tianning):
    return {
        "a": make_value(zhonglou, STRAW, 2021, value=95),
        "b": make_value(zhonglou, PM25, 2021, value=36),
        "b_old": make_value(zhonglou, PM25, 2015, value=58),
        "t": make_value(tianning, STRAW, 2021, value=92),
    }


def cells(*users, **kwargs):
    return pytest.mark.parametrize("user", users or USERS, **kwargs)


# --- change list ---------------------------------------------------------------------------


@cells()
def test_changelist_shows_exactly_the_users_values(as_user, world, user):
    response = as_user(user).get(url("changelist"))

    if user == "anonymous":
        assert is_login_redirect(response)
        return
    assert response.status_code == 200
    shown = {v.pk for v in response.context["cl"].result_list}
    assert shown == {world[name].pk for name in SEES[user]}
    html = response.content.decode()
    for name, value in world.items():
        link = url("change", value.pk)
        assert (f'href="{link}"' in html) is (name in SEES[user]), name


def sidebar(response) -> dict[str, set[str]]:
    """The change list's filter choices, by query parameter."""
    return {
        spec.parameter_name: {str(key) for key, _label in spec.lookup_choices}
        for spec in response.context["cl"].filter_specs
        if hasattr(spec, "parameter_name")  # the scoped filters (status is the model's)
    }


def test_clerks_filters_name_nothing_of_another_department(as_user, world, ecology):
    response = as_user("clerk_a").get(url("changelist"))

    html = response.content.decode()
    for key in (PM25, ECO_PLAN):  # ecology's elements: not in the sidebar, nowhere
        assert element(key).name not in html
    assert ecology.name not in html
    assert element(STRAW).name in html
    choices = sidebar(response)
    assert choices["year"] == {"2021"}  # ecology's 2015 is not offered
    assert str(world["b"].data_element_id) not in choices["element"]
    assert str(world["a"].data_element_id) in choices["element"]
    assert choices["region"] == {str(world["a"].region_id)}


def test_other_clerks_filters_name_nothing_of_agriculture(as_user, world, agriculture):
    response = as_user("clerk_b").get(url("changelist"))

    html = response.content.decode()
    assert element(STRAW).name not in html and agriculture.name not in html
    assert sidebar(response)["year"] == {"2021", "2015"}


def test_outsiders_filters_name_nothing_of_zhonglou(as_user, world, zhonglou, ecology):
    response = as_user("outsider").get(url("changelist"))

    html = response.content.decode()
    assert ecology.name not in html and zhonglou.name not in html
    choices = sidebar(response)
    assert choices.get("department", set()) == set()  # a filter without choices is hidden
    assert choices["region"] == {str(world["t"].region_id)}


@pytest.mark.parametrize(
    ("user", "query"),
    [
        ("clerk_a", "element={b_element}"),
        ("clerk_a", "department={ecology}"),
        ("clerk_a", "region={tianning}"),
        ("outsider", "region={zhonglou}"),
        ("clerk_a", "q=pm25"),
    ],
)
def test_filtering_on_something_out_of_scope_finds_nothing(
    as_user, world, ecology, zhonglou, tianning, user, query
):
    query = query.format(
        b_element=world["b"].data_element_id,
        ecology=ecology.pk,
        tianning=tianning.pk,
        zhonglou=zhonglou.pk,
    )

    response = as_user(user).get(f"{url('changelist')}?{query}")

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


# --- change view, add view, history --------------------------------------------------------


@pytest.mark.parametrize("target", ["a", "b", "t"])
@cells()
def test_change_view(as_user, world, user, target):
    response = as_user(user).get(url("change", world[target].pk))

    if user == "anonymous":
        assert is_login_redirect(response)
    elif target in SEES[user]:
        assert response.status_code == 200
        # Only the responsible department (and the administrator) may edit a draft.
        editable = user == "superuser" or (user, target) in {("clerk_a", "a"), ("clerk_b", "b")}
        assert response.context["has_change_permission"] is editable
    else:
        assert response.status_code == 404


@cells()
def test_change_view_post(as_user, world, user):
    value = world["a"]
    data = {"value": "50", "answer": "", "source": "", "note": "", "version": "1"}
    data |= {f"evidence-{k}": v for k, v in management_form().items()}

    response = as_user(user).post(url("change", value.pk), data)

    if user == "anonymous":
        assert is_login_redirect(response)
    elif user in ("clerk_a", "superuser"):
        assert response.status_code == 302
        assert refreshed(value).value == Decimal(50)
        return
    else:
        assert response.status_code == (403 if "a" in SEES[user] else 404)
    assert refreshed(value).value == Decimal(95)


def management_form(total=0):
    return {"TOTAL_FORMS": total, "INITIAL_FORMS": 0, "MIN_NUM_FORMS": 0, "MAX_NUM_FORMS": 1000}


ADD = {"clerk_a": 200, "clerk_b": 200, "superuser": 200}


@cells()
def test_add_view(as_user, world, user):
    response = as_user(user).get(url("add"))

    if user == "anonymous":
        assert is_login_redirect(response)
    else:
        assert response.status_code == ADD.get(user, 403)


@cells("clerk_a", "clerk_b", "reviewer", "leader", "outsider")
def test_add_form_offers_only_the_users_elements_and_region(as_user, zhonglou, user):
    response = as_user(user).get(url("add"))
    if response.status_code == 403:
        return

    form = response.context["adminform"].form
    offered = set(form.fields["data_element"].queryset.values_list("key", flat=True))
    assert (STRAW in offered, PM25 in offered) == (user == "clerk_a", user == "clerk_b")
    assert list(form.fields["region"].queryset) == [zhonglou]


@cells("clerk_b", "reviewer", "leader", "outsider")
def test_add_post_outside_ones_scope_writes_nothing(as_user, zhonglou, user):
    data = {"region": zhonglou.pk, "data_element": element(STRAW).pk, "year": 2022}
    data |= {"value": "95", "answer": "", "source": "", "note": "", "version": ""}
    data |= {f"evidence-{k}": v for k, v in management_form().items()}

    response = as_user(user).post(url("add"), data)

    assert response.status_code in (200, 403)  # clerk_b: the form refuses the element
    assert not IndicatorValue.objects.filter(year=2022).exists()


@cells("clerk_a", "clerk_b", "reviewer", "leader", "outsider", "anonymous")
def test_delete_view(as_user, world, user):
    client = as_user(user)

    get = client.get(url("delete", world["a"].pk))
    post = client.post(url("delete", world["a"].pk), {"post": "yes"})

    for response in (get, post):
        if user == "anonymous":
            assert is_login_redirect(response)
        else:
            assert response.status_code == (403 if "a" in SEES[user] else 404)
    assert IndicatorValue.objects.filter(pk=world["a"].pk).exists()


@cells()
def test_history_view(as_user, world, user):
    response = as_user(user).get(url("history", world["a"].pk))

    if user == "anonymous":
        assert is_login_redirect(response)
    else:
        assert response.status_code == (200 if "a" in SEES[user] else 404)


@cells()
def test_history_version_view_is_read_only(as_user, clerk_a, reviewer, zhonglou, user):
    value = services.value_save(
        actor=clerk_a, region=zhonglou, data_element=element(STRAW), year=2021, value=Decimal(95)
    ).value
    services.value_submit(value=value, actor=clerk_a)
    services.value_approve(value=value, actor=reviewer)
    first = value.history.earliest("history_date")
    version_url = reverse(
        "admin:indicators_indicatorvalue_simple_history", args=[value.pk, first.history_id]
    )
    client = as_user(user)

    get = client.get(version_url)
    post = client.post(version_url, {"value": "10", "answer": "", "version": "1"})

    if user == "anonymous":
        assert is_login_redirect(get) and is_login_redirect(post)
    elif user in ("clerk_b", "outsider"):
        assert (get.status_code, post.status_code) == (404, 404)
    else:
        # Reverting would skip the workflow (this value is approved): never through history.
        assert (get.status_code, post.status_code) == (200, 403)
    assert (refreshed(value).status, refreshed(value).value) == (APPROVED, Decimal(95))


# --- workflow endpoints --------------------------------------------------------------------

ACT_START = {"submit": DRAFT, "approve": SUBMITTED, "return": SUBMITTED, "reopen": APPROVED}
ACT_END = {"submit": SUBMITTED, "approve": APPROVED, "return": RETURNED, "reopen": RETURNED}
ACT_MAY = {
    "submit": {"clerk_a", "superuser"},
    "approve": {"reviewer", "superuser"},
    "return": {"reviewer", "superuser"},
    "reopen": {"reviewer", "superuser"},
}


@pytest.mark.parametrize("action", list(ACT_START))
@cells()
def test_act_endpoint(as_user, zhonglou, user, action):
    value = make_value(zhonglou, STRAW, 2021, status=ACT_START[action])
    client = as_user(user)

    response = client.post(url("act", value.pk, action), {"version": "1", "reason": "请核实"})

    if user == "anonymous":
        assert is_login_redirect(response)
    elif "a" not in SEES[user]:
        assert response.status_code == 404
    else:
        assert response.status_code == 302
        assert response["Location"] == url("change", value.pk)
        if user in ACT_MAY[action]:
            assert refreshed(value).status == ACT_END[action]
            return
        assert any("may" in m.lower() for m in messages_of(response))
    assert (refreshed(value).status, refreshed(value).version) == (ACT_START[action], 1)


@pytest.mark.parametrize("action", ["return", "reopen"])
def test_act_endpoint_without_a_reason_changes_nothing(as_user, zhonglou, action):
    value = make_value(zhonglou, STRAW, 2021, status=ACT_START[action])

    response = as_user("reviewer").post(url("act", value.pk, action), {"version": "1"})

    assert response.status_code == 302
    assert "Give a reason." in " ".join(messages_of(response))
    assert refreshed(value).status == ACT_START[action]


def test_act_endpoint_refuses_get_and_unknown_actions(as_user, zhonglou):
    value = make_value(zhonglou, STRAW, 2021)
    client = as_user("clerk_a")

    assert client.get(url("act", value.pk, "submit")).status_code == 405
    assert client.post(url("act", value.pk, "delete")).status_code == 404
    assert refreshed(value).status == DRAFT


COMMENT_MAY = {"clerk_a", "reviewer", "superuser"}


@cells()
def test_comment_endpoint(as_user, world, user):
    value = world["a"]

    response = as_user(user).post(url("comment", value.pk), {"text": "数据来源：统计年鉴"})

    if user == "anonymous":
        assert is_login_redirect(response)
    elif "a" not in SEES[user]:
        assert response.status_code == 404
    else:
        assert response.status_code == 302
    assert ValueComment.objects.filter(value=value).exists() is (user in COMMENT_MAY)


# --- bulk actions --------------------------------------------------------------------------

BULK = {
    "submit_selected": (DRAFT, SUBMITTED),
    "approve_selected": (SUBMITTED, APPROVED),
    "return_selected": (SUBMITTED, RETURNED),
}
BULK_CHANGES = {
    "submit_selected": {"clerk_a": {"a"}, "clerk_b": {"b"}, "superuser": {"a", "b"}},
    "approve_selected": {"reviewer": {"a", "b"}, "superuser": {"a", "b"}},
    "return_selected": {"reviewer": {"a", "b"}, "superuser": {"a", "b"}},
}


@pytest.mark.parametrize("action", list(BULK))
@cells()
def test_bulk_action(as_user, zhonglou, user, action):
    start, end = BULK[action]
    values = {
        "a": make_value(zhonglou, STRAW, 2021, status=start),
        "b": make_value(zhonglou, PM25, 2021, status=start, value=36),
    }
    data = {"action": action, "_selected_action": [v.pk for v in values.values()]}
    data["reason"] = "请补充佐证"

    response = as_user(user).post(url("changelist"), data)

    if user == "anonymous":
        assert is_login_redirect(response)
    else:
        assert response.status_code == 302
    changed = BULK_CHANGES[action].get(user, set())
    assert {name for name, v in values.items() if refreshed(v).status == end} == changed
    assert {name for name, v in values.items() if refreshed(v).status == start} == (
        set(values) - changed
    )


def test_bulk_return_asks_for_a_reason_first(as_user, zhonglou):
    value = make_value(zhonglou, STRAW, 2021, status=SUBMITTED)

    response = as_user("reviewer").post(
        url("changelist"), {"action": "return_selected", "_selected_action": [value.pk]}
    )

    assert response.status_code == 200
    assert response.templates[0].name == "admin/indicators/indicatorvalue/reason_form.html"
    assert refreshed(value).status == SUBMITTED


def test_bulk_action_is_all_or_nothing_in_the_admin(as_user, zhonglou):
    submitted = make_value(zhonglou, STRAW, 2021, status=SUBMITTED)
    draft = make_value(zhonglou, PM25, 2021, value=36)

    response = as_user("reviewer").post(
        url("changelist"),
        {"action": "approve_selected", "_selected_action": [submitted.pk, draft.pk]},
        follow=True,
    )

    text = " ".join(messages_of(response))
    assert "Nothing was changed: 1 of the selected values cannot take this action." in text
    assert str(draft) in text
    assert refreshed(submitted).status == SUBMITTED


def test_values_are_never_deleted_through_the_admin(as_user, world):
    response = as_user("superuser").post(
        url("changelist"),
        {"action": "delete_selected", "_selected_action": [world["a"].pk], "post": "yes"},
    )

    assert response.status_code in (200, 302, 403)
    assert IndicatorValue.objects.filter(pk=world["a"].pk).exists()


# --- Excel: template, upload, export -------------------------------------------------------

ENTRY = {"clerk_a": 200, "clerk_b": 200}  # a superuser has no region to enter values for


@cells()
def test_template_download(as_user, user):
    response = as_user(user).get(url("template"), {"year": 2021})

    if user == "anonymous":
        assert is_login_redirect(response)
        return
    assert response.status_code == ENTRY.get(user, 403)
    if response.status_code == 200:
        assert response["Content-Disposition"].startswith("attachment;")
        keys = {
            row[2] for row in open_xlsx(response.content).worksheets[0].iter_rows(
                min_row=2, values_only=True
            )
        }  # fmt: skip
        assert (STRAW in keys, PM25 in keys) == (user == "clerk_a", user == "clerk_b")


@cells()
def test_upload_page(as_user, user):
    response = as_user(user).get(url("upload"))

    if user == "anonymous":
        assert is_login_redirect(response)
    else:
        assert response.status_code == ENTRY.get(user, 403)


@cells("clerk_b", "reviewer", "leader", "outsider", "anonymous")
def test_upload_outside_ones_scope_writes_nothing(as_user, user):
    wb = upload_workbook([{"key": STRAW, "year": 2021, "value": 95}])

    response = as_user(user).post(url("upload"), {"file": xlsx_file(wb)})

    if user == "anonymous":
        assert is_login_redirect(response)
    elif user == "clerk_b":  # straw is not ecology's: listed as an error
        assert response.status_code == 200
        assert not response.context["report"].ok
    else:
        assert response.status_code == 403
    assert not IndicatorValue.objects.exists()


def exported_rows(response) -> set[tuple[str, str, int]]:
    ws = open_xlsx(response.content).worksheets[0]
    return {(row[0], row[3], row[4]) for row in ws.iter_rows(min_row=2, values_only=True)}


def row_of(value: IndicatorValue) -> tuple[str, str, int]:
    return (value.region.name, value.data_element.key, value.year)


@cells()
def test_export_view(as_user, world, user):
    response = as_user(user).get(url("export"))

    if user == "anonymous":
        assert is_login_redirect(response)
        return
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert exported_rows(response) == {row_of(world[name]) for name in SEES[user]}


@cells()
def test_export_selected_action(as_user, world, user):
    data = {"action": "export_selected", "_selected_action": [v.pk for v in world.values()]}

    response = as_user(user).post(url("changelist"), data)

    if user == "anonymous":
        assert is_login_redirect(response)
        return
    assert response.status_code == 200
    assert exported_rows(response) == {row_of(world[name]) for name in SEES[user]}


def test_export_with_an_unknown_filter_goes_back_to_the_list(as_user, world):
    response = as_user("reviewer").get(url("export"), {"no_such_field": "1"})

    assert response.status_code == 302
    assert response["Location"] == f"{url('changelist')}?e=1"


# --- evidence download ---------------------------------------------------------------------


@cells()
def test_evidence_download(as_user, clerk_a, zhonglou, user):
    value = services.value_save(
        actor=clerk_a, region=zhonglou, data_element=element(STRAW), year=2021, value=Decimal(95)
    ).value
    content = b"%PDF-1.4 <script>alert(1)</script>"
    evidence = services.evidence_add(
        value=value, actor=clerk_a, upload=pdf_upload("秸秆台账.pdf", content), title="台账"
    )

    response = as_user(user).get(reverse("evidence-download", kwargs={"token": evidence.token}))

    if user == "anonymous":
        assert is_login_redirect(response)
    elif user in ("clerk_b", "outsider"):
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == content
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "application/octet-stream"


def test_unknown_evidence_token_is_404(as_user):
    response = as_user("reviewer").get(reverse("evidence-download", kwargs={"token": "0" * 32}))

    assert response.status_code == 404


# --- the creation office's admins ----------------------------------------------------------


@pytest.fixture
def review_rows(reviewer, zhonglou):
    """One of each review object in Zhonglou; the targets are one agriculture's, one
    ecology's."""
    straw_indicator = Indicator.objects.get(
        data_element__key=STRAW, edition__code="jiangsu-county-2019"
    )
    return {
        "assignedtarget": [
            services.assigned_target_set(
                actor=reviewer,
                region=zhonglou,
                data_element=element(key),
                year=2021,
                target=Decimal(90),
            )
            for key in (STRAW, PM25)
        ],
        "notapplicabledeclaration": [
            services.declaration_propose(
                actor=reviewer, region=zhonglou, indicator=straw_indicator, reason="无耕地"
            )
        ],
        "vetoevent": [
            services.veto_event_save(
                actor=reviewer,
                region=zhonglou,
                date=datetime.date(2021, 6, 1),
                kind=VetoKind.SUMMONS,
                description="约谈",
            )
        ],
        "yearlock": [services.year_lock(actor=reviewer, region=zhonglou, year=2015)],
    }


REVIEW_MODELS = {
    "assignedtarget": AssignedTarget,
    "notapplicabledeclaration": NotApplicableDeclaration,
    "vetoevent": VetoEvent,
    "yearlock": YearLock,
}


def review_rows_seen(model: str, user: str, rows) -> set[int]:
    if user in ("outsider", "anonymous"):
        return set()
    if user in ("reviewer", "leader", "superuser"):
        return {r.pk for r in rows}
    if model == "assignedtarget":  # a clerk sees their own elements' targets
        key = STRAW if user == "clerk_a" else PM25
        return {r.pk for r in rows if r.data_element.key == key}
    if model == "notapplicabledeclaration":
        return {r.pk for r in rows} if user == "clerk_a" else set()
    return {r.pk for r in rows}  # veto events and locks concern the whole region


@pytest.mark.parametrize("model", list(REVIEW_MODELS))
@cells()
def test_review_changelist(as_user, review_rows, model, user):
    response = as_user(user).get(reverse(f"admin:indicators_{model}_changelist"))

    if user == "anonymous":
        assert is_login_redirect(response)
        return
    assert response.status_code == 200
    shown = {obj.pk for obj in response.context["cl"].result_list}
    assert shown == review_rows_seen(model, user, review_rows[model])


REVIEW_ADD = {"reviewer": 200, "outsider": 200, "superuser": 200}


@pytest.mark.parametrize("model", list(REVIEW_MODELS))
@cells()
def test_review_add_view(as_user, model, user):
    response = as_user(user).get(reverse(f"admin:indicators_{model}_add"))

    if user == "anonymous":
        assert is_login_redirect(response)
        return
    assert response.status_code == REVIEW_ADD.get(user, 403)
    if response.status_code == 200 and user != "superuser":
        regions = response.context["adminform"].form.fields["region"].queryset
        assert [r.pk for r in regions] == [response.wsgi_request.user.region_id]


@pytest.mark.parametrize("model", list(REVIEW_MODELS))
@pytest.mark.parametrize("view", ["change", "history"])
@cells()
def test_review_object_views(as_user, review_rows, model, view, user):
    obj = review_rows[model][0]  # agriculture's target, the straw declaration, …

    response = as_user(user).get(reverse(f"admin:indicators_{model}_{view}", args=[obj.pk]))

    if user == "anonymous":
        assert is_login_redirect(response)
    else:
        seen = obj.pk in review_rows_seen(model, user, review_rows[model])
        assert response.status_code == (200 if seen else 404)


def test_clerk_cannot_post_a_review_object(as_user, zhonglou):
    response = as_user("clerk_a").post(
        reverse("admin:indicators_yearlock_add"), {"region": zhonglou.pk, "year": 2021}
    )

    assert response.status_code == 403
    assert not YearLock.objects.exists()


def test_outsider_cannot_write_into_another_region(as_user, zhonglou):
    response = as_user("outsider").post(
        reverse("admin:indicators_yearlock_add"), {"region": zhonglou.pk, "year": 2021}
    )

    assert response.status_code == 200  # the region is not among the form's choices
    assert "region" in response.context["adminform"].form.errors
    assert not YearLock.objects.exists()
