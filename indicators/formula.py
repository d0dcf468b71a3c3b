"""The formula of a computed indicator: a tiny arithmetic language, parsed and evaluated here
without Python's ``eval``.

A computed indicator (as a DHIS2 indicator) is never entered: its yearly value is calculated
from the values of data elements. The language has numbers, the four operations (``+ - * /``;
``− × ÷`` are accepted too), parentheses, unary minus, a data element's key (its value in the
year being computed) and ``base(key)`` (its value in the base year)::

    (base(pm25_annual_mean) - pm25_annual_mean) / base(pm25_annual_mean) * 100
    green_procurement_amount / procurement_amount * 100

Pure (no Django): the framework loader validates formulas with it and the scoring engine
evaluates them with it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

OPERATORS = {"+": "+", "-": "-", "*": "*", "/": "/", "−": "-", "×": "*", "÷": "/"}
SHOWN = {"+": "+", "-": "−", "*": "×", "/": "÷"}  # how the arithmetic is written for people
BASE = "base"
_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<name>[a-z][a-z0-9_]*)|(?P<op>[-+*/()−×÷]))"
)
MAX_LENGTH = 500


class FormulaError(ValueError):
    """The formula is not valid: a syntax error, with where it was found."""


class DivisionByZero(ArithmeticError):
    """A divisor was zero for the year computed: no value that year."""


@dataclass(frozen=True)
class Number:
    value: Decimal


@dataclass(frozen=True)
class Ref:
    """A data element's value in the year computed, or in the base year (``base(key)``)."""

    key: str
    base: bool = False


@dataclass(frozen=True)
class Negate:
    operand: Node


@dataclass(frozen=True)
class Binary:
    operator: str  # + - * /
    left: Node
    right: Node


Node = Number | Ref | Negate | Binary


@functools.lru_cache(maxsize=1024)
def parse(formula: str) -> Node:
    """The formula's tree; FormulaError when it is not valid. Kept for the formula's next
    use (trees are immutable): every region and year of a batch reads the same formulas."""
    if not formula or not formula.strip():
        raise FormulaError("the formula is empty")
    if len(formula) > MAX_LENGTH:
        raise FormulaError(f"the formula is longer than {MAX_LENGTH} characters")
    parser = _Parser(list(_tokens(formula)))
    node = parser.expression()
    if parser.peek() is not None:
        raise FormulaError(f"unexpected {parser.peek()[1]!r} after a complete expression")
    return node


def references(node: Node) -> list[Ref]:
    """Every element reference, in order of appearance, without repeats."""
    found: dict[Ref, None] = {}
    for leaf in _walk(node):
        if isinstance(leaf, Ref):
            found.setdefault(leaf)
    return list(found)


def keys(node: Node) -> list[str]:
    """The data element keys the formula reads, in order of appearance."""
    return list(dict.fromkeys(ref.key for ref in references(node)))


def uses_base(node: Node) -> bool:
    return any(ref.base for ref in references(node))


def evaluate(node: Node, value_of: Callable[[Ref], Decimal]) -> Decimal:
    """The formula's value, reading each reference through ``value_of``; DivisionByZero when
    a divisor is zero."""
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Ref):
        return value_of(node)
    if isinstance(node, Negate):
        return -evaluate(node.operand, value_of)
    left, right = evaluate(node.left, value_of), evaluate(node.right, value_of)
    if node.operator == "+":
        return left + right
    if node.operator == "-":
        return left - right
    if node.operator == "*":
        return left * right
    if right == 0:
        raise DivisionByZero("division by zero")
    return left / right


def render(node: Node, show: Callable[[Ref], str]) -> str:
    """The formula written for people (− × ÷, parentheses only where needed), each reference
    written by ``show``: its name, or its value for the arithmetic of one year."""
    return _render(node, show, 0)


_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}


def _render(node: Node, show: Callable[[Ref], str], outer: int, right: bool = False) -> str:
    if isinstance(node, Number):
        return _plain(node.value)
    if isinstance(node, Ref):
        return show(node)
    if isinstance(node, Negate):
        return f"−{_render(node.operand, show, 3)}"
    mine = _PRECEDENCE[node.operator]
    text = (
        f"{_render(node.left, show, mine)} {SHOWN[node.operator]} "
        f"{_render(node.right, show, mine, right=True)}"
    )
    # a − (b − c) and a ÷ (b × c) keep their parentheses; (a − b) − c does not need them.
    needs = mine < outer or (right and mine == outer)
    return f"({text})" if needs else text


def _plain(number: Decimal) -> str:
    return "0" if number == 0 else f"{number.normalize():f}"


def _walk(node: Node) -> Iterator[Node]:
    yield node
    if isinstance(node, Negate):
        yield from _walk(node.operand)
    elif isinstance(node, Binary):
        yield from _walk(node.left)
        yield from _walk(node.right)


def _tokens(formula: str) -> Iterator[tuple[str, str]]:
    position = 0
    text = formula.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            bad = text[position:].lstrip()[:1]
            raise FormulaError(f"unexpected character {bad!r} at position {position + 1}")
        kind = match.lastgroup
        yield kind, match.group(kind)
        position = match.end()


class _Parser:
    """Recursive descent: expression := term (± term)*; term := factor (×÷ factor)*;
    factor := −factor | number | key | base(key) | (expression)."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens, self.at = tokens, 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise FormulaError("the formula ends too early")
        self.at += 1
        return token

    def expect(self, symbol: str) -> None:
        kind, value = self.take()
        if kind != "op" or value != symbol:
            raise FormulaError(f"expected {symbol!r}, found {value!r}")

    def expression(self) -> Node:
        node = self.term()
        while (token := self.peek()) and token[0] == "op" and OPERATORS.get(token[1]) in ("+", "-"):
            self.take()
            node = Binary(OPERATORS[token[1]], node, self.term())
        return node

    def term(self) -> Node:
        node = self.factor()
        while (token := self.peek()) and token[0] == "op" and OPERATORS.get(token[1]) in ("*", "/"):
            self.take()
            node = Binary(OPERATORS[token[1]], node, self.factor())
        return node

    def factor(self) -> Node:
        kind, value = self.take()
        if kind == "number":
            try:
                return Number(Decimal(value))
            except InvalidOperation:  # pragma: no cover - the token pattern admits digits only
                raise FormulaError(f"{value!r} is not a number") from None
        if kind == "name":
            if value == BASE:
                self.expect("(")
                inner_kind, key = self.take()
                if inner_kind != "name" or key == BASE:
                    raise FormulaError(f"base( must name a data element, found {key!r}")
                self.expect(")")
                return Ref(key, base=True)
            return Ref(value)
        if OPERATORS.get(value) == "-":
            return Negate(self.factor())
        if OPERATORS.get(value) == "+":
            return self.factor()
        if value == "(":
            node = self.expression()
            self.expect(")")
            return node
        raise FormulaError(f"unexpected {value!r}")


def check(formula: str, known: Mapping[str, object] | None = None) -> list[str]:
    """Every problem of ``formula`` as a message (empty when valid): syntax, and keys not in
    ``known`` when it is given."""
    try:
        node = parse(formula)
    except FormulaError as exc:
        return [str(exc)]
    if known is None:
        return []
    return [f"unknown data element {key!r}" for key in keys(node) if key not in known]
