"""Issue 13, the rest of the daily path: the history page reads as a record, the comparison
link only for those who may open it, no link to a user admin the reader cannot open, the
stale-template message, the admin's region picker, English names in the English interface,
one form of address (您)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from indicators import excel, services
from indicators.models import DataElement
from indicators.tests.values_helpers import entered, open_xlsx
from tests.factories import pdf_upload

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def returned(clerk_a, reviewer, zhonglou):
    value = services.value_save(
        actor=clerk_a,
        region=zhonglou,
        data_element=DataElement.objects.get(key="straw_utilization_rate"),
        year=2021,
        value="95",
    ).value
    services.evidence_add(value=value, actor=clerk_a, upload=pdf_upload(), title="台账")
    value = services.value_submit(value=value, actor=clerk_a)
    return services.value_return(value=value, actor=reviewer, reason="请补充")


def _history(client, value) -> str:
    html = client.get(reverse("admin:indicators_indicatorvalue_history", args=[value.pk]))
    html = html.content.decode()
    return html[
        html.index('id="change-history"') : html.index("</table>", html.index("change-history"))
    ]


def test_the_history_page_reads_as_a_record(returned, clerk_a, reviewer, as_user):
    clerk_a.first_name, clerk_a.last_name = "Li", "Na"
    clerk_a.save()
    table = _history(as_user(reviewer), returned)
    headers = re.findall(r"<th scope=\"col\">([^<]+)</th>", table)
    assert headers == ["When", "Who", "What happened", "Status", "Value", "Version", "What changed"]
    assert "<td>returned</td>" in table and "<td>pending review</td>" in table  # status words
    assert "pk=None" not in table and "Deleted" not in table
    assert not re.search(r"\d{2}:\d{2}:\d{2}\.\d+", table)  # no microseconds
    assert "+00:00" not in table  # local time
    assert "Li Na" in table or "Na Li" in table  # people's names
    assert "/admin/accounts/user/" not in table
    assert "95.0000" not in table and ">95<" in table


def test_the_history_page_is_chinese_in_chinese(returned, reviewer, as_user):
    table = _history(as_user(reviewer, "zh-hans"), returned)
    assert "已退回" in table and "待审核" in table
    assert "returned" not in table and "None" not in table


def test_the_uploader_is_a_name_not_a_link_to_the_user_admin(returned, reviewer, as_user):
    page = as_user(reviewer).get(
        reverse("admin:indicators_indicatorvalue_change", args=[returned.pk])
    )
    html = page.content.decode()
    assert "clerk_a" in html
    assert "/admin/accounts/user/" not in html


def test_the_comparison_link_is_shown_only_to_those_who_may_open_it(
    zhonglou, clerk_a, reviewer, leader, as_user
):
    compare = reverse("compare")
    for user, shown in ((clerk_a, False), (reviewer, True), (leader, True)):
        client = as_user(user)
        page = client.get(reverse("department", args=["320404", "agriculture"])).content.decode()
        assert (f'href="{compare}"' in page) is shown, user
        if not shown:
            assert client.get(compare).status_code == 404  # …because it would be a 404


def test_the_review_link_is_in_the_menu_of_the_regions_reviewers_only(
    zhonglou, reviewer, leader, as_user
):
    queue = reverse("dashboard:review", args=["320404"])
    page = as_user(reviewer).get(reverse("overview", args=["320404"])).content.decode()
    assert f'href="{queue}"' in page
    page = as_user(leader).get(reverse("overview", args=["320404"])).content.decode()
    assert f'href="{queue}"' not in page


def test_the_stale_template_message_asks_for_a_new_template_and_blames_no_one(clerk_a, zhonglou):
    from indicators.tests.test_excel import YEARS, fill

    draft = entered(clerk_a, zhonglou, "livestock_manure_utilization_rate", 2021, 70)
    template = excel.build_template(clerk_a, zhonglou, YEARS)
    entered(
        clerk_a,
        zhonglou,
        "livestock_manure_utilization_rate",
        2021,
        71,
        expected_version=draft.version,
    )
    with translation.override("en"):
        report = excel.read_upload(
            fill(template, {("livestock_manure_utilization_rate", 2021): 72}), clerk_a, zhonglou
        )
        messages = [p.message for p in report.problems]
    assert len(messages) == 1
    message = messages[0]
    assert "download a new template" in message
    assert "−1" not in message and "-1" not in message and "version" not in message.lower()
    assert "Someone" not in message and "someone" not in message
    assert open_xlsx(template)  # the template itself is untouched


def test_the_admins_region_picker_opens_on_the_users_region_in_chinese(clerk_a, as_user):
    page = as_user(clerk_a, "zh-hans").get(reverse("admin:indicators_indicatorvalue_add"))
    html = page.content.decode()
    picker = html[
        html.index('name="region"') : html.index("</select>", html.index('name="region"'))
    ]
    assert "---------" not in picker
    assert f'value="{clerk_a.region_id}" selected' in picker


def test_editions_read_in_english_in_the_english_interface(zhonglou, leader, as_user, catalogue):
    assert catalogue.name_en
    page = as_user(leader).get(reverse("overview", args=["320404"])).content.decode()
    assert catalogue.name_en in page
    assert catalogue.name not in page.split("<main")[1]


def test_departments_read_in_english_in_the_english_interface(agriculture, clerk_a, as_user):
    assert agriculture.name_en
    page = as_user(clerk_a).get("/").content.decode()
    assert agriculture.name_en in page and agriculture.name not in page.split("<main")[1]


def test_one_form_of_address_throughout():
    po = (ROOT / "locale/zh_Hans/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    assert "你" not in po
    new = ROOT.parent / "h13b-zh.json"
    if new.exists():
        assert "你" not in "".join(json.loads(new.read_text(encoding="utf-8")).values())
