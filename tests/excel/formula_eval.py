"""A tiny evaluator for the subset of Excel formulas the LKE workbook uses, for the tests.

Supports numbers, "strings", cell references and ranges (optionally ``Sheet!``-qualified, with
``$``), + - * / and comparisons (= <> < <= > >=), and the functions IF, SUM, VLOOKUP (exact match,
case-insensitive like Excel) and COUNTBLANK. Arithmetic is Decimal; a blank cell is 0 in
arithmetic and equal to "". Anything else raises, so a formula outside the subset fails the test.
"""

from __future__ import annotations

import re
from decimal import Decimal

from openpyxl.utils import column_index_from_string, get_column_letter

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<str>\"[^\"]*\")|"
    r"(?P<ref>(?:[A-Za-z_][A-Za-z0-9_]*!)?\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)(?![A-Za-z0-9_(])|"
    r"(?P<func>[A-Z]+)\(|(?P<bool>TRUE|FALSE)\b|(?P<op><>|>=|<=|[-+*/=<>(),&]))"
)


class Range:
    def __init__(self, sheet: str, a: str, b: str):
        self.sheet, self.a, self.b = sheet, a, b

    def cells(self):
        ca, ra = _split(self.a)
        cb, rb = _split(self.b)
        for r in range(ra, rb + 1):
            yield [(self.sheet, f"{get_column_letter(c)}{r}") for c in range(ca, cb + 1)]


def _split(ref: str) -> tuple[int, int]:
    m = re.fullmatch(r"([A-Z]+)(\d+)", ref.replace("$", ""))
    return column_index_from_string(m.group(1)), int(m.group(2))


class Evaluator:
    def __init__(self, workbook):
        self.wb = workbook
        self.cache: dict[tuple[str, str], object] = {}
        self.functions_used: set[str] = set()

    def value(self, sheet: str, ref: str):
        key = (sheet, ref.replace("$", ""))
        if key not in self.cache:
            raw = self.wb[sheet][key[1]].value
            if isinstance(raw, str) and raw.startswith("="):
                self.cache[key] = self.evaluate(raw[1:], sheet)
            elif isinstance(raw, float):
                self.cache[key] = Decimal(repr(raw))
            elif isinstance(raw, int) and not isinstance(raw, bool):
                self.cache[key] = Decimal(raw)
            else:
                self.cache[key] = raw
        return self.cache[key]

    # --- parsing into thunks (so IF evaluates only the branch it takes, like Excel) ----------
    def evaluate(self, text: str, sheet: str):
        tokens = self._tokenize(text)
        parser = _Parser(self, tokens, sheet)
        thunk = parser.comparison()
        if parser.pos != len(tokens):
            raise ValueError(f"unparsed rest of {text!r}")
        return thunk()

    @staticmethod
    def _tokenize(text: str):
        out, i = [], 0
        while i < len(text):
            m = _TOKEN.match(text, i)
            if not m or m.end() == i:
                raise ValueError(f"cannot tokenize {text[i:]!r}")
            kind = m.lastgroup
            out.append((kind, m.group(kind)))
            i = m.end()
        return out

    def call(self, name: str, args: list):
        self.functions_used.add(name)
        if name == "IF":
            cond, then_, else_ = args
            return then_() if _truthy(cond()) else else_()
        values = [a() for a in args]
        if name == "SUM":
            total = Decimal(0)
            for a in values:
                if isinstance(a, Range):
                    for row in a.cells():
                        for s, r in row:
                            v = self.value(s, r)
                            if isinstance(v, Decimal):
                                total += v
                else:
                    total += _num(a)
            return total
        if name == "COUNTBLANK":
            (rng,) = values
            return Decimal(sum(1 for row in rng.cells() for s, r in row if self.value(s, r) in (None, "")))
        if name == "VLOOKUP":
            key, rng, col, exact = values
            assert exact is False, "only exact VLOOKUP is supported"
            for row in rng.cells():
                first = self.value(*row[0])
                if isinstance(first, str) and isinstance(key, str) and first.casefold() == key.casefold():
                    return self.value(*row[int(col) - 1])
            raise LookupError(f"#N/A: {key!r}")
        raise ValueError(f"unsupported function {name}")


class _Parser:
    def __init__(self, ev: Evaluator, tokens, sheet: str):
        self.ev, self.tokens, self.sheet, self.pos = ev, tokens, sheet, 0

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def take(self):
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def comparison(self):
        left = self.additive()
        kind, op = self.peek()
        if kind == "op" and op in ("=", "<>", "<", "<=", ">", ">="):
            self.take()
            right = self.additive()
            return lambda: _compare(left(), op, right())
        return left

    def additive(self):
        value = self.term()
        while self.peek()[0] == "op" and self.peek()[1] in ("+", "-", "&"):
            op = self.take()[1]
            right = self.term()
            if op == "+":
                value = (lambda a, b: lambda: _num(a()) + _num(b()))(value, right)
            elif op == "-":
                value = (lambda a, b: lambda: _num(a()) - _num(b()))(value, right)
            else:
                value = (lambda a, b: lambda: f"{a() or ''}{b() or ''}")(value, right)
        return value

    def term(self):
        value = self.unary()
        while self.peek()[0] == "op" and self.peek()[1] in ("*", "/"):
            op = self.take()[1]
            right = self.unary()
            if op == "*":
                value = (lambda a, b: lambda: _num(a()) * _num(b()))(value, right)
            else:
                value = (lambda a, b: lambda: _num(a()) / _num(b()))(value, right)
        return value

    def unary(self):
        if self.peek() == ("op", "-"):
            self.take()
            inner = self.unary()
            return lambda: -_num(inner())
        return self.primary()

    def primary(self):
        kind, text = self.take()
        if kind == "num":
            return lambda: Decimal(text)
        if kind == "str":
            return lambda: text[1:-1]
        if kind == "bool":
            return lambda: text == "TRUE"
        if kind == "ref":
            sheet, _, ref = text.rpartition("!")
            sheet = sheet or self.sheet
            if ":" in ref:
                a, b = ref.split(":")
                return lambda: Range(sheet, a, b)
            return lambda: self.ev.value(sheet, ref)
        if kind == "op" and text == "(":
            value = self.comparison()
            assert self.take() == ("op", ")")
            return value
        if kind == "func":
            args = []
            if self.peek() == ("op", ")"):
                self.take()
            else:
                while True:
                    args.append(self.comparison())
                    sep = self.take()[1]
                    if sep == ")":
                        break
                    assert sep == ",", sep
            return lambda: self.ev.call(text, args)
        raise ValueError(f"unexpected token {text!r}")


def _num(v) -> Decimal:
    if v is None or v == "":
        return Decimal(0)
    if isinstance(v, bool):
        return Decimal(int(v))
    if isinstance(v, Decimal):
        return v
    if isinstance(v, (int, float)):
        return Decimal(repr(v))
    raise TypeError(f"#VALUE!: {v!r}")


def _truthy(v) -> bool:
    return bool(v) if isinstance(v, bool) else _num(v) != 0


def _compare(a, op, b) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        a = "" if a is None else a
        b = "" if b is None else b
        if not (isinstance(a, str) and isinstance(b, str)):
            if op in ("=", "<>"):
                return op == "<>"  # a number never equals a text
            raise TypeError("ordering a number against a text is outside the subset")
        a, b = a.casefold(), b.casefold()
    else:
        a, b = _num(a), _num(b)
    return {"=": a == b, "<>": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
