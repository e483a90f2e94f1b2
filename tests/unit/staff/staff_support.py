"""Shared helpers for the staff tests: a fast service, a clock, enrolment and sign-in shortcuts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

from adapters.auth.passwords import Argon2PasswordHasher
from adapters.auth.sessions import SqlSessionActivity
from adapters.auth.totp import PyotpTotp
from application.staff import SignInResult, StaffService
from domain.shared.events import CommandContext
from domain.shared.purpose import Purpose
from domain.staff.model import staff_member_id
from domain.staff.values import Role, SessionPolicy

# 2026-06-15 10:00 JST.
NOW = datetime(2026, 6, 15, 1, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"
TOTP = PyotpTotp()


def ctx(actor: str, command_id: str = "cmd") -> CommandContext:
    return CommandContext(actor=actor, purpose=Purpose.OPERATIONS, command_id=f"{command_id}:{actor}")


def service(container: Any, policy: SessionPolicy | None = None) -> StaffService:
    return StaffService(
        container.app,
        Argon2PasswordHasher(time_cost=1, memory_cost=8192),
        TOTP,
        SqlSessionActivity(container.db),
        session_policy=policy,
    )


def secret_of(uri: str) -> str:
    return parse_qs(urlparse(uri).query)["secret"][0]


def enroll(staff: StaffService, staff_id: str, *, by: str = "hr-01") -> str:
    """Enrol with password and TOTP; return the TOTP secret (from the provisioning URI)."""
    staff.enroll(
        staff_id=staff_id, name=f"氏名{staff_id}", department="税務課", password=PASSWORD, ctx=ctx(by)
    )
    return secret_of(staff.enroll_second_factor(staff_id=staff_id, ctx=ctx(by)))


def organisation(staff: StaffService) -> dict[str, str]:
    """Two supervisors (the first one bootstrapped) and a 課税 clerk. Returns TOTP secrets by staff id."""
    secrets = {s: enroll(staff, s) for s in ("sup-01", "sup-02", "clerk-01")}
    staff.grant(staff_id="sup-01", role=Role.SUPERVISOR, ctx=ctx("sup-02"), now=NOW)  # bootstrap
    staff.grant(staff_id="sup-02", role=Role.SUPERVISOR, ctx=ctx("sup-01"), now=NOW)
    staff.grant(staff_id="clerk-01", role=Role.TAXATION, unit="市民税係", ctx=ctx("sup-01"), now=NOW)
    return secrets


def sign_in(staff: StaffService, staff_id: str, secret: str, at: datetime = NOW) -> SignInResult:
    return staff.sign_in(
        staff_id=staff_id, password=PASSWORD, totp_code=TOTP.code_at(secret, at), terminal="T-001", now=at
    )


def events(container: Any, staff_id: str) -> list[Any]:
    return list(container.app.repository.event_store.get(staff_member_id(staff_id)))


def later(minutes: int = 0, *, days: int = 0) -> datetime:
    return NOW + timedelta(minutes=minutes, days=days)
