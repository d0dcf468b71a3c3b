"""Issue 13's daily path in the browser: the overview's gauge at A4 width keeps its figure
inside the arc and draws no scale label over it."""

from __future__ import annotations

import pytest

from tests.test_browser import SHOTS, browser, demo_site, log_in, page  # noqa: F401

pytestmark = pytest.mark.browser

GAUGE_TEXTS = """() => {
  const el = document.getElementById('chart-gauge');
  const box = el.getBoundingClientRect();
  const cx = box.left + box.width / 2, cy = box.top + box.height * 0.62;
  const inner = Math.min(box.width, box.height) / 2 - 14;
  return Array.from(el.querySelectorAll('svg text'))
    .filter(t => t.textContent.trim() && getComputedStyle(t).display !== 'none')
    .map(t => {
      const r = t.getBoundingClientRect();
      const corners = [[r.left, r.top], [r.right, r.top], [r.left, r.bottom], [r.right, r.bottom]];
      const near = ([x, y]) => Math.hypot(x - cx, y - cy) < inner;
      return {text: t.textContent, inside: corners.every(near)};
    });
}"""


@pytest.mark.parametrize("media", ["print", "screen"])
def test_the_gauge_label_stays_inside_its_arc(page, demo_site, media):  # noqa: F811
    log_in(page, demo_site, "zl-leader")
    if media == "print":
        page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
        page.emulate_media(media="print")
        page.evaluate("window.dispatchEvent(new Event('resize'))")
    page.wait_for_selector("#chart-gauge svg text")
    page.wait_for_timeout(200)
    texts = page.evaluate(GAUGE_TEXTS)
    figures = [t for t in texts if t["text"].endswith("%") and "." in t["text"]]
    assert figures, texts
    assert all(t["inside"] for t in figures), texts
    if media == "print":
        assert len(texts) == len(figures), texts  # no scale label on the small arc
        page.locator("#chart-gauge").screenshot(path=str(SHOTS / "gauge-print.png"))
    assert page.console_errors == []
