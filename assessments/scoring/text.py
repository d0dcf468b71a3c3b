"""Number formatting and the Chinese and English sentences of the scoring engine.

The sentences are built here rather than through gettext: scoring is pure, and a stored result
carries both languages side by side so that it reads the same whatever the request language.
Each clause builder returns a ``Text`` without final punctuation; ``sentence`` closes it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from assessments.scoring.types import (
    IndicatorSpec,
    Lacking,
    MissingPiece,
    Mode,
    Owner,
    Status,
    Verdict,
)

OPERATOR_SYMBOLS = {">=": "≥", "<=": "≤", "=": "", ">": ">", "<": "<"}

# Workflow status labels, for saying why an entered value does not count yet.
STATUS_LABELS = {
    "draft": ("草稿", "draft"),
    "submitted": ("待审核", "submitted"),
    "returned": ("已退回", "returned"),
    "approved": ("已通过", "approved"),
}

VERDICT_LABELS = {
    Verdict.ELIGIBLE: ("可申报", "Eligible"),
    Verdict.NOT_ELIGIBLE: ("未达标", "Not eligible"),
    Verdict.INCOMPLETE: ("数据不全", "Incomplete data"),
}


class Text(NamedTuple):
    zh: str
    en: str


# ---------------------------------------------------------------- numbers


@functools.lru_cache(maxsize=4096)
def fmt_number(number: Decimal | int, decimals: int) -> str:
    """``number`` rounded to ``decimals`` places, without trailing zeros (97.0 → "97").
    Remembered: the same few values and targets recur in every scorecard of a province (equal
    numbers, whatever their exponent, format alike)."""
    quantum = Decimal(1).scaleb(-max(decimals, 0))
    # Half up (四舍五入) as statistical yearbooks round, not the banker's rounding of Decimal.
    text = f"{Decimal(number).quantize(quantum, rounding=ROUND_HALF_UP):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def fmt_quantity(number: Decimal | int, unit: str, decimals: int) -> str:
    """A number with its unit: "97%", "36.9 μg/m³", "60.5" (no unit)."""
    text = fmt_number(number, decimals)
    if not unit:
        return text
    return f"{text}%" if unit == "%" else f"{text} {unit}"


def fmt_value(value: Decimal | bool, spec: IndicatorSpec) -> Text:
    if isinstance(value, bool):
        return Text("是", "yes") if value else Text("否", "no")
    text = fmt_quantity(value, spec.unit, spec.decimals)
    return Text(text, text)


def fmt_difference(amount: Decimal, unit: str, decimals: int) -> Text:
    """A difference between two values: for a percentage it is in percentage points."""
    number = fmt_number(amount, decimals)
    if unit == "%":
        points = "percentage point" if number == "1" else "percentage points"
        return Text(f"{number} 个百分点", f"{number} {points}")
    text = f"{number} {unit}" if unit else number
    return Text(text, text)


MAX_DECIMALS = 6


def exact_decimals(number: Decimal, decimals: int) -> int:
    """The places ``number`` needs to be shown right: at least ``decimals``, more when it has
    more digits (a gap of 0.05 is not "0.1"), at most MAX_DECIMALS."""
    exponent = Decimal(number).normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return min(max(decimals, places), MAX_DECIMALS)


def gap_text(gap: Decimal | None, spec: IndicatorSpec) -> Text:
    """ "差 3.2 个百分点" / "3.2 percentage points short"; empty when there is no gap. Shown with
    the places it needs to be right and non-zero (99.95 against 100: "差 0.05 个百分点")."""
    if gap is None:
        return Text("", "")
    diff = fmt_difference(gap, spec.unit, exact_decimals(gap, spec.decimals))
    return Text(f"差 {diff.zh}", f"{diff.en} short")


def fmt_percent(ratio: Decimal) -> str:
    return f"{fmt_number(ratio * 100, 1)}%"


def years_text(years: Iterable[int]) -> Text:
    years = list(years)
    return Text("、".join(f"{y}年" for y in years), ", ".join(str(y) for y in years))


def series_text(pairs: Sequence[tuple[int, Decimal]], spec: IndicatorSpec) -> Text:
    """ "2019年47.4、2020年41、2021年36.9 μg/m³" / "47.4 in 2019, 41 in 2020 and 36.9 μg/m³
    in 2021": percentages carry their sign on every value, other units once at the end."""
    each = spec.unit == "%"
    last = len(pairs) - 1
    parts = [
        _series_value(value, spec, with_unit=each or i == last)
        for i, (_, value) in enumerate(pairs)
    ]
    zh = "、".join(f"{year}年{part}" for (year, _), part in zip(pairs, parts, strict=True))
    en_parts = [f"{part} in {year}" for (year, _), part in zip(pairs, parts, strict=True)]
    en = en_parts[0] if len(en_parts) == 1 else ", ".join(en_parts[:-1]) + " and " + en_parts[-1]
    return Text(zh, en)


def _series_value(value: Decimal, spec: IndicatorSpec, *, with_unit: bool) -> str:
    if with_unit:
        return fmt_quantity(value, spec.unit, spec.decimals)
    return fmt_number(value, spec.decimals)


# ---------------------------------------------------------------- targets


def target_phrase(text: str, unit: str) -> str:
    """The target as written in the criterion, with the unit added when the text ends on a bare
    number ("≥90" → "≥90%"), so that the sentence reads like the value it is compared with."""
    if not text or not unit or not text[-1].isdigit():
        return text
    return f"{text}%" if unit == "%" else f"{text} {unit}"


def rule_target(operator: str, value: Decimal, spec: IndicatorSpec) -> str:
    """A target built from a rule: "≥90%", "≤40 μg/m³", "100%"."""
    symbol = OPERATOR_SYMBOLS.get(operator, operator)
    return f"{symbol}{fmt_quantity(value, spec.unit, spec.decimals)}"


def criterion_target(spec: IndicatorSpec) -> Text:
    return Text(
        target_phrase(spec.target_text, spec.unit),
        target_phrase(spec.target_text_en or spec.target_text, spec.unit),
    )


# ---------------------------------------------------------------- rule clauses

TARGET_LABEL = Text("目标", "a target of")
ASSIGNED_LABEL = Text("上级下达目标", "the assigned target of")


def _names(spec: IndicatorSpec) -> Text:
    return Text(spec.name, spec.name_en or spec.name)


def _outcome(met: bool, gap: Decimal | None, spec: IndicatorSpec) -> Text:
    if met:
        return Text("达标", "met")
    short = gap_text(gap, spec)
    if not short.zh:
        return Text("未达标", "not met")
    return Text(f"未达标，{short.zh}", f"not met, {short.en}")


def compare_clause(
    spec: IndicatorSpec,
    year: int,
    value: Decimal,
    target: Text,
    *,
    met: bool,
    gap: Decimal | None,
    assigned: bool = False,
) -> Text:
    """ "2021年秸秆综合利用率为97%，目标≥90%，达标" / "Straw utilisation rate was 97% in 2021
    against a target of ≥90%: met". A value short of its target is shown with the places it
    needs not to read as the target itself (99.95%, not 100%)."""
    name, outcome = _names(spec), _outcome(met, gap, spec)
    v = fmt_value(value, spec)
    if gap is not None:
        exact = fmt_quantity(value, spec.unit, exact_decimals(value, spec.decimals))
        v = Text(exact, exact)
    label = ASSIGNED_LABEL if assigned else TARGET_LABEL
    return Text(
        f"{year}年{name.zh}为{v.zh}，{label.zh}{target.zh}，{outcome.zh}",
        f"{name.en} was {v.en} in {year} against {label.en} {target.en}: {outcome.en}",
    )


def qualitative_clause(spec: IndicatorSpec, year: int, answer: bool) -> Text:
    name, v, outcome = _names(spec), fmt_value(answer, spec), _outcome(answer, None, spec)
    target = criterion_target(spec)
    return Text(
        f"{year}年{name.zh}为“{v.zh}”，要求“{target.zh or '是'}”，{outcome.zh}",
        f"{name.en} was “{v.en}” in {year} against a target of “{target.en or 'yes'}”: "
        f"{outcome.en}",
    )


def one_year_clause(spec: IndicatorSpec, year: int, value: Decimal) -> Text:
    """A one-year window has nothing to compare the year with: trivially met."""
    name, v = _names(spec), fmt_value(value, spec)
    return Text(
        f"{year}年{name.zh}为{v.zh}，评估期仅一年，无可比年份，达标",
        f"{name.en} was {v.en} in {year}; a one-year window has nothing to compare: met",
    )


def _tolerance(tolerance: Decimal, spec: IndicatorSpec) -> Text:
    if not tolerance:
        return Text("", "")
    allowed = fmt_difference(tolerance, spec.unit, spec.decimals)
    return Text(f"（容许 {allowed.zh}）", f" (tolerance {allowed.en})")


def no_deterioration_clause(
    spec: IndicatorSpec,
    pairs: Sequence[tuple[int, Decimal]],
    tolerance: Decimal,
    worst: tuple[int, int, Decimal] | None,
) -> Text:
    """Met: the series and "未出现恶化"; not met: the series and the worst pair."""
    name, series, allowed = _names(spec), series_text(pairs, spec), _tolerance(tolerance, spec)
    if worst is None:
        return Text(
            f"{name.zh}{series.zh}，未出现恶化{allowed.zh}，达标",
            f"{name.en} was {series.en}: no deterioration{allowed.en}, met",
        )
    earlier, later, amount = worst
    diff = fmt_difference(amount, spec.unit, spec.decimals)
    return Text(
        f"{name.zh}{series.zh}，{later}年较{earlier}年恶化 {diff.zh}{allowed.zh}，未达标",
        f"{name.en} was {series.en}: it worsened by {diff.en} from {earlier} to {later}"
        f"{allowed.en}, not met",
    )


def no_decrease_clause(
    spec: IndicatorSpec,
    year: int,
    value: Decimal,
    baseline_year: int,
    baseline: Decimal,
    *,
    met: bool,
    gap: Decimal | None,
) -> Text:
    name, v, b = _names(spec), fmt_value(value, spec), fmt_value(baseline, spec)
    outcome = _outcome(met, gap, spec)
    lower = spec.direction == "lower"
    if met:
        how = Text("未升高", "not above it") if lower else Text("未降低", "not below it")
    else:
        how = Text("高于基准年", "above it") if lower else Text("低于基准年", "below it")
    return Text(
        f"{year}年{name.zh}为{v.zh}，基准年{baseline_year}年为{b.zh}，{how.zh}，{outcome.zh}",
        f"{name.en} was {v.en} in {year} against {b.en} in the baseline year {baseline_year}, "
        f"{how.en}: {outcome.en}",
    )


def falling_trend_clause(
    spec: IndicatorSpec, pairs: Sequence[tuple[int, Decimal]], stall: tuple[int, int] | None
) -> Text:
    name, series = _names(spec), series_text(pairs, spec)
    if stall is None:
        return Text(
            f"{name.zh}{series.zh}，逐年下降，达标",
            f"{name.en} was {series.en}: falling every year, met",
        )
    earlier, later = stall
    return Text(
        f"{name.zh}{series.zh}，{later}年未低于{earlier}年，未逐年下降，未达标",
        f"{name.en} was {series.en}: no fall from {earlier} to {later}, not met",
    )


def every_year_clause(
    spec: IndicatorSpec,
    pairs: Sequence[tuple[int, Decimal]],
    target: Text,
    *,
    failing: Sequence[int],
    gap: Decimal | None,
) -> Text:
    """A threshold every window year must meet (近三年均…): the series, then which years
    fell short."""
    name, series = _names(spec), series_text(pairs, spec)
    outcome = _outcome(not failing, gap, spec)
    if not failing:
        return Text(
            f"{name.zh}{series.zh}，评估期内每年均须达到{target.zh}，{outcome.zh}",
            f"{name.en} was {series.en}: {target.en} required in every year of the window, "
            f"{outcome.en}",
        )
    short = years_text(failing)
    return Text(
        f"{name.zh}{series.zh}，评估期内每年均须达到{target.zh}，{short.zh}未达到，{outcome.zh}",
        f"{name.en} was {series.en}: {target.en} required in every year of the window, "
        f"not reached in {short.en}, {outcome.en}",
    )


# ---------------------------------------------------------------- missing and pending


def departments_text(departments: Sequence[str], departments_en: Sequence[str]) -> Text:
    return Text("、".join(departments), ", ".join(departments_en or departments))


def missing_clause(years: Sequence[int], owed_by: Text) -> Text:
    """ "缺少2020年、2021年数据，应由钟楼区农业农村局提供" / "No data for 2020, 2021; owed by …"."""
    y = years_text(years)
    if not owed_by.zh:
        return Text(
            f"缺少{y.zh}数据，尚未指定责任部门",
            f"no data for {y.en}; no department is responsible for it yet",
        )
    return Text(
        f"缺少{y.zh}数据，应由{owed_by.zh}提供", f"no data for {y.en}; owed by {owed_by.en}"
    )


def target_missing_clause(years: Sequence[int]) -> Text:
    y = years_text(years)
    return Text(
        f"{y.zh}上级下达的目标尚未录入，应由创建办录入（非数据填报部门）",
        f"the target assigned by the higher level for {y.en} has not been entered; owed by the "
        "creation office, not the departments",
    )


def pending_clause(years: Sequence[int], statuses: Sequence[str], mode: Mode) -> Text:
    """The value exists but does not count in this mode; say where it is and why."""
    y = years_text(years)
    labels = [STATUS_LABELS.get(s, (s, s)) for s in dict.fromkeys(statuses)]
    zh_status = "、".join(label[0] for label in labels)
    en_status = ", ".join(label[1] for label in labels)
    if mode == Mode.OFFICIAL:
        return Text(
            f"{y.zh}数据已录入但尚未审核通过（{zh_status}），正式口径只计已通过的数据",
            f"a value for {y.en} exists but is not approved ({en_status}); the official "
            "assessment counts approved values only",
        )
    return Text(
        f"{y.zh}数据已录入但尚未提交（{zh_status}），暂定口径只计待审核或已通过的数据",
        f"a value for {y.en} exists but is not submitted ({en_status}); the provisional "
        "assessment counts submitted or approved values only",
    )


# Who owes a piece when it is not a department (the department is named by the input).
OWNER_NAMES = {
    Owner.REVIEWERS: Text("创建办审核人员", "the creation office's reviewers"),
    Owner.CREATION_OFFICE: Text("创建办", "the creation office"),
    Owner.ADMINISTRATOR: Text("系统管理员", "the administrator"),
}

# The region attributes that select a criterion (indicators.models.Region.class_attributes).
ATTRIBUTE_LABELS = {
    "level": Text("行政级别", "administrative level"),
    "terrain": Text("地形类别", "terrain class"),
    "eco_zone": Text("生态区类别", "eco-zone class"),
    "city_size": Text("城市规模", "city size"),
    "coastal": Text("是否沿海", "coastal or inland"),
}


def _owner(piece: MissingPiece) -> Text:
    return Text("、".join(piece.owner_names), ", ".join(piece.owner_names_en))


def piece_clause(piece: MissingPiece) -> Text:
    """One missing piece and who owes it: "2021年数据为草稿，仍在钟楼区农业农村局（尚未提交）…"."""
    owner = _owner(piece)
    if piece.lacking == Lacking.REGION_ATTRIBUTE:
        label = ATTRIBUTE_LABELS.get(piece.attribute, Text(piece.attribute, piece.attribute))
        return Text(
            f"本区域的{label.zh}尚未设置，无法确定适用的标准，应由{owner.zh}设置",
            f"the region's {label.en} is not set, so no criterion can be chosen; owed by "
            f"{owner.en}",
        )
    y = years_text(piece.years)
    if piece.lacking == Lacking.ASSIGNED_TARGET:
        return Text(
            f"{y.zh}上级下达的目标尚未录入，应由{owner.zh}录入",
            f"the target assigned by the higher level for {y.en} is not entered; owed by "
            f"{owner.en}",
        )
    if piece.value_status == "submitted":
        return Text(
            f"{y.zh}数据待审核（已提交，在{owner.zh}处）",
            f"the value for {y.en} is pending review (submitted, with {owner.en})",
        )
    if piece.owner == Owner.ADMINISTRATOR:
        return Text(
            f"缺少{y.zh}数据，尚未指定责任部门，应由{owner.zh}指定",
            f"no data for {y.en} and no department is responsible for it yet; {owner.en} "
            "owes the assignment",
        )
    if piece.value_status == "draft":
        return Text(
            f"{y.zh}数据为草稿，仍在{owner.zh}（尚未提交），按缺失计",
            f"the value for {y.en} is a draft, still with {owner.en} (not submitted): "
            "counted as missing",
        )
    if piece.value_status == "returned":
        return Text(
            f"{y.zh}数据已退回{owner.zh}修改，按缺失计",
            f"the value for {y.en} was returned to {owner.en} for correction: counted as missing",
        )
    return missing_clause(piece.years, owner)


def pieces_text(pieces: Sequence[MissingPiece]) -> Text:
    """Every piece, each led by its sub-indicator's code: "7.1：缺少2020年数据…；2022年…"."""
    zh = "；".join(f"{p.code}：{p.text}" for p in pieces)
    en = "; ".join(f"{p.code}: {p.text_en}" for p in pieces)
    return Text(zh, en)


def no_rules_clause() -> Text:
    return Text(
        "尚未配置评价规则，应由创建办补充", "no rule to assess it by; owed by the creation office"
    )


# ---------------------------------------------------------------- indicators


def sentence(clauses: Sequence[Text]) -> Text:
    """Clauses joined into one sentence with its final punctuation. English clauses that do not
    start with an indicator's name are written in lower case; the sentence gets its capital here."""
    zh = "；".join(c.zh for c in clauses if c.zh)
    en = "; ".join(c.en for c in clauses if c.en)
    return Text(f"{zh}。" if zh else "", f"{en[:1].upper()}{en[1:]}." if en else "")


def not_applicable_text(reason: str, reason_en: str) -> Text:
    zh, en = reason.rstrip("。. "), (reason_en or reason).rstrip("。. ")
    return Text(f"不适用：{zh}。", f"Not applicable: {en}.")


def inherited_not_applicable_text(parent_code: str, reason: str, reason_en: str) -> Text:
    zh, en = reason.rstrip("。. "), (reason_en or reason).rstrip("。. ")
    return Text(
        f"不适用：所属指标{parent_code}不适用（{zh}）。",
        f"Not applicable: parent indicator {parent_code} does not apply ({en}).",
    )


_CHILD_PARTS = (
    (Status.NOT_MET, "未达标", "not met"),
    (Status.PENDING, "待审核", "pending review"),
    (Status.MISSING, "缺失数据", "missing data"),
    (Status.NOT_APPLICABLE, "不适用", "not applicable"),
)


def parent_text(
    children: Sequence[tuple[str, Status]], pieces: Sequence[MissingPiece] = ()
) -> Text:
    """ "3项分指标中2项达标，1项缺失数据（7.1）" / "2 of 3 sub-indicators met, 1 missing data
    (7.1)", then what exactly is missing and who owes it."""
    total = len(children)
    met = sum(1 for _, status in children if status == Status.MET)
    if total and all(status == Status.NOT_APPLICABLE for _, status in children):
        return Text(f"{total}项分指标均不适用。", f"None of the {total} sub-indicators applies.")
    zh, en = [f"{total}项分指标中{met}项达标"], [f"{met} of {total} sub-indicators met"]
    for status, label_zh, label_en in _CHILD_PARTS:
        codes = [code for code, s in children if s == status]
        if codes:
            zh.append(f"{len(codes)}项{label_zh}（{'、'.join(codes)}）")
            en.append(f"{len(codes)} {label_en} ({', '.join(codes)})")
    head = Text("，".join(zh) + "。", ", ".join(en) + ".")
    if not pieces:
        return head
    detail = pieces_text(pieces)
    return Text(f"{head.zh}缺：{detail.zh}。", f"{head.en} Lacking: {detail.en}.")


# ---------------------------------------------------------------- the verdict


class Counts(NamedTuple):
    binding_met: int
    binding_applicable: int
    reference_met: int
    reference_applicable: int
    reference_ratio: Decimal | None
    reference_required: Decimal


def _counts_text(counts: Counts) -> Text:
    binding = Text(
        f"约束性指标{counts.binding_met}/{counts.binding_applicable}项达标",
        f"{counts.binding_met}/{counts.binding_applicable} binding indicators met",
    )
    if counts.reference_ratio is None:
        reference = Text("参考性指标无适用项", "no reference indicator applies")
    else:
        ratio, required = (
            fmt_percent(counts.reference_ratio),
            fmt_percent(counts.reference_required),
        )
        reference = Text(
            f"参考性指标{counts.reference_met}/{counts.reference_applicable}项达标"
            f"（{ratio}，要求≥{required}）",
            f"{counts.reference_met}/{counts.reference_applicable} reference indicators met "
            f"({ratio}, {required} required)",
        )
    return Text(f"{binding.zh}，{reference.zh}", f"{binding.en}, {reference.en}")


def binding_failed_reason(codes: Sequence[str]) -> Text:
    return Text(
        f"约束性指标{'、'.join(codes)}未达标",
        f"binding indicator{'s' if len(codes) > 1 else ''} {', '.join(codes)} not met",
    )


def reference_unreachable_reason(best: Decimal, required: Decimal) -> Text:
    return Text(
        f"参考性指标即使缺失数据全部达标，达标比例也只有{fmt_percent(best)}，低于{fmt_percent(required)}",
        f"even with every missing reference indicator met the share would be {fmt_percent(best)}, "
        f"below {fmt_percent(required)}",
    )


def reference_below_reason(required: Decimal) -> Text:
    return Text(
        f"参考性指标达标比例低于{fmt_percent(required)}",
        f"the reference share is below {fmt_percent(required)}",
    )


def veto_reason(count: int) -> Text:
    return Text(
        f"评估期内发生{count}项一票否决事项",
        f"{count} veto event{'s' if count > 1 else ''} in the window",
    )


def summary(
    verdict: Verdict, counts: Counts, reasons: Sequence[Text], unknown: int, any_pending: bool
) -> Text:
    """One sentence on the verdict: the label, the counts, then why."""
    label, body = VERDICT_LABELS[verdict], _counts_text(counts)
    tail: list[Text] = list(reasons)
    if verdict == Verdict.INCOMPLETE:
        tail = [_unknown_text(unknown, any_pending)]
    elif verdict == Verdict.ELIGIBLE:
        tail = [Text("评估期内无一票否决事项", "no veto event in the window")]
    zh = f"{label[0]}：{body.zh}，" + "，".join(t.zh for t in tail) + "。"
    en = f"{label[1]}: {body.en}; " + "; ".join(t.en for t in tail) + "."
    return Text(zh, en)


def _unknown_text(count: int, any_pending: bool) -> Text:
    one = count == 1
    if any_pending:
        verb = "lacks data or awaits approval" if one else "lack data or await approval"
        return Text(f"另有{count}项缺失或待审核数据", f"{count} more {_noun(one)} {verb}")
    verb = "lacks data" if one else "lack data"
    return Text(f"另有{count}项缺失数据", f"{count} more {_noun(one)} {verb}")


def _noun(one: bool) -> str:
    return "indicator" if one else "indicators"
