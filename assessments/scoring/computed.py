"""The yearly values of a computed indicator: its formula (indicators.formula, a tiny parser,
never Python's eval) over the values of its input data elements, with the arithmetic written
out so that the explanation shows the inputs and the calculation.

A year has a value only when every input value the formula reads (that year's, and the base
year's for ``base(key)``) counts in the mode; otherwise the year lacks those input years, which
the rules report as missing or pending like any other. A division by zero, or a formula that
cannot be read, leaves the year without a value and with a reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from assessments.scoring import text
from assessments.scoring.text import Text
from assessments.scoring.types import IndicatorSpec, InputSpec, Observation
from indicators import formula as formula_lib

Value = Decimal | bool


@dataclass(frozen=True)
class Computed:
    """What a computed indicator's formula gives for each year."""

    counted: dict[int, Decimal]
    entered: dict[int, tuple[str, ...]]  # input year → statuses of every input observation
    lacks: dict[int, tuple[tuple[int, bool], ...]]  # year → (input year, entered?) lacking
    problems: dict[int, Text] = field(default_factory=dict)  # year → why it has no value
    arithmetic: dict[int, Text] = field(default_factory=dict)  # year → the calculation


def base_year(spec: IndicatorSpec, window: Sequence[int]) -> int:
    return spec.base_year or window[0]


def compute(spec: IndicatorSpec, counting: frozenset[str], window: Sequence[int]) -> Computed:
    """Every year the inputs were entered for, and every window year."""
    entered: dict[int, list[str]] = {}
    for item in spec.inputs:
        for obs in item.observations:
            entered.setdefault(obs.year, []).append(obs.status)
    entered_t = {year: tuple(statuses) for year, statuses in entered.items()}
    years = sorted(set(window) | set(entered))
    try:
        node = formula_lib.parse(spec.formula)
    except formula_lib.FormulaError as exc:
        reason = Text(f"计算公式有误（{exc}），应由创建办更正", f"the formula is not valid ({exc})")
        return Computed({}, entered_t, {}, dict.fromkeys(years, reason))
    inputs = {item.key: item for item in spec.inputs}
    values = {item.key: _counted(item.observations, counting) for item in spec.inputs}
    base = base_year(spec, window)
    result = Computed({}, entered_t, {})
    for year in years:
        _compute_year(spec, node, year, base, inputs, values, entered_t, result)
    return result


def _counted(observations: Sequence[Observation], counting: frozenset[str]) -> dict[int, Decimal]:
    counted: dict[int, Decimal] = {}
    for obs in sorted(observations, key=lambda o: o.status != "approved"):
        if obs.status in counting and obs.value is not None and obs.year not in counted:
            counted[obs.year] = obs.value
    return counted


def _compute_year(spec, node, year, base, inputs, values, entered, result: Computed) -> None:
    refs = formula_lib.references(node)
    unknown = sorted({ref.key for ref in refs if ref.key not in inputs})
    if unknown:
        keys = "、".join(unknown)
        result.problems[year] = Text(
            f"计算公式引用了未声明的数据项（{keys}），应由创建办更正",
            f"the formula reads undeclared data elements ({', '.join(unknown)})",
        )
        return
    needed = {(ref.key, base if ref.base else year) for ref in refs}
    lacking: dict[int, bool] = {}
    for key, at in needed:
        if at in values[key]:
            continue
        was_entered = any(obs.year == at for obs in inputs[key].observations)
        # pending (entered, not counted) only when nothing needed that year is plainly missing
        lacking[at] = lacking.get(at, True) and was_entered
    if lacking:
        result.lacks[year] = tuple(sorted(lacking.items()))
        return

    def value_of(ref: formula_lib.Ref) -> Decimal:
        return values[ref.key][base if ref.base else year]

    try:
        value = formula_lib.evaluate(node, value_of)
    except formula_lib.DivisionByZero:
        name = Text(spec.name, spec.name_en or spec.name)
        result.problems[year] = Text(
            f"{year}年{name.zh}无法计算：除数为0",
            f"{name.en} cannot be computed for {year}: division by zero",
        )
        return
    result.counted[year] = value
    result.arithmetic[year] = _arithmetic(spec, node, year, base, inputs, value_of, value)


def _arithmetic(spec, node, year, base, inputs, value_of, value: Decimal) -> Text:
    """ "2021年PM2.5浓度下降幅度 = (47.4 − 36.9) ÷ 47.4 × 100 = 22.2%（2019年PM2.5年均浓度
    47.4 μg/m³、2021年PM2.5年均浓度36.9 μg/m³）"."""
    numbers = formula_lib.render(node, lambda ref: _exact(value_of(ref)))
    result = text.fmt_value(value, spec)
    used: dict[tuple[int, str], formula_lib.Ref] = {}
    for ref in formula_lib.references(node):
        used.setdefault((base if ref.base else year, ref.key), ref)
    zh_parts, en_parts = [], []
    for (at, key), ref in sorted(used.items()):
        item: InputSpec = inputs[key]
        amount = value_of(ref)
        quantity = text.fmt_quantity(amount, item.unit, _places(amount))
        zh_parts.append(f"{at}年{item.name}{quantity}")
        en_parts.append(f"{item.name_en or item.name} {quantity} in {at}")
    name_zh, name_en = spec.name, spec.name_en or spec.name
    return Text(
        f"{year}年{name_zh} = {numbers} = {result.zh}（{'、'.join(zh_parts)}）",
        f"{name_en} in {year} = {numbers} = {result.en} (from {', '.join(en_parts)})",
    )


def _exact(number: Decimal) -> str:
    return "0" if number == 0 else f"{number.normalize():f}"


def _places(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0
