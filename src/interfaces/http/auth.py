"""Authentication port for the HTTP API.

``Authenticator`` is the port; ``create_app`` takes one. ``StaticTokenAuthenticator`` is the interim
implementation that reads bearer tokens from configuration (``JUMINZEI_API_TOKENS``) — it is **replaced by
staff sessions** (password + TOTP sign-in, DESIGN §9) once that work lands. Do not use it in production.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

TOKENS_ENV = "JUMINZEI_API_TOKENS"


@dataclass(frozen=True)
class Principal:
    """The signed-in staff member behind a request.

    ``session`` is the staff-session principal (with grants) when the token is a staff session; the
    route policy (``interfaces.http.policy``) authorizes every request made with one."""

    staff_id: str
    terminal: str | None = None
    session: Any = None


class Authenticator(Protocol):
    def authenticate(self, token: str) -> Principal | None:
        """The principal for a bearer token, or None when the token is unknown or expired."""
        ...


class StaticTokenAuthenticator:
    """Tokens from configuration: ``"token1:staff01,token2:staff02[:terminal]"``.

    Interim only — replaced by staff sessions. Comparison is constant-time.
    """

    def __init__(self, tokens: dict[str, Principal]) -> None:
        self._tokens = dict(tokens)

    @classmethod
    def parse(cls, spec: str) -> StaticTokenAuthenticator:
        tokens: dict[str, Principal] = {}
        for entry in spec.split(","):
            entry = entry.strip()
            if not entry:
                continue
            parts = entry.split(":")
            if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
                raise ValueError(f"{TOKENS_ENV}: entries must look like token:staff_id[:terminal]")
            terminal = parts[2] if len(parts) == 3 and parts[2] else "api"
            tokens[parts[0]] = Principal(staff_id=parts[1], terminal=terminal)
        return cls(tokens)

    @classmethod
    def from_env(cls) -> StaticTokenAuthenticator:
        return cls.parse(os.environ.get(TOKENS_ENV, ""))

    def authenticate(self, token: str) -> Principal | None:
        found: Principal | None = None
        for candidate, principal in self._tokens.items():
            if hmac.compare_digest(candidate.encode(), token.encode()):
                found = principal
        return found


class StaffSessionAuthenticator:
    """Bearer tokens are staff sessions (password + TOTP sign-in; expiry and idle timeout enforced).

    ``juminzei staff sign-in`` (or the application's ``StaffService.sign_in``) issues the token; an
    expired, idle, signed-out or locked session authenticates nobody.
    """

    def __init__(self, staff_service: Callable[[], Any], clock: Callable[[], datetime] | None = None) -> None:
        self._staff = staff_service
        self._clock = clock or (lambda: datetime.now(UTC))

    def authenticate(self, token: str) -> Principal | None:
        from domain.shared.events import DomainError

        try:
            principal = self._staff().check_session(token, self._clock())
        except DomainError:
            return None
        return Principal(staff_id=principal.staff_id, terminal=principal.terminal, session=principal)


class ChainAuthenticator:
    """The first authenticator that recognises the token wins (staff sessions; interim static tokens)."""

    def __init__(self, *authenticators: Authenticator) -> None:
        self._authenticators = authenticators

    def authenticate(self, token: str) -> Principal | None:
        for authenticator in self._authenticators:
            principal = authenticator.authenticate(token)
            if principal is not None:
                return principal
        return None
