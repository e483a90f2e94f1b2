"""縮退運用 against a REAL PostgreSQL streaming replica (issue 17 part 4, ADR 0020).

The test starts its own primary (initdb on a free 127.0.0.1 port), fills it, takes ``pg_basebackup -R``
and starts a hot standby on another port. Against the standby: 課税証明書 issuance and 収納状況照会 work,
a command is refused with the Japanese message and exit code 5; then ``replica drain`` against the
primary appends the buffered journal entries exactly once and ``audit verify`` passes.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import time_machine
from typer.testing import CliRunner

from domain.shared.purpose import Purpose
from integration.test_retention import ctx, person
from interfaces.bootstrap import build
from interfaces.cli.main import app
from tests_support import CliStaff

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run a PostgreSQL server binary (they refuse to run as root) as the ``postgres`` user when root."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run(prefix + args, capture_output=True, text=True, timeout=120, check=False, **kwargs)


def _start(data: Path, port: int, sockets: Path) -> None:
    assert BIN is not None
    started = _as_postgres(
        [
            str(BIN / "pg_ctl"), "-D", str(data), "-l", str(data.parent / f"{data.name}.log"), "-w", "-t", "60",
            "-o", f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={sockets} -c fsync=off",
            "start",
        ]
    )  # fmt: skip
    assert started.returncode == 0, (
        started.stdout + started.stderr + (data.parent / f"{data.name}.log").read_text()
    )


def _stop(data: Path) -> None:
    if BIN is not None and data.exists():
        _as_postgres([str(BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"])


@pytest.fixture
def primary_and_standby() -> Iterator[dict[str, Any]]:
    if BIN is None or (shutil.which("runuser") is None and os.geteuid() == 0):
        pytest.fail("PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) are required")
    root = Path(tempfile.mkdtemp(prefix="juminzei-replica-"))
    os.chmod(root, 0o777)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    primary, standby = root / "primary", root / "standby"
    ports = {"primary": _free_port(), "standby": _free_port()}
    try:
        made = _as_postgres([str(BIN / "initdb"), "-D", str(primary), "-U", "postgres", "--auth=trust", "-N"])
        assert made.returncode == 0, made.stderr
        _start(primary, ports["primary"], root)
        created = _as_postgres(
            [
                str(BIN / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(ports["primary"]),
                "-U",
                "postgres",
                "juminzei",
            ]
        )
        assert created.returncode == 0, created.stderr

        def start_standby() -> str:
            copied = _as_postgres(
                [
                    str(BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(ports["primary"]), "-U", "postgres",
                    "-D", str(standby), "-R", "-X", "stream", "--checkpoint=fast",
                ]
            )  # fmt: skip
            assert copied.returncode == 0, copied.stderr
            _start(standby, ports["standby"], root)
            url = f"postgresql://postgres@127.0.0.1:{ports['standby']}/juminzei"
            import psycopg

            for _ in range(100):
                try:
                    with psycopg.connect(url, connect_timeout=2) as conn:
                        row = conn.execute("SELECT pg_is_in_recovery()").fetchone()
                        if row and row[0]:
                            return url
                except psycopg.OperationalError:
                    pass
                time.sleep(0.1)
            raise AssertionError("the standby did not come up")

        yield {
            "primary": f"postgresql://postgres@127.0.0.1:{ports['primary']}/juminzei",
            "start_standby": start_standby,
            "root": root,
        }
    finally:
        _stop(standby)
        _stop(primary)
        shutil.rmtree(root, ignore_errors=True)


def _count_events(url: str, topic: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM juminzei_events WHERE topic = %s", (topic,)).fetchone()
    return int(row[0]) if row else 0


def test_counter_work_on_a_real_standby_and_the_journal_reaches_the_primary(  # noqa: PLR0915
    primary_and_standby: dict[str, Any], make_settings: Any, tmp_path: Path
) -> None:
    primary_url: str = primary_and_standby["primary"]
    cfg = make_settings(primary_url)
    session_file = str(tmp_path / "cli-session.json")
    primary_env = {
        "JUMINZEI_DATABASE_URL": primary_url,
        "JUMINZEI_MASTER_KEY": cfg.master_key or "",
        "JUMINZEI_VAR_DIR": str(cfg.var_dir),
    }
    CliStaff(primary_env, session_file)("clerk01")  # signed in on the primary; the session replicates
    c = build(cfg, upgrade=True)
    try:
        with time_machine.travel(date(2026, 7, 1), tick=False):
            person(c, "800001", "縮退花子", "シュクタイハナコ", "東京都目黒区縮退町1", 2026)
            c.levy.run(2026, ctx("levy-2026", Purpose.INITIAL_LEVY))
            c.runner.catch_up()
            c.collection.open_ledgers(2026, ctx("ledgers", Purpose.COLLECTION))
        c.runner.catch_up()
        from adapters.audit.merkle_log import seal

        seal(c)
        head_before = c.app.head()
    finally:
        c.close()

    standby_url: str = primary_and_standby["start_standby"]()
    env = {
        "JUMINZEI_DATABASE_URL": standby_url,
        "JUMINZEI_MASTER_KEY": cfg.master_key or "",
        "JUMINZEI_VAR_DIR": str(cfg.var_dir),
        "JUMINZEI_SESSION_FILE": session_file,
    }
    runner = CliRunner()

    def on(url: str, *args: str) -> Any:
        return runner.invoke(
            app, list(args), env={**env, "JUMINZEI_DATABASE_URL": url}, catch_exceptions=False
        )

    status = on(standby_url, "replica", "status", "--json")
    assert status.exit_code == 0, status.output
    assert json.loads(status.stdout)["read_only"] is True, "detected by pg_is_in_recovery()"

    pdf = tmp_path / "certificate.pdf"
    issued = on(standby_url, "certificate", "issue", "--taxpayer", "800001", "--fiscal-year", "2026",
                "--out", str(pdf), "--json")  # fmt: skip
    assert issued.exit_code == 0, issued.output
    code = json.loads(issued.stdout)["code"]
    assert pdf.read_bytes().startswith(b"%PDF")
    shown = on(standby_url, "payments", "show", "800001", "--fiscal-year", "2026", "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["periods"], "収納状況 per 期別 answers on the standby"

    refused = on(
        standby_url, "taxpayer", "register", "--address-number", "800002", "--name", "登録不可", "--kana",
        "トウロクフカ", "--birth-date", "1980-01-01", "--sex", "F", "--address", "東京都目黒区1",
    )  # fmt: skip
    assert refused.exit_code == 5 and "縮退運用中" in refused.output
    assert json.loads(on(standby_url, "replica", "status", "--json").stdout)["pending"] == 2

    # The HTTP API on the standby: a journaled read answers, a command is a 503 problem in Japanese.
    from fastapi.testclient import TestClient

    from interfaces.http.app import create_app
    from interfaces.http.auth import StaticTokenAuthenticator

    standby_cfg = cfg.model_copy(update={"database_url": standby_url})
    api = create_app(lambda: build(standby_cfg), StaticTokenAuthenticator.parse("t-clerk01:clerk01"))
    headers = {"Authorization": "Bearer t-clerk01", "X-Purpose": "registry"}
    with TestClient(api) as client:
        answer = client.get("/taxpayers/800001/residence", params={"fiscal_year": 2026}, headers=headers)
        assert answer.status_code == 200, answer.text
        command = client.post(
            "/taxpayers",
            json={"address_number": "800003", "name": "登録不可", "kana": "トウロクフカ", "birth_date": "1980-01-01",
                  "sex": "F", "address": "東京都目黒区1"},
            headers={**headers, "Idempotency-Key": "k-1"},
        )  # fmt: skip
        assert command.status_code == 503, command.text
        assert command.json()["code"] == "read_only" and "縮退運用中" in command.json()["detail"]
    assert json.loads(on(standby_url, "replica", "status", "--json").stdout)["pending"] == 3

    # The primary is back (it never stopped accepting writes here; clerks were on the standby).
    assert _count_events(primary_url, "juminzei.assessment.DocumentIssued") == 0
    drained = on(primary_url, "replica", "drain", "--json")
    assert drained.exit_code == 0, drained.output
    assert json.loads(drained.stdout) == {"entries": 3, "appended": 3, "already_present": 0}
    again = on(primary_url, "replica", "drain", "--json")
    assert json.loads(again.stdout)["entries"] == 0, "none twice"
    assert _count_events(primary_url, "juminzei.assessment.DocumentIssued") == 1
    assert _count_events(primary_url, "juminzei.audit.PersonalDataViewed") >= 1

    verified = on(primary_url, "audit", "verify", "--require-sealed", "--json")
    assert verified.exit_code == 0 and json.loads(verified.stdout)["ok"] is True
    assert json.loads(verified.stdout)["head"] == head_before + 3
    checked = on(primary_url, "certificate", "verify", code, "--json")
    assert checked.exit_code == 0 and json.loads(checked.stdout)["valid"] is True, (
        "the code verifies on the primary"
    )
