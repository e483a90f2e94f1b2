"""Stored names of the staff enums (ADR 0003): import once, before any staff event is stored or loaded.

``application.app`` should import this module so every process registers the names; ``application.staff``
imports it too. Never rename a key: stored events refer to it.
"""

from __future__ import annotations

from application.serialization import register_enum
from domain.staff.values import Role, SessionEnd, SignInFailure

for _name, _enum in {
    "staff_role": Role,
    "staff_sign_in_failure": SignInFailure,
    "staff_session_end": SessionEnd,
}.items():
    register_enum(_name, _enum)
