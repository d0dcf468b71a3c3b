"""Template helpers of the review queue and the landing pages: the link into the entry form
and a trend line drawn on the server (an SVG, no script)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join

register = template.Library()

SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 120, 32, 3


@register.simple_tag
def entry_url(region_code: str, dept_code: str, year: int) -> str:
    """The entry form (填报) of a department's year."""
    return reverse(
        "dashboard:entry", kwargs={"region": region_code, "dept_code": dept_code, "year": year}
    )


def spark_points(points: list[tuple[int, float]]) -> list[tuple[float, float]]:
    """(year, value) pairs scaled into the sparkline's box, oldest on the left."""
    if not points:
        return []
    values = [v for _y, v in points]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = (SPARK_WIDTH - 2 * SPARK_PAD) / max(len(points) - 1, 1)
    inner = SPARK_HEIGHT - 2 * SPARK_PAD
    return [
        (
            round(SPARK_PAD + i * step, 1),
            round(
                SPARK_PAD + inner - (v - low) / span * inner if high != low else SPARK_HEIGHT / 2, 1
            ),
        )
        for i, (_y, v) in enumerate(points)
    ]


@register.simple_tag
def sparkline(points, label: str = "") -> str:
    """An inline SVG trend line of ``points`` (year, value); the last point, the value under
    review, is marked. Empty when fewer than two points."""
    if not points or len(points) < 2:
        return ""
    scaled = spark_points(list(points))
    line = " ".join(f"{x},{y}" for x, y in scaled)
    last_x, last_y = scaled[-1]
    dots = format_html_join(
        "", '<circle cx="{}" cy="{}" r="1.8" class="spark-dot"></circle>', scaled[:-1]
    )
    return format_html(
        '<svg class="sparkline" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
        'aria-label="{label}"><polyline points="{line}" fill="none" class="spark-line">'
        '</polyline>{dots}<circle cx="{x}" cy="{y}" r="3" class="spark-now"></circle></svg>',
        w=SPARK_WIDTH,
        h=SPARK_HEIGHT,
        label=label,
        line=line,
        dots=dots,
        x=last_x,
        y=last_y,
    )


@register.simple_tag
def navigation(user) -> dict:
    """What the site's menu offers the user: the comparison only to those who may open it
    (readers of scores), the review queue to the reviewers of a region."""
    from accounts.scope import scope_of

    if not getattr(user, "is_authenticated", False):
        return {"compare": False, "review": ""}
    scope = scope_of(user)
    region = getattr(user, "region", None) if scope.is_reviewer else None
    return {"compare": scope.reads_scores, "review": region.code if region else ""}
