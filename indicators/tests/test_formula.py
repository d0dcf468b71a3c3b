"""The formula language of computed indicators (indicators.formula): parsing, evaluation,
references, errors and the way it is written for people. Pure: no database, and no ``eval``."""

from __future__ import annotations

from decimal import Decimal

import pytest

from indicators import formula
from indicators.formula import Binary, DivisionByZero, FormulaError, Negate, Number, Ref

DECLINE = "(base(pm25_annual_mean) - pm25_annual_mean) / base(pm25_annual_mean) * 100"


def value(text: str, **values) -> Decimal:
    def read(ref: Ref) -> Decimal:
        return Decimal(str(values[f"base_{ref.key}" if ref.base else ref.key]))

    return formula.evaluate(formula.parse(text), read)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("10 - 4 - 3", 3),  # left to right
        ("100 / 4 / 5", 5),
        ("-2 * -3", 6),
        ("+2", 2),
        ("7 − 2 × 3 ÷ 2", 4),  # the signs people write
        ("0.5 * 4", 2),
    ],
)
def test_arithmetic_follows_the_usual_precedence(text, expected):
    assert value(text) == Decimal(expected)


def test_the_pm25_decline_reads_this_year_and_the_base_year():
    assert value(DECLINE, pm25_annual_mean="36.9", base_pm25_annual_mean="47.4") == (
        (Decimal("47.4") - Decimal("36.9")) / Decimal("47.4") * 100
    )


def test_the_tree_of_a_formula():
    assert formula.parse("a / base(b) - -1") == Binary(
        "-", Binary("/", Ref("a"), Ref("b", base=True)), Negate(Number(Decimal(1)))
    )


def test_references_keys_and_base_use():
    node = formula.parse(DECLINE)
    assert formula.references(node) == [Ref("pm25_annual_mean", True), Ref("pm25_annual_mean")]
    assert formula.keys(node) == ["pm25_annual_mean"]
    assert formula.uses_base(node)
    assert not formula.uses_base(formula.parse("a / b * 100"))


def test_division_by_zero_is_its_own_error():
    with pytest.raises(DivisionByZero):
        value("a / b", a=1, b=0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("1 +", "ends too early"),
        ("(a", "ends too early"),
        ("a)", "unexpected ')'"),
        ("a b", "unexpected 'b'"),
        ("a ** b", "unexpected '*'"),
        ("__import__('os')", "unexpected character '_'"),
        ("A + 1", "unexpected character 'A'"),
        ("base(1)", "must name a data element"),
        ("base(base)", "must name a data element"),
        ("a; b", "unexpected character ';'"),
        ("x" * 501, "longer than"),
    ],
)
def test_bad_formulas_are_refused_with_a_reason(text, message):
    with pytest.raises(FormulaError, match=message.replace("(", r"\(").replace(")", r"\)")):
        formula.parse(text)


def test_check_lists_syntax_and_unknown_elements():
    assert formula.check("a / b * 100", {"a": 1, "b": 2}) == []
    assert formula.check("a / b * 100", {"a": 1}) == ["unknown data element 'b'"]
    assert formula.check("a /", {"a": 1}) == ["the formula ends too early"]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (DECLINE, "(基准年x − x) ÷ 基准年x × 100"),
        ("a - (b - c)", "a − (b − c)"),
        ("(a - b) - c", "a − b − c"),
        ("a / (b * c)", "a ÷ (b × c)"),
        ("-(a + b) * 2", "−(a + b) × 2"),
        ("a * 1.50", "a × 1.5"),
    ],
)
def test_formulas_are_written_for_people(text, shown):
    def show(ref: Ref) -> str:
        name = "x" if ref.key == "pm25_annual_mean" else ref.key
        return f"基准年{name}" if ref.base else name

    assert formula.render(formula.parse(text), show) == shown
