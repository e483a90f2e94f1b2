"""Deterministic aggregate identifiers (DESIGN §4: uuid5 of the natural key).

A rerun of any command derives the same id from the same natural key, so it finds the existing aggregate
instead of creating a twin. Natural keys never contain a My Number or other personal data.
"""

from __future__ import annotations

from uuid import UUID, uuid5

#: Namespace for every juminzei aggregate id. Never change it: ids of stored aggregates derive from it.
JUMINZEI_NAMESPACE = UUID("6f1c2b0e-3a57-5b8e-9a61-7d4c0f2e9b11")


def deterministic_id(kind: str, *natural_key: str) -> UUID:
    """uuid5 of ``kind`` and the natural key parts, e.g. ``deterministic_id("taxpayer", "000123")``."""
    return uuid5(JUMINZEI_NAMESPACE, "|".join((kind, *natural_key)))
