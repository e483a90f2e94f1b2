"""Authentication port for the HTTP API.

``Authenticator`` is the port; ``create_app`` takes one. ``StaffSessionAuthenticator`` accepts staff
sessions (password + TOTP sign-in). ``StaticTokenAuthenticator`` reads development tokens from configuration
(``JUMINZEI_API_TOKENS``) for local development and tests only: ``juminzei serve`` refuses to start with
tokens configured unless ``JUMINZEI_ALLOW_DEV_TOKENS=true`` (ADR 0023). A token is not a sign-in: it names an
enrolled staff member, and every request made with it is decided by the access policy on that member's
grants as they are now.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

TOKENS_ENV = "JUMINZEI_API_TOKENS"
ALLOW_ENV = "JUMINZEI_ALLOW_DEV_TOKENS"


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
    """Development tokens from configuration: ``"token1:staff01,token2:staff02[:terminal]"``.

    Development and tests only (no second factor); each names an enrolled staff member whose grants the
    policy checks. Comparison is constant-time.
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
    def configured(cls, spec: str, *, allowed: bool) -> StaticTokenAuthenticator:
        """The configured tokens; refused (at startup) when tokens are set without the explicit opt-in."""
        if spec.strip() and not allowed:
            raise ValueError(
                f"{TOKENS_ENV} が設定されていますが、開発用トークンは有効になっていません。"
                f"開発・試験用の環境に限り {ALLOW_ENV}=true を設定してください"
                "（本番では設定せず、職員のサインインによるセッションを使用してください）。"
            )
        return cls.parse(spec if allowed else "")

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
