"""Registry of rule sets by 年度 (fiscal year)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from domain.taxrules.params import RuleSet
from domain.taxrules.years.r6 import R6
from domain.taxrules.years.r7 import R7
from domain.taxrules.years.r8 import R8

RULE_SETS: Mapping[int, RuleSet] = MappingProxyType({rs.fiscal_year: rs for rs in (R6, R7, R8)})


class UnsupportedFiscalYear(ValueError):
    """No rule set exists for the requested 年度."""


def rule_set_for(fiscal_year: int) -> RuleSet:
    """The :class:`RuleSet` for a 年度 (e.g. 2026 = 令和8年度); raises :class:`UnsupportedFiscalYear`."""
    try:
        return RULE_SETS[fiscal_year]
    except KeyError:
        raise UnsupportedFiscalYear(
            f"no rule set for fiscal year {fiscal_year}; supported: {sorted(RULE_SETS)}"
        ) from None


RULE_SETS_BY_ID: Mapping[str, RuleSet] = MappingProxyType({rs.id: rs for rs in RULE_SETS.values()})


def rule_set_by_id(rule_set_id: str) -> RuleSet:
    """The rule set a levy recorded (e.g. ``"R8-2026.1"``), for replay/explain (DESIGN §7)."""
    try:
        return RULE_SETS_BY_ID[rule_set_id]
    except KeyError:
        raise UnsupportedFiscalYear(f"unknown rule set id {rule_set_id!r}") from None
