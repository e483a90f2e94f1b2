"""The ``juminzei staff`` CLI: enrol, 2FA, grants, sign-in/out, break-glass, access review (ADR 0012)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pyotp
from typer.testing import CliRunner

from interfaces.cli import staff
from interfaces.cli.main import app as main_app

runner = CliRunner()
PASSWORD = "correct horse battery staple"


def staff_cli(*args: str, input: str | None = None) -> Any:
    return runner.invoke(staff.app, list(args), input=input, catch_exceptions=False)


def _enroll(staff_id: str) -> str:
    """Enrolled by the signed-in 所属長 sup-01 (bootstrapped by the ``cli_staff`` fixture)."""
    result = staff_cli(
        "enroll", "--staff-id", staff_id, "--name", f"職員{staff_id}", "--department", "税務課", "--as", "sup-01",
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    second = staff_cli("enroll-2fa", "--staff-id", staff_id, "--as", "sup-01", "--json")
    assert second.exit_code == 0, second.output
    uri = json.loads(second.stdout)["provisioning_uri"]
    assert uri.startswith("otpauth://totp/")
    return parse_qs(urlparse(uri).query)["secret"][0]


def _review() -> dict[str, Any]:
    result = staff_cli("review", "--as", "sup-01", "--json")
    assert result.exit_code == 0, result.output
    body: dict[str, Any] = json.loads(result.stdout)
    return body


def test_staff_lifecycle_through_the_cli(cli_staff: Any) -> None:
    cli_staff("sup-01")  # staff bootstrap: the first 所属長, signed in on this terminal
    secrets = {s: _enroll(s) for s in ("sup-02", "clerk-01")}
    assert staff_cli("enroll-2fa", "--staff-id", "clerk-01", "--as", "sup-01").exit_code == 1, (
        "URI shown once"
    )
    not_signed_in = staff_cli("grant", "--staff-id", "clerk-01", "--role", "課税", "--as", "sup-02")
    assert not_signed_in.exit_code == 2 and "サインイン" in not_signed_in.output

    # Grants approved by a signed-in supervisor other than the grantee.
    assert staff_cli("grant", "--staff-id", "sup-02", "--role", "supervisor", "--as", "sup-01").exit_code == 0
    granted = staff_cli(
        "grant", "--staff-id", "clerk-01", "--role", "課税", "--unit", "市民税係", "--as", "sup-01", "--json"
    )
    assert granted.exit_code == 0, granted.output
    assert json.loads(granted.stdout)["grant_number"] == 1
    self_grant = staff_cli("grant", "--staff-id", "sup-01", "--role", "課税", "--as", "sup-01")
    assert self_grant.exit_code == 1 and "承認" in self_grant.output
    no_reason = staff_cli(
        "grant", "--staff-id", "clerk-01", "--role", "窓口", "--temporary", "--as", "sup-01"
    )
    assert no_reason.exit_code == 1 and "理由" in no_reason.output
    temporary = staff_cli(
        "grant",
        "--staff-id",
        "clerk-01",
        "--role",
        "窓口",
        "--temporary",
        "--reason",
        "窓口応援",
        "--as",
        "sup-01",
    )
    assert temporary.exit_code == 0, temporary.output

    # Sign in (password + TOTP) and open a break-glass grant with the session token.
    code = pyotp.TOTP(secrets["clerk-01"]).at(datetime.now(UTC))
    signed = staff_cli("sign-in", "--staff-id", "clerk-01", "--totp", code, "--json", input=f"{PASSWORD}\n")
    assert signed.exit_code == 0, signed.output
    token = json.loads(signed.stdout[signed.stdout.index("{") :])["token"]  # after the password prompt
    assert token.startswith("jz1.")
    not_supervisor = staff_cli("grant", "--staff-id", "sup-02", "--role", "収納", "--as", "clerk-01")
    assert not_supervisor.exit_code == 1 and "所属長" in not_supervisor.output
    code = pyotp.TOTP(secrets["sup-02"]).at(datetime.now(UTC))
    assert staff_cli("sign-in", "--staff-id", "sup-02", "--totp", code, input=f"{PASSWORD}\n").exit_code == 0
    opened = staff_cli(
        "break-glass", "--role", "収納", "--reason", "収納担当不在のため窓口納付を消込", "--minutes", "30",
        "--token", token, "--json",
    )  # fmt: skip
    assert opened.exit_code == 0, opened.output
    refused = staff_cli(
        "break-glass", "--role", "個人番号利用事務実施者", "--reason", "x" * 12, "--token", token
    )
    assert refused.exit_code == 1

    staff_cli("revoke", "--staff-id", "clerk-01", "--grant", "2", "--reason", "応援終了", "--as", "sup-01")
    review = _review()
    statuses = {(g["staff_id"], g["grant_number"]): g["status"] for g in review["grants"]}
    assert statuses == {
        **{("sup-01", n): "valid" for n in range(1, 7)},
        ("sup-02", 1): "valid",
        ("clerk-01", 1): "valid",
        ("clerk-01", 2): "revoked",
    }
    assert all(g["bootstrap"] for g in review["grants"] if g["staff_id"] == "sup-01")
    assert [(b["staff_id"], b["number"], b["role"]) for b in review["break_glass_awaiting_review"]] == [
        ("clerk-01", 1, "収納")
    ]
    table = staff_cli("review", "--as", "sup-01")
    assert table.exit_code == 0 and "事後確認待ち" in table.output and "取消済み" in table.output

    attested = staff_cli("attest", "--staff-id", "clerk-01", "--as", "sup-02", "--json")
    assert attested.exit_code == 0 and json.loads(attested.stdout)["attested"] == [1]
    reviewed = staff_cli(
        "review-break-glass", "--staff-id", "clerk-01", "--number", "1", "--appropriate",
        "--note", "担当不在を確認。", "--as", "sup-01",
    )  # fmt: skip
    assert reviewed.exit_code == 0, reviewed.output
    assert _review()["break_glass_awaiting_review"] == []

    # Revoking clerk-01's grant ended clerk-01's session: a new sign-in is needed.
    again = staff_cli("break-glass", "--role", "窓口", "--reason", "再度の緊急対応が必要", "--token", token)
    assert again.exit_code == 1 and "権限が変更" in again.output
    assert "終了済み" in staff_cli("sign-out", "--token", token).output
    out = staff_cli("sign-out", "--as", "sup-02")
    assert out.exit_code == 0 and "サインアウトしました" in out.output
    assert runner.invoke(main_app, ["staff", "whoami", "--as", "sup-02"]).exit_code == 2


def test_lockout_and_anonymous_refusal(cli_staff: Any, cli_env: dict[str, str]) -> None:
    cli_staff("sup-01")
    _enroll("clerk-01")
    outputs = [
        staff_cli(
            "sign-in", "--staff-id", "clerk-01", "--password", f"wrong-{i}-password", "--totp", "000000"
        )
        for i in range(5)
    ]
    assert all(o.exit_code == 1 for o in outputs)
    assert "正しくありません" in outputs[0].output
    assert "ロック" in outputs[-1].output
    Path(cli_env["JUMINZEI_SESSION_FILE"]).unlink()
    assert staff_cli("review").exit_code == 2, "anonymous use is refused"
