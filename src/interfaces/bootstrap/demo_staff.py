"""Demo staff for the clerk console (``juminzei demo``): a 課税・窓口 clerk and an inspector, each with a
password and a TOTP secret, written to ``var/demo-staff.txt`` (mode 0600) so that a newcomer can sign in
to ``juminzei serve``'s console at once. Demo data only: a real office enrols staff with
``juminzei staff enroll`` / ``enroll-2fa`` and grants through its 所属長.

Rerunning the demo keeps the accounts and the file (a TOTP secret is shown only once, at enrolment).
"""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from domain.shared.events import CommandContext, DomainError
from domain.shared.purpose import Purpose
from domain.staff.values import Role
from interfaces.bootstrap import Container

DEMO_CLERK = "demo-clerk"
DEMO_INSPECTOR = "demo-inspector"
ROLES = {
    DEMO_CLERK: (Role.TAXATION, Role.COUNTER, Role.INDIVIDUAL_NUMBER),
    DEMO_INSPECTOR: (Role.INSPECTOR,),
}


def _ctx(actor: str, label: str) -> CommandContext:
    return CommandContext(
        actor=actor, purpose=Purpose.OPERATIONS, command_id=f"demo-staff:{label}:{secrets.token_hex(4)}"
    )


def _enrolled(c: Container, staff_id: str) -> bool:
    try:
        c.staff.get(staff_id)
    except DomainError:
        return False
    return True


def _account(c: Container, staff_id: str, name: str, password: str) -> str:
    """Enrol one account; return its TOTP secret."""
    ctx = _ctx("demo", staff_id)
    c.staff.enroll(staff_id=staff_id, name=name, department="税務課", password=password, ctx=ctx)
    uri = c.staff.enroll_second_factor(staff_id=staff_id, ctx=ctx)
    return parse_qs(urlparse(uri).query)["secret"][0]


def _grants(c: Container, now: datetime, approver: str) -> None:
    """Grant the demo roles, approved by the demo's signed-in 所属長 ``approver`` (``juminzei demo`` bootstraps it
    on an empty store): the same 権限付与 a real 所属長 does, recorded as events."""
    review = c.staff.review_policy
    for staff_id, roles in ROLES.items():
        for role in roles:
            if not c.staff.get(staff_id).has_role(role, now, review):
                c.staff.grant(
                    staff_id=staff_id, role=role, ctx=_ctx(approver, f"{staff_id}:{role.name}"), now=now
                )


def enrol_demo_staff(c: Container, approver: str, path: Path | None = None) -> Path:
    """Enrol the demo clerk and inspector with grants approved by the demo 所属長 ``approver``; write their
    sign-in details to ``path``."""
    now = datetime.now(UTC)
    target = path or Path(c.settings.var_dir) / "demo-staff.txt"
    if _enrolled(c, DEMO_CLERK):
        if not target.exists():
            raise DomainError(
                f"デモ職員は登録済みですが {target} がありません。デモのデータベースを作り直してください。",
                code="demo_staff_lost",
            )
        _grants(c, now, approver)
        return target
    password = secrets.token_urlsafe(12)
    secrets_by_id = {
        DEMO_CLERK: _account(c, DEMO_CLERK, "デモ職員（課税・窓口）", password),
        DEMO_INSPECTOR: _account(c, DEMO_INSPECTOR, "デモ職員（監査）", password),
    }
    _grants(c, now, approver)
    target.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "juminzei デモ職員（デモデータ専用。実データには使用しないこと）",
        "職員コンソール: juminzei serve を起動し http://127.0.0.1:8000/ を開く",
        f"パスワード（両方の職員ID 共通）: {password}",
    ]
    for staff_id, secret in secrets_by_id.items():
        roles = "・".join(r.value for r in ROLES[staff_id])
        lines += [
            f"職員ID: {staff_id}（{roles}）",
            f"  TOTP シークレット: {secret}",
            f"  ワンタイムパスワード: .venv/bin/python -c \"import pyotp; print(pyotp.TOTP('{secret}').now())\"",
        ]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.chmod(target, 0o600)
    return target
