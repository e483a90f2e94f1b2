"""The demo's console accounts: enrolled with grants, sign-in details written, a rerun keeps them."""

from __future__ import annotations

import re
import stat
from datetime import UTC, datetime
from pathlib import Path

import pyotp

from adapters.settings import Settings
from domain.staff.values import Role
from interfaces.bootstrap import build
from interfaces.bootstrap.demo_staff import DEMO_CLERK, DEMO_INSPECTOR, enrol_demo_staff


def _details(path: Path) -> tuple[str, dict[str, str]]:
    text = path.read_text(encoding="utf-8")
    password = re.search(r"パスワード（両方の職員ID 共通）: (\S+)", text)
    assert password is not None
    found = dict(re.findall(r"職員ID: (\S+?)（.*?\n  TOTP シークレット: (\S+)", text))
    return password.group(1), found


def test_demo_staff_can_sign_in_and_rerun(tmp_path: Path) -> None:
    c = build(Settings(database_url="memory://", var_dir=tmp_path / "var"), upgrade=True)
    try:
        c.staff.bootstrap(
            staff_id="demo01", name="デモ所属長", department="税務課", password="demo-password-juminzei",
            terminal="demo", now=datetime.now(UTC),
        )  # fmt: skip
        path = enrol_demo_staff(c, approver="demo01")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        password, secrets_by_id = _details(path)
        assert set(secrets_by_id) == {DEMO_CLERK, DEMO_INSPECTOR}
        now = datetime.now(UTC)
        signed = c.staff.sign_in(
            staff_id=DEMO_CLERK,
            password=password,
            totp_code=pyotp.TOTP(secrets_by_id[DEMO_CLERK]).now(),
            terminal="console",
            now=now,
        )
        principal = c.staff.check_session(signed.token, now)
        roles = {g.role for g in principal.grants}
        assert {Role.TAXATION, Role.COUNTER, Role.INDIVIDUAL_NUMBER} <= roles
        assert c.staff.is_designated(DEMO_CLERK, now)
        assert c.staff.get(DEMO_INSPECTOR).has_role(Role.INSPECTOR, now, c.staff.review_policy)

        supervisors = [
            m.staff_id for m in c.staff.members() if m.has_role(Role.SUPERVISOR, now, c.staff.review_policy)
        ]
        assert supervisors == ["demo01"], "the grants were approved by the demo's bootstrapped 所属長 alone"

        again = enrol_demo_staff(
            c, approver="demo01"
        )  # a second demo run keeps the accounts and their details
        assert _details(again) == (password, secrets_by_id)
        assert len([g for g in c.staff.get(DEMO_CLERK).grants if g.role is Role.TAXATION]) == 1
    finally:
        c.close()
