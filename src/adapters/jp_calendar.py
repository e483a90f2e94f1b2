"""Japanese public-holiday calendar for 納期限 adjustment (adapter around ``jpholiday``).

地方税法20条の5第2項: a deadline falling on a Saturday, Sunday, a national holiday (国民の祝日に関する法律
の休日, incl. 振替休日・国民の休日) or 12月29日〜1月3日 moves to the next day that is none of these.
The domain takes this predicate as a parameter (``domain.taxrules.due_dates.adjust_due_date``).
"""

from __future__ import annotations

from datetime import date

import jpholiday

from domain.taxrules.due_dates import adjust_due_date, is_year_end_closure


def is_public_holiday_or_closed(d: date) -> bool:
    """True on weekends, national holidays (jpholiday) and 12/29–1/3 (地方税法20条の5第2項)."""
    return d.weekday() >= 5 or is_year_end_closure(d) or bool(jpholiday.is_holiday(d))


def legal_due_date(d: date) -> date:
    """``d`` moved to the next business day when closed."""
    return adjust_due_date(d, is_public_holiday_or_closed)
