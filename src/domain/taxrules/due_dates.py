"""納期限の調整 (地方税法20条の5第2項, 特別区税条例): a due date falling on a Saturday, Sunday, national
holiday or 12/29–1/3 moves to the next business day.

Pure: the holiday knowledge is injected as a predicate (``adapters.jp_calendar.is_public_holiday_or_closed``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

ClosedDay = Callable[[date], bool]

CITATION = "地方税法20条の5第2項 (期限が土日・祝日・12月29日〜1月3日に当たるときは翌日); 特別区税条例 [M]"


def is_year_end_closure(d: date) -> bool:
    """12月29日〜1月3日 (地方税法20条の5第2項・条例の休日)."""
    return (d.month == 12 and d.day >= 29) or (d.month == 1 and d.day <= 3)


def is_closed_without_holidays(d: date) -> bool:
    """Weekend or year-end closure only (fallback predicate without a holiday calendar)."""
    return d.weekday() >= 5 or is_year_end_closure(d)


def adjust_due_date(d: date, is_closed: ClosedDay) -> date:
    """The legal 納期限: ``d`` or the next day that is not closed (地方税法20条の5第2項)."""
    current = d
    for _ in range(31):  # at most a few days; guard against a predicate that is always True
        if not is_closed(current):
            return current
        current += timedelta(days=1)
    raise ValueError("no business day within 31 days of the due date; check the holiday predicate")
