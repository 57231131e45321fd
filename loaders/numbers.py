"""Printed amounts: `3,584.96`, `3, 584. 96`, `0.00`, blank, `——`.

Blank (not reported), zero and not-applicable stay distinct: `parse_amount` returns the cell's
state next to its value, and only a printed number has a value.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_UP, Decimal, InvalidOperation
from functools import lru_cache

BLANK = "blank"
VALUE = "value"
NOT_APPLICABLE = "not_applicable"
TEXT = "text"  # something printed that is not a number

_NA = {"——", "—", "-", "--", "/", "－", "一", "—-", "-—", "\\", "－－", "─", "──"}
_NUM = re.compile(r"^[+-]?\d+(\.\d+)?$")

# amount units as printed (金额单位：万元) -> how many 万元 one printed unit is
UNIT_TO_WAN = {"万元": Decimal(1), "元": Decimal("0.0001"), "千元": Decimal("0.1"), "亿元": Decimal(10000)}


@dataclass(frozen=True)
class Amount:
    state: str
    value: Decimal | None = None  # the number as printed, in the printed unit
    decimals: int | None = None  # digits after the point as printed (drives the rounding envelope)

    @property
    def is_value(self) -> bool:
        return self.state == VALUE


MAX_INTEGER_DIGITS = 14  # DECIMAL(20,6)


@lru_cache(maxsize=1 << 16)
def normalize(text: str) -> str:
    """Full-width digits and separators folded (`１２３．４５` -> `123.45`, NFKC), and the minus
    sign U+2212 read as a hyphen-minus."""
    return unicodedata.normalize("NFKC", text or "").replace("\u2212", "-").strip()


@lru_cache(maxsize=1 << 16)  # a pure function of the printed text; Amount is frozen
def parse_amount(text: str) -> Amount:
    raw = normalize(text)
    if raw == "":
        return Amount(BLANK)
    if raw in _NA or set(raw) <= {"—", "-", "－", "─"}:
        return Amount(NOT_APPLICABLE)
    s = re.sub(r"\s+", "", raw).replace(",", "").replace("，", "")
    neg = False
    if s.startswith("(") and s.endswith(")"):
        neg, s = True, s[1:-1]
    if not _NUM.match(s):
        return Amount(TEXT)
    if len(s.lstrip("+-").split(".", 1)[0].lstrip("0")) > MAX_INTEGER_DIGITS:
        # phone or ID numbers run together ("2639928 17303516316"), never an amount or a score: they
        # would not fit the warehouse's DECIMAL(20,6) and made the raw writer fail
        return Amount(TEXT)
    try:
        value = Decimal(s)
    except InvalidOperation:  # pragma: no cover - guarded by the regex
        return Amount(TEXT)
    if neg:
        value = -value
    decimals = len(s.split(".", 1)[1]) if "." in s else 0
    return Amount(VALUE, value, decimals)


def to_wan(value: Decimal | None, unit: str) -> Decimal | None:
    if value is None:
        return None
    return (value * UNIT_TO_WAN[unit]).quantize(Decimal("0.000001"))


def half_unit_wan(decimals: int | None, unit: str) -> Decimal | None:
    """Half of the last printed digit, in 万元: the rounding a printed figure may carry. Rounded up
    to the warehouse's 6 decimals (half a 分 printed in 元 is 0.0000005 万元 -> 0.000001)."""
    if decimals is None:
        return None
    return (Decimal(5) * Decimal(10) ** (-(decimals + 1)) * UNIT_TO_WAN[unit]).quantize(Decimal("0.000001"), rounding=ROUND_UP)


_AMOUNT_IN_TEXT = re.compile(r"([0-9][0-9,，]*(?:\.[0-9]+)?)\s*(万元|亿元|千元|元)")


def amounts_in_text(text: str) -> list[tuple[str, Decimal, str]]:
    """(printed, value, unit) for each `<number><unit>` in a sentence of narrative."""
    out = []
    for m in _AMOUNT_IN_TEXT.finditer(normalize(text)):
        a = parse_amount(m.group(1))
        if a.is_value:
            out.append((m.group(0), a.value, m.group(2)))
    return out
