"""kill -9 of ``juminzei serve`` under load (issue 15): every answered journaled read has its access
record, no read was answered without one, and every answered command is stored — group commit and the
sealer off the request path lose nothing. PostgreSQL (server mode)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import httpx
import pytest

from adapters.audit.merkle_log import seal, verify
from adapters.settings import Settings
from application.taxpayers import RegisterTaxpayer
from domain.shared.events import CommandContext
from domain.shared.person import Sex
from domain.shared.purpose import Purpose
from domain.taxpayer.model import taxpayer_id
from interfaces.bootstrap import build
from tests_support import enrol_staff, reset_postgres

MASTER_KEY = "a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s="
READERS = 6
PEOPLE = [f"34000{n:04d}" for n in range(5)]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


PERSON = {
    "name": "目黒花子",
    "kana": "メグロハナコ",
    "birth_date": "1985-05-05",
    "sex": "F",
    "address": "東京都目黒区中目黒一丁目1番1号",
}


def _seed(settings: Settings) -> None:
    c = build(settings, upgrade=True)
    try:
        # The staff the development tokens name, enrolled with the grants they need (ADR 0023).
        enrol_staff(c, "sup01")
        for n in range(READERS):
            enrol_staff(c, f"reader{n:02d}", "窓口")
        enrol_staff(c, "writer01", "課税")
        for n, number in enumerate(PEOPLE):
            c.taxpayers.register(
                RegisterTaxpayer(
                    number, "目黒太郎", "メグロタロウ", date(1980, 1, 1), Sex.M, "東京都目黒区1"
                ),
                CommandContext(actor="setup", purpose=Purpose.REGISTRY, command_id=f"kill-setup-{n}"),
            )
    finally:
        c.close()


@contextmanager
def _serve(settings: Settings) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``juminzei serve`` (server mode) in a child process; killed for good at the end."""
    port = _free_port()
    tokens = ",".join([f"t-reader{n}:reader{n:02d}" for n in range(READERS)] + ["t-writer:writer01"])
    env = {
        **os.environ,
        "JUMINZEI_DATABASE_URL": settings.database_url,
        "JUMINZEI_MASTER_KEY": MASTER_KEY,
        "JUMINZEI_VAR_DIR": str(settings.var_dir),
        "JUMINZEI_API_TOKENS": tokens,
        "JUMINZEI_ALLOW_DEV_TOKENS": "true",
        "JUMINZEI_LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "interfaces.cli.main", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # bounded wait for the server to come up (not a timing assertion)
            try:
                if httpx.get(f"{base}/livez", timeout=1.0).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            pytest.fail("juminzei serve did not start")
        yield base, server
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


class Load:
    """Clients that each send one request at a time until the server goes away, counting answers."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.answered: dict[str, int] = {f"reader{n:02d}": 0 for n in range(READERS)}
        self.registered: list[str] = []
        self.stop = threading.Event()

    def reader(self, n: int) -> None:
        headers = {"Authorization": f"Bearer t-reader{n}", "X-Purpose": "registry"}
        with httpx.Client(base_url=self.base, timeout=30.0) as client:
            i = 0
            while not self.stop.is_set():
                url = f"/taxpayers/{PEOPLE[i % len(PEOPLE)]}/residence?fiscal_year=2026"
                i += 1
                try:
                    response = client.get(url, headers=headers)
                except httpx.HTTPError:
                    return  # the server is gone
                assert response.status_code == 200, response.text
                self.answered[f"reader{n:02d}"] += 1

    def writer(self) -> None:
        headers = {"Authorization": "Bearer t-writer", "X-Purpose": "registry"}
        with httpx.Client(base_url=self.base, timeout=30.0) as client:
            i = 0
            while not self.stop.is_set():
                number = f"35{i:07d}"
                i += 1
                try:
                    response = client.post(
                        "/taxpayers",
                        json={**PERSON, "address_number": number},
                        headers={**headers, "Idempotency-Key": f"kill-{number}"},
                    )
                except httpx.HTTPError:
                    return
                assert response.status_code == 201, response.text
                self.registered.append(number)

    def enough(self) -> bool:
        return min(self.answered.values()) >= 5 and len(self.registered) >= 3


def test_kill_minus_nine_under_load_loses_no_journal_entry(pg_database: str, tmp_path: Path) -> None:
    reset_postgres(pg_database)
    settings = Settings(database_url=pg_database, master_key=MASTER_KEY, var_dir=tmp_path / "var")
    _seed(settings)
    with _serve(settings) as (base, server):
        load = Load(base)
        threads = [threading.Thread(target=load.reader, args=(n,)) for n in range(READERS)]
        threads.append(threading.Thread(target=load.writer))
        for t in threads:
            t.start()
        for _ in range(1200):  # kill once every client has been answered a few times (counts, not time)
            if load.enough():
                break
            time.sleep(0.05)
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=30)
        for t in threads:
            t.join(timeout=60)
        load.stop.set()
    assert load.enough()

    c = build(settings)
    try:
        c.runner.catch_up()
        for actor, count in load.answered.items():
            entries = len(c.access_log.by_staff(actor))
            # Each answered read has its entry; at most the one request in flight at the kill has an entry
            # without an answer (each client sends one request at a time).
            assert count <= entries <= count + 1, (actor, count, entries)
        for number in load.registered:
            assert taxpayer_id(number) in c.app.repository, number
        # The sealer did not run for the last events: sealing afterwards covers them, and the log verifies.
        seal(c)
        assert verify(c).ok
    finally:
        c.close()
