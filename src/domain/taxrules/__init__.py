"""特別区民税・都民税 tax rules engine (pure domain code; DESIGN §5).

Public API: :func:`compute`, :func:`rule_set_for`, :data:`RULE_SETS`, the input/output types, and the
collection helpers in :mod:`.installments`, :mod:`.late_fee`, :mod:`.due_dates`.
"""

from domain.taxrules.registry import RULE_SETS, rule_set_by_id, rule_set_for

__all__ = ["RULE_SETS", "rule_set_by_id", "rule_set_for"]
