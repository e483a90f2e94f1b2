"""Issue 14, "How it will be checked", on SQLite and on PostgreSQL: verified identity on the CLI.

A fresh store: ``--as`` alone is refused and shows no one; ``staff bootstrap --json`` → TOTP from its
``totp_uri`` → ``staff sign-in --password-stdin --totp`` → register and search work and are journaled under
that staff id; a second enrolled member without a grant is refused a personal-data read and the refusal is
in ``audit access``; a job credential runs ``levy run``; after ``job-credential revoke`` it is refused.
"""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from interfaces.cli.main import app
from tests_support import PASSWORD, totp_code, totp_secret

runner = CliRunner()
TEST_MASTER_KEY = base64.b64encode(b"k" * 32).decode()

REGISTER = (
    "taxpayer", "register", "--address-number", "310001", "--name", "目黒花子", "--kana", "メグロハナコ",
    "--birth-date", "1985-04-01", "--sex", "F", "--address", "東京都目黒区上目黒二丁目19番15号",
)  # fmt: skip


@pytest.fixture
def env(store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {
        "JUMINZEI_DATABASE_URL": store_url,
        "JUMINZEI_VAR_DIR": str(tmp_path / "var"),
        "JUMINZEI_MASTER_KEY": TEST_MASTER_KEY,
        "JUMINZEI_SESSION_FILE": str(tmp_path / "session" / "cli-session.json"),
    }
    for key in ("JUMINZEI_OPERATOR", "JUMINZEI_TERMINAL", "JUMINZEI_CREDENTIAL_FILE"):
        monkeypatch.delenv(key, raising=False)
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return values


def cli(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Any:
    return runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)


def ok(*args: str, **kw: Any) -> Any:
    result = cli(*args, **kw)
    assert result.exit_code == 0, f"{args}: {result.output}"
    return result


def test_identity_is_verified_on_the_cli(env: dict[str, str], tmp_path: Path) -> None:
    ok("db", "upgrade")

    # --as alone is refused (exit 2, how to sign in) and shows no one.
    anonymous = cli("taxpayer", "search", "--kana", "メ", "--as", "nobody99", "--json")
    assert anonymous.exit_code == 2
    assert "staff sign-in --staff-id nobody99" in anonymous.output
    assert "メグロ" not in anonymous.output and "{" not in anonymous.stdout

    # First start: bootstrap → TOTP from totp_uri → sign in.
    boot = json.loads(
        ok("staff", "bootstrap", "--staff-id", "sup01", "--name", "目黒太郎", "--password-stdin", "--json",
           input=f"{PASSWORD}\n").stdout
    )  # fmt: skip
    assert boot["staff_id"] == "sup01" and "所属長" in boot["roles"]
    again = cli(
        "staff", "bootstrap", "--staff-id", "sup02", "--name", "x", "--password-stdin", input=f"{PASSWORD}\n"
    )
    assert again.exit_code == 1, "bootstrap works once"
    secret = totp_secret(boot["totp_uri"])
    ok("staff", "sign-in", "--staff-id", "sup01", "--password-stdin", "--totp", totp_code(secret),
       input=f"{PASSWORD}\n")  # fmt: skip
    session_file = Path(env["JUMINZEI_SESSION_FILE"])
    assert stat.S_IMODE(os.stat(session_file).st_mode) == 0o600
    assert json.loads(ok("staff", "whoami", "--json").stdout)["staff_id"] == "sup01"
    other = cli("taxpayer", "search", "--kana", "メ", "--as", "nobody99")
    assert other.exit_code == 2, "--as names only someone signed in here"

    # Register and search work, journaled under the staff id.
    registered = json.loads(ok(*REGISTER, "--json").stdout)
    found = json.loads(ok("taxpayer", "search", "--kana", "メグロ", "--json").stdout)
    assert [r["address_number"] for r in found["results"]] == ["310001"]
    mine = json.loads(ok("audit", "access", "--staff", "sup01", "--json").stdout)["entries"]
    assert mine and {e["actor"] for e in mine} == {"sup01"}
    assert any(e["subject_id"] == registered["taxpayer_id"] for e in mine)

    # A second enrolled member without a grant is refused a personal-data read; the refusal is journaled.
    ok("staff", "enroll", "--staff-id", "clerk02", "--name", "目黒次郎", "--department", "税務課",
       input=f"{PASSWORD}\n{PASSWORD}\n")  # fmt: skip
    uri = json.loads(ok("staff", "enroll-2fa", "--staff-id", "clerk02", "--json").stdout)["provisioning_uri"]
    ok("staff", "sign-in", "--staff-id", "clerk02", "--password-stdin", "--totp", totp_code(totp_secret(uri)),
       input=f"{PASSWORD}\n")  # fmt: skip
    refused = cli("taxpayer", "search", "--kana", "メグロ", "--as", "clerk02", "--json")
    assert refused.exit_code != 0 and "310001" not in refused.stdout and "メグロハナコ" not in refused.output
    journal = json.loads(ok("audit", "access", "--staff", "clerk02", "--as", "sup01", "--json").stdout)
    denied = [e for e in journal["entries"] if e["action"] == "拒否:taxpayer.search"]
    assert len(denied) == 1 and denied[0]["items"].startswith("判断ID ")
    assert denied[0]["items"].removeprefix("判断ID ") in refused.output

    # A job credential runs levy run; after revoke it is refused.
    credential = tmp_path / "jobs" / "levy.cred"
    issued = json.loads(
        ok("staff", "job-credential", "issue", "--job-id", "nightly-levy", "--role", "課税", "--to", "2099-03-31",
           "--out", str(credential), "--as", "sup01", "--json").stdout
    )  # fmt: skip
    assert issued["issued_by"] == "sup01"
    assert stat.S_IMODE(os.stat(credential).st_mode) == 0o600
    job_env = env | {"JUMINZEI_CREDENTIAL_FILE": str(credential)}
    levied = cli("levy", "run", "--fiscal-year", "2026", "--json", env=job_env)
    assert levied.exit_code == 0, levied.output
    assert json.loads(ok("staff", "whoami", "--json", env=job_env).stdout)["issued_by"] == "sup01"
    review = json.loads(ok("staff", "review", "--as", "sup01", "--json").stdout)
    assert [(j["job_id"], j["status"]) for j in review["job_credentials"]] == [("nightly-levy", "有効")]
    ok(
        "staff",
        "job-credential",
        "revoke",
        "--job-id",
        "nightly-levy",
        "--reason",
        "夜間処理の終了",
        "--as",
        "sup01",
    )
    after = cli("levy", "run", "--fiscal-year", "2026", "--json", env=job_env)
    assert after.exit_code == 2 and "資格情報" in after.output
    review = json.loads(ok("staff", "review", "--as", "sup01", "--json").stdout)
    assert [(j["job_id"], j["status"]) for j in review["job_credentials"]] == [("nightly-levy", "取消済み")]
