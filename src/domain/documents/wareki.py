"""Japanese era (和暦) and yen formatting for printed documents (pure).

DESIGN §2.5: eras appear only at the edges — documents and file formats. Era start dates follow the
元号 proclamations (明治 1868-01-25 as used by the Gregorian-calendar convention of 明治改元, 大正
1912-07-30, 昭和 1926-12-25, 平成 1989-01-08, 令和 2019-05-01); the first year of an era is printed
「元年」. A 年度 (fiscal year, April–March) is labelled with the era in force at its end (31 March of the
following year) and numbered from that era's first calendar year, which gives the conventional
「令和元年度」 for 2019年度 and 「平成元年度」 for 1989年度.
"""

from __future__ import annotations

from datetime import date

_ERAS: tuple[tuple[date, str], ...] = (
    (date(2019, 5, 1), "令和"),
    (date(1989, 1, 8), "平成"),
    (date(1926, 12, 25), "昭和"),
    (date(1912, 7, 30), "大正"),
    (date(1868, 1, 25), "明治"),
)


def _era_of(d: date) -> tuple[str, int]:
    for start, name in _ERAS:
        if d >= start:
            return name, d.year - start.year + 1
    raise ValueError(f"date before 明治: {d.isoformat()}")


def _year_text(n: int) -> str:
    return "元" if n == 1 else str(n)


def era_date(d: date) -> str:
    """``date(2026, 6, 30)`` → ``"令和8年6月30日"``; first era years print as 元年."""
    name, n = _era_of(d)
    return f"{name}{_year_text(n)}年{d.month}月{d.day}日"


def era_year(d: date) -> str:
    """``date(2026, 6, 30)`` → ``"令和8年"`` (the era year of a calendar date)."""
    name, n = _era_of(d)
    return f"{name}{_year_text(n)}年"


def fiscal_year_label(fiscal_year: int) -> str:
    """年度 label: ``2026`` → ``"令和8年度"``; ``2019`` → ``"令和元年度"``; ``2018`` → ``"平成30年度"``."""
    end = date(fiscal_year + 1, 3, 31)
    for start, name in _ERAS:
        if end >= start:
            return f"{name}{_year_text(fiscal_year - start.year + 1)}年度"
    raise ValueError(f"fiscal year before 明治: {fiscal_year}")


def yen(amount: int) -> str:
    """``123400`` → ``"123,400円"``; negative amounts with the 三角 sign used on tax notices (``"△1,200円"``)."""
    if amount < 0:
        return f"△{-amount:,}円"
    return f"{amount:,}円"


def amount_text(amount: int) -> str:
    """Digits with separators and no unit (table cells): ``123400`` → ``"123,400"``, ``-5`` → ``"△5"``."""
    if amount < 0:
        return f"△{-amount:,}"
    return f"{amount:,}"
