"""Demo data for a laptop: Zhonglou's figures from its creation work report, entered through
the ordinary workflow (saved, evidenced and submitted by the lead department's clerk, approved
by the creation office's reviewer: four eyes), and one demo user per role."""

from __future__ import annotations

from decimal import Decimal

import yaml
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction

from accounts.models import User
from accounts.roles import GROUP_NAMES, Role
from indicators import services
from indicators.choices import ResponsibilityRole
from indicators.models import DataElement, Department, IndicatorValue, Region, Responsibility

DEMO_FILE = "data/demo/zhonglou-report.yaml"
YEAR_FROM_REPORT_DATE = (
    "报告未写明年份：年份按报告日期读取（报告写于2022年，所述“近三年”为2019–2021年），"
    "记为{year}年。"
)
COMMITMENT = "报告以承诺表述（“确保…达到…以上”），不是实测比例：按承诺的下限录入，待实测数据替换。"
DEMO_PASSWORD = "zhonglou-demo"


def _user(username: str, role: Role, region: Region | None, department=None, **extra) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        # An address at the reserved example domain, so that the notifications' e-mails
        # appear on the console of `make run` (EMAIL_URL defaults to consolemail://).
        defaults={
            "region": region,
            "department": department,
            "email": f"{username}@zhonglou.example",
            **extra,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        if role != Role.ADMIN:
            user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
    return user


@transaction.atomic
def ensure_demo_users(region_code: str = "320404") -> list[tuple[str, str]]:
    """Create (once) an administrator, a reviewer, a leader and one clerk per department of
    the region; returns (username, description) pairs."""
    region = Region.objects.get(code=region_code)
    rows = []
    _user("admin", Role.ADMIN, None, is_staff=True, is_superuser=True)
    rows.append(("admin", "系统管理员 / administrator"))
    _user("zl-reviewer", Role.REVIEWER, region, first_name="创建办审核员")
    rows.append(("zl-reviewer", f"创建办审核员 / reviewer · {region.name}"))
    _user("zl-leader", Role.LEADER, region, first_name="区领导")
    rows.append(("zl-leader", f"领导 / leader · {region.name}"))
    city = region.parent
    if city is not None:
        _user("cz-leader", Role.LEADER, city, first_name="市领导")
        rows.append(("cz-leader", f"领导 / leader · {city.name}（对比各区 / compares districts）"))
    for dept in Department.objects.filter(region=region).order_by("code"):
        username = f"zl-{dept.code}"
        _user(username, Role.CLERK, region, dept, first_name=dept.name[:30])
        rows.append((username, f"部门填报员 / clerk · {dept.name}"))
    return rows


def _demo_clerks(region: Region) -> dict[int, User]:
    """The demo clerk of each data element's lead department (see ensure_demo_users)."""
    clerks = {
        u.department_id: u
        for u in User.objects.filter(department__region=region).select_related("department")
        if u.username == f"zl-{u.department.code}"
    }
    return {
        r.data_element_id: clerks[r.department_id]
        for r in Responsibility.objects.filter(region=region, role=ResponsibilityRole.LEAD)
        if r.department_id in clerks
    }


def _note_lines(item: dict) -> list[str]:
    """The value's note: the report's words, how the figure was read, and, where it applies,
    that the year comes from the report's date or that the figure is a commitment."""
    lines = [f"报告原文：{item['excerpt']}", item.get("note", "")]
    if item.get("year_from_report_date"):
        lines.append(YEAR_FROM_REPORT_DATE.format(year=item["year"]))
    if item.get("commitment"):
        lines.append(COMMITMENT)
    return lines


@transaction.atomic
def load_demo_values(actor: User) -> int:
    """Enter the report's figures as approved values (skipping those already present): the
    lead department's demo clerk enters and submits each (``actor``, an administrator, those
    no department leads), the region's demo reviewer approves it (``ensure_demo_users``
    first)."""
    spec = yaml.safe_load((settings.BASE_DIR / DEMO_FILE).read_text(encoding="utf-8"))
    region = Region.objects.get(code=spec["region"])
    elements = {e.key: e for e in DataElement.objects.all()}
    clerks = _demo_clerks(region)
    reviewer = User.objects.get(username="zl-reviewer")
    created = 0
    for item in spec["values"]:
        element = elements[item["key"]]
        enterer = clerks.get(element.pk, actor)
        if IndicatorValue.objects.filter(
            region=region, data_element=element, year=item["year"]
        ).exists():
            continue
        answer = item.get("answer")
        value = None if answer is not None else Decimal(str(item["value"]))
        note = "\n".join(x for x in _note_lines(item) if x)
        saved = services.value_save(
            actor=enterer,
            region=region,
            data_element=element,
            year=item["year"],
            value=value,
            answer=answer,
            source=f"{spec['source']}",
            note=note,
        ).value
        if answer is not None:
            excerpt = ContentFile(
                f"{spec['source']}\n\n{item['excerpt']}\n".encode(), name="report-excerpt.txt"
            )
            services.evidence_add(
                value=saved,
                actor=enterer,
                upload=excerpt,
                title="创建工作报告摘录",
                official_source=spec["source"],
            )
        services.value_submit(value=saved, actor=enterer)
        services.value_approve(value=IndicatorValue.objects.get(pk=saved.pk), actor=reviewer)
        created += 1
    return created
