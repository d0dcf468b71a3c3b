"""The pages in a real browser: Debian's chromium driven by Playwright for Python.

Skips with a message when chromium is absent, unless ZHONGLOU_REQUIRE_BROWSER=1 (set by CI),
where a missing browser is a failure. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import os
import re
import shutil
from decimal import Decimal

import pytest

from tests.helpers import ROOT

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = ROOT / "artifacts" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        message = (
            "chromium is not installed: `apt-get install chromium fonts-noto-cjk` "
            "to run the browser tests"
        )
        if os.environ.get("ZHONGLOU_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between page actions are ordinary synchronous calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def demo_site(live_server, catalogue):
    from accounts.models import User
    from demo.seed import ensure_demo_users, load_demo_values

    ensure_demo_users()
    load_demo_values(User.objects.get(username="admin"))
    return live_server.url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    page.on(
        "response",
        lambda r: page.console_errors.append(f"{r.status} {r.url}") if r.status == 404 else None,
    )
    yield page
    context.close()
    # Whatever a test asserts, a script or style refused by the Content-Security-Policy fails it.
    refused = [m for m in page.console_errors if "Content Security Policy" in m]
    assert not refused, refused


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "zhonglou-demo")
    page.click("button.primary")
    page.wait_for_load_state("networkidle")


def chart_has_content(page, selector: str) -> bool:
    return page.eval_on_selector(
        selector,
        "el => { const g = el.querySelector('svg, canvas'); return !!g && "
        "(g.tagName === 'CANVAS' || g.querySelectorAll('path, rect, text').length > 3); }",
    )


def test_leader_sees_the_verdict_and_its_charts_then_english_then_an_indicator(page, demo_site):
    log_in(page, demo_site, "zl-leader")
    assert re.search(r"/d/320404/$", page.url)
    banner = page.locator("section.verdict")
    assert banner.get_attribute("data-verdict") == "incomplete"
    assert "数据不全" in banner.inner_text()
    page.wait_for_selector("#chart-gauge svg")
    assert chart_has_content(page, "#chart-gauge")
    assert chart_has_content(page, "#chart-domains")
    page.screenshot(path=str(SHOTS / "overview-zh.png"), full_page=True)

    page.select_option("#language", "en")
    page.click("form.lang button")
    page.wait_for_load_state("networkidle")
    assert "Incomplete data" in page.locator("section.verdict").inner_text()
    page.screenshot(path=str(SHOTS / "overview-en.png"), full_page=True)

    first_gap = page.locator("section.gaps tbody tr a").first
    name = first_gap.inner_text()
    first_gap.click()
    page.wait_for_load_state("networkidle")
    assert "/i/jiangsu-county-2019/" in page.url
    assert name.split(" ", 1)[0] in page.locator("h1").inner_text()
    page.screenshot(path=str(SHOTS / "indicator.png"), full_page=True)
    assert page.console_errors == []


def test_overview_names_row_32s_owner_and_shows_a_later_draft_as_a_draft(page, demo_site):
    from accounts.models import User
    from indicators import services
    from indicators.models import DataElement, Region

    zhonglou = Region.objects.get(code="320404")
    sewage = DataElement.objects.get(key="urban_sewage_treatment_rate")
    admin = User.objects.get(username="admin")
    # A clerk's draft for 2021 and one for a later year.
    services.value_save(actor=admin, region=zhonglou, data_element=sewage, year=2021, value=90)
    services.value_save(actor=admin, region=zhonglou, data_element=sewage, year=2023, value=92)

    log_in(page, demo_site, "zl-leader")
    # The later draft leaves the overview on 2021, the latest year with approved values.
    assert "2021" in page.locator("h1 .sub").inner_text()
    row32 = page.locator("section.gaps tbody tr", has=page.locator("a", has_text="32 "))
    owner = row32.locator("td.owed-by")
    assert owner.locator("strong.owners").inner_text() == "创建办"
    assert owner.locator('li[data-owner="creation_office"]').count() == 1
    assert "上级下达的目标尚未录入" in owner.inner_text()
    row29 = page.locator("section.gaps tbody tr", has=page.locator("a", has_text="29 "))
    draft = row29.locator("td.owed-by .badge-draft")
    assert draft.inner_text().strip().endswith("草稿")
    assert draft.get_attribute("title")  # who holds it: the department
    assert "待审核" not in row29.inner_text()
    page.screenshot(path=str(SHOTS / "overview-owners.png"), full_page=True)
    assert page.console_errors == []


def test_indicator_page_draws_the_values_and_the_target(page, demo_site):
    log_in(page, demo_site, "zl-leader")
    page.goto(f"{demo_site}/d/320404/i/jiangsu-county-2019/25/")
    page.wait_for_selector("#chart-25-1 svg")
    assert chart_has_content(page, "#chart-25-1")
    assert "97%" in page.content()
    assert page.console_errors == []


def _approve_three_years_of_livestock_manure(figures=("66", "69", "72.6")) -> None:
    """Three approved years (2019–2021) of 25.2 (threshold ≥ 75), below it but rising: the demo
    gives no indicator three years against a ≥ or ≤ threshold (its three-year series are
    "= 100"), so the department's clerk enters and submits them and the reviewer approves
    them."""
    from accounts.models import User
    from indicators import services
    from indicators.models import DataElement, Region

    clerk = User.objects.get(username="zl-agriculture")
    reviewer = User.objects.get(username="zl-reviewer")
    for year, figure in zip((2019, 2020, 2021), figures, strict=True):
        value = services.value_save(
            actor=clerk,
            region=Region.objects.get(code="320404"),
            data_element=DataElement.objects.get(key="livestock_manure_utilization_rate"),
            year=year,
            value=Decimal(figure),
            source="钟楼区农业农村局台账（测试）",
        ).value
        services.value_approve(
            value=services.value_submit(value=value, actor=clerk), actor=reviewer
        )


# The chart's dashed SVG paths (stroke and box, in the chart's pixels) and the pixels ECharts
# gives the projection's two ends and the threshold.
DASHED_PATHS = """({id, start, end, threshold}) => {
  const el = document.getElementById(id);
  const chart = echarts.getInstanceByDom(el);
  const origin = el.querySelector('svg').getBoundingClientRect();
  const paths = Array.from(el.querySelectorAll('svg path[stroke-dasharray]'))
    .filter(p => !['', 'none', '0'].includes(p.getAttribute('stroke-dasharray')))
    .map(p => {
      const r = p.getBoundingClientRect();
      return {stroke: p.getAttribute('stroke'), left: r.left - origin.left,
              right: r.right - origin.left, top: r.top - origin.top, bottom: r.bottom - origin.top};
    });
  const at = point => chart.convertToPixel({xAxisIndex: 0, yAxisIndex: 0}, point);
  return {paths: paths, start: at(start), end: at(end),
          threshold: chart.convertToPixel({yAxisIndex: 0}, threshold)};
}"""


def _near(a: float, b: float) -> bool:
    return abs(a - b) <= 1.5


def test_indicator_chart_draws_the_projection_dashed_to_the_target_year_across_the_target(
    page, demo_site
):
    _approve_three_years_of_livestock_manure()
    log_in(page, demo_site, "zl-leader")
    page.goto(f"{demo_site}/d/320404/i/jiangsu-county-2019/25/")
    page.wait_for_selector("#chart-25-2 svg")
    assert page.locator("#projection-25\\.2").get_attribute("data-progress") == "on_track"
    data = page.evaluate("JSON.parse(document.getElementById('chart-data').textContent)")
    chart = next(c for c in data["series"] if c["id"] == "chart-25-2")
    # From the latest value (2021) to the application year (2022), the projection's target year.
    assert chart["years"] == ["2019", "2020", "2021", "2022"] and chart["threshold"] == 75.0
    assert chart["projection"][:3] == [None, None, 72.6] and chart["projection"][3] > 75
    drawn = page.evaluate(
        DASHED_PATHS,
        {
            "id": "chart-25-2",
            "start": ["2021", 72.6],
            "end": ["2022", chart["projection"][3]],
            "threshold": 75,
        },
    )
    (start_x, start_y), (end_x, end_y) = drawn["start"], drawn["end"]
    projection = [
        p
        for p in drawn["paths"]
        if p["stroke"] == "#0b5cad" and _near(p["left"], start_x) and _near(p["right"], end_x)
    ]
    assert len(projection) == 1, drawn
    assert _near(projection[0]["top"], end_y) and _near(projection[0]["bottom"], start_y), drawn
    target = [
        p
        for p in drawn["paths"]
        if p["stroke"] == "#b42318"
        and _near(p["top"], drawn["threshold"])
        and _near(p["bottom"], drawn["threshold"])
    ]
    assert len(target) == 1, drawn  # the threshold's line, dashed too, in its own colour
    # Beside the target line, along the whole chart: the projection crosses it by 2022.
    assert target[0]["left"] < start_x and target[0]["right"] >= end_x, drawn
    assert end_y < drawn["threshold"] < start_y, drawn
    page.locator("#chart-25-2").screenshot(path=str(SHOTS / "indicator-projection.png"))
    assert page.console_errors == []


# The y-axis's extent, the pixels of its ends and of the threshold, and the red dashed paths.
THRESHOLD_LINE = """({id, threshold}) => {
  const el = document.getElementById(id);
  const chart = echarts.getInstanceByDom(el);
  const origin = el.querySelector('svg').getBoundingClientRect();
  const [low, high] = chart.getModel().getComponent('yAxis', 0).axis.scale.getExtent();
  const y = value => chart.convertToPixel({yAxisIndex: 0}, value);
  const lines = Array.from(el.querySelectorAll('svg path[stroke="#b42318"][stroke-dasharray]'))
    .map(p => p.getBoundingClientRect())
    .map(r => ({top: r.top - origin.top, bottom: r.bottom - origin.top, width: r.width}));
  return {low: low, high: high, bottom: y(low), top: y(high), threshold: y(threshold),
          lines: lines};
}"""


def _threshold_line_is_drawn_inside_the_axis(page, chart_id: str, threshold: float) -> dict:
    drawn = page.evaluate(THRESHOLD_LINE, {"id": chart_id, "threshold": threshold})
    assert drawn["low"] < threshold < drawn["high"], drawn  # the axis takes the threshold in
    # …with room: its line is not drawn over the x-axis nor along the chart's top edge.
    assert drawn["top"] + 4 < drawn["threshold"] < drawn["bottom"] - 4, drawn
    at_threshold = [
        line
        for line in drawn["lines"]
        if _near(line["top"], drawn["threshold"]) and _near(line["bottom"], drawn["threshold"])
    ]
    assert len(at_threshold) == 1 and at_threshold[0]["width"] > 100, drawn
    return drawn


def test_indicator_chart_draws_a_threshold_below_all_the_values(page, demo_site):
    """The demo's indicator 3 (≥ 20) has 23.6 and 31.2: the axis used to start at 22, and the
    threshold's line was not drawn."""
    log_in(page, demo_site, "zl-leader")
    page.goto(f"{demo_site}/d/320404/i/jiangsu-county-2019/3/")
    page.wait_for_selector("#chart-3 svg")
    data = page.evaluate("JSON.parse(document.getElementById('chart-data').textContent)")
    (chart,) = (c for c in data["series"] if c["id"] == "chart-3")
    assert chart["threshold"] == 20 and min(v for v in chart["values"] if v is not None) > 22
    drawn = _threshold_line_is_drawn_inside_the_axis(page, "chart-3", 20)
    assert drawn["low"] >= 0, drawn  # a percentage's axis does not go below 0 for the room
    page.locator("#chart-3").screenshot(path=str(SHOTS / "indicator-threshold-below.png"))
    assert page.console_errors == []


def test_indicator_chart_draws_a_threshold_above_all_the_values(page, demo_site):
    """25.2 (≥ 75) at 10–14 %: the axis reaches up to the threshold (and the projection)."""
    _approve_three_years_of_livestock_manure(("10", "12", "14"))
    log_in(page, demo_site, "zl-leader")
    page.goto(f"{demo_site}/d/320404/i/jiangsu-county-2019/25/")
    page.wait_for_selector("#chart-25-2 svg")
    data = page.evaluate("JSON.parse(document.getElementById('chart-data').textContent)")
    (chart,) = (c for c in data["series"] if c["id"] == "chart-25-2")
    assert chart["threshold"] == 75.0
    assert max(v for v in chart["values"] + (chart["projection"] or []) if v is not None) < 20
    _threshold_line_is_drawn_inside_the_axis(page, "chart-25-2", 75)
    page.locator("#chart-25-2").screenshot(path=str(SHOTS / "indicator-threshold-above.png"))
    assert page.console_errors == []


def test_overview_prints_on_one_a4_page(page, demo_site):
    log_in(page, demo_site, "zl-leader")
    page.emulate_media(media="print")
    page.wait_for_selector("#chart-gauge svg")
    pdf = page.pdf(format="A4", print_background=True)
    (SHOTS / "overview-print.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"the overview prints on {pages} pages"


def test_clerk_lands_on_what_is_owed_then_opens_the_department_page(page, demo_site):
    log_in(page, demo_site, "zl-agriculture")
    assert "钟楼区农业农村局" in page.locator("h1").inner_text()
    page.screenshot(path=str(SHOTS / "clerk-landing.png"), full_page=True)
    page.click("a[href='/d/320404/dept/agriculture/']")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/d/320404/dept/agriculture/")
    assert page.locator("table.owed tbody tr").count() >= 4
    page.screenshot(path=str(SHOTS / "department.png"), full_page=True)
    assert page.console_errors == []


SECTION_OF_FOCUS = (
    "(() => { const s = document.activeElement && document.activeElement.closest('section'); "
    "return s ? s.className : ''; })()"
)


def test_keyboard_reaches_the_gap_list(page, demo_site):
    log_in(page, demo_site, "zl-leader")
    seen = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        seen.add(page.evaluate(SECTION_OF_FOCUS))
        if any(s and "gaps" in s for s in seen):
            break
    assert any(s and "gaps" in s for s in seen)


def test_tablet_width_has_no_horizontal_scroll_of_the_page(browser, demo_site):
    context = browser.new_context(viewport={"width": 800, "height": 1100}, locale="zh-CN")
    page = context.new_page()
    log_in(page, demo_site, "zl-leader")
    page.wait_for_selector("#chart-gauge svg")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    page.screenshot(path=str(SHOTS / "overview-tablet.png"), full_page=True)
    context.close()
    assert overflow <= 0


def test_comparison_page_for_a_city_leader(page, demo_site):
    from indicators.models import Region
    from tests.factories import PASSWORD, UserFactory

    UserFactory(username="cz-leader", role="leader", region=Region.objects.get(code="320400"))
    page.goto(f"{demo_site}/login/")
    page.fill("#id_username", "cz-leader")
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.goto(f"{demo_site}/compare/")
    assert "钟楼区" in page.locator("table").inner_text()
    page.screenshot(path=str(SHOTS / "compare.png"), full_page=True)
    assert page.console_errors == []


@pytest.mark.parametrize(
    "username, paths",
    [
        ("zl-leader", ["/d/320404/", "/d/320404/i/jiangsu-county-2019/25/", "/api/docs/"]),
        ("cz-leader", ["/compare/"]),
        (
            "zl-reviewer",
            [
                "/admin/",
                "/admin/indicators/indicatorvalue/",
                "/admin/indicators/indicatorvalue/?status__exact=submitted",
                "/admin/indicators/vetoevent/add/",
            ],
        ),
        ("admin", ["/admin/accounts/user/", "/admin/axes/accessattempt/"]),
    ],
)
def test_pages_charts_admin_and_api_docs_run_under_the_content_security_policy(
    page, demo_site, username, paths
):
    log_in(page, demo_site, username)
    for path in paths:
        response = page.goto(f"{demo_site}{path}")
        page.wait_for_load_state("networkidle")
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        if path.startswith("/d/320404/"):
            assert chart_has_content(page, "[id^=chart-]"), path
        if path == "/api/docs/":
            page.wait_for_selector(".swagger-ui .info", timeout=15000)
    assert page.console_errors == [], page.console_errors
