"""Integer-yen rounding helpers (端数計算).

All money is ``int`` yen; rates are :class:`fractions.Fraction`. Never float (DESIGN §2.5).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

Rate = Fraction


def floor_to(amount: int, unit: int) -> int:
    """``unit`` 円未満切捨て for non-negative amounts (地方税法 第20条の4の2)."""
    if amount <= 0:
        return 0
    return amount - amount % unit


def mul_floor(amount: int, rate: Fraction) -> int:
    """amount × rate, 1円未満切捨て."""
    return int((amount * rate).__floor__())


def mul_ceil(amount: int, rate: Fraction) -> int:
    """amount × rate, 1円未満切上げ (used for 税額控除 amounts, taxpayer-favourable)."""
    return int((amount * rate).__ceil__())


def ceil_to(amount: Fraction | int, unit: int) -> int:
    """Round up to a multiple of ``unit`` (e.g. 配偶者特別控除 1万円未満切上げ)."""
    q = Fraction(amount) / unit
    return int(q.__ceil__()) * unit


def pct(value: Fraction) -> str:
    """Human-readable percentage for traces, e.g. ``Fraction(3, 100)`` → ``"3%"``."""
    p = value * 100
    d = p.denominator
    while d % 2 == 0:
        d //= 2
    while d % 5 == 0:
        d //= 5
    if d == 1:  # terminating decimal: show it exactly, e.g. 69.58%
        text = str(Decimal(p.numerator) / Decimal(p.denominator))
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return f"{text}%"
    return f"{p.numerator}/{p.denominator}%"


def ratio(value: Fraction) -> str:
    """A ratio for traces: ``"3/5"``."""
    return f"{value.numerator}/{value.denominator}"
