"""SQLite under concurrent API load (issue 15): requests queue for its one writer instead of timing out
into 500s, and a store that is too busy answers 503 with a Japanese problem document — never a read
without its journal entry."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import ConnectionUnavailableError
from fastapi.testclient import TestClient
from http_support import MASTER_KEY, auth, build_with_token_staff

from adapters.settings import Settings
from interfaces.http.problems import store_busy

PERSON = {
    "address_number": "320000001",
    "name": "目黒花子",
    "kana": "メグロハナコ",
    "birth_date": "1985-05-05",
    "sex": "F",
    "address": "東京都目黒区中目黒一丁目1番1号",
}


def _journal_entries(url: str) -> int:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        row = conn.execute(
            "SELECT count(*) FROM stored_events WHERE topic LIKE '%PersonalDataViewed'"
        ).fetchone()
    return int(row[0])


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, str]:
    """``juminzei serve``'s own app (``default_app``) on a SQLite file, as one desk would run it."""
    from interfaces.serve import default_app

    url = f"sqlite:///{tmp_path / 'desk.db'}"
    settings = Settings(database_url=url, master_key=MASTER_KEY, var_dir=tmp_path / "var")
    build_with_token_staff(settings, {"clerk01": ()}).close()
    monkeypatch.setenv("JUMINZEI_DATABASE_URL", url)
    monkeypatch.setenv("JUMINZEI_MASTER_KEY", MASTER_KEY)
    monkeypatch.setenv("JUMINZEI_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("JUMINZEI_API_TOKENS", "t-clerk01:clerk01")
    monkeypatch.setenv("JUMINZEI_ALLOW_DEV_TOKENS", "true")
    return default_app(), url


def test_concurrent_requests_on_sqlite_never_fail_with_500(served: tuple[Any, str]) -> None:
    app, url = served
    with TestClient(app, raise_server_exceptions=False) as client:
        created = client.post("/taxpayers", json=PERSON, headers=auth(purpose="registry", key="k-0"))
        assert created.status_code == 201, created.text
        before = _journal_entries(url)
        statuses: list[int] = []
        bodies: list[dict[str, Any]] = []
        lock = threading.Lock()
        start = threading.Barrier(24)

        def clerk(n: int) -> None:
            start.wait()
            for i in range(4):
                if (n + i) % 3 == 0:
                    person = {**PERSON, "address_number": f"3300{n:02d}{i:03d}"}
                    answer = client.post(
                        "/taxpayers", json=person, headers=auth(purpose="registry", key=f"k-{n}-{i}")
                    )
                else:
                    answer = client.get(
                        f"/taxpayers/{PERSON['address_number']}/residence?fiscal_year=2026",
                        headers=auth(purpose="registry"),
                    )
                with lock:
                    statuses.append(answer.status_code)
                    if answer.status_code >= 500:
                        bodies.append(answer.json())

        threads = [threading.Thread(target=clerk, args=(n,)) for n in range(24)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(statuses) == 96
    assert 500 not in statuses, bodies
    assert set(statuses) <= {200, 201, 503}
    for body in bodies:  # a busy store says so, in Japanese, with what to do
        assert body["status"] == 503 and body["type"].endswith("store-busy") and "SQLite" in body["detail"]
    reads_answered = statuses.count(200)
    assert _journal_entries(url) >= before + reads_answered  # every answered read has its entry


def test_a_busy_store_answers_503_with_a_problem_document_and_shows_nothing(
    served: tuple[Any, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, url = served
    with TestClient(app, raise_server_exceptions=False) as client:
        assert (
            client.post("/taxpayers", json=PERSON, headers=auth(purpose="registry", key="k-1")).status_code
            == 201
        )
        c = app.state.api.container()
        before = _journal_entries(url)

        def busy(*_: Any, **__: Any) -> Any:
            raise ConnectionUnavailableError("Timed out waiting for return of writer")

        monkeypatch.setattr(c.app, "save", busy)
        answer = client.get(
            f"/taxpayers/{PERSON['address_number']}/residence?fiscal_year=2026",
            headers=auth(purpose="registry"),
        )
        assert answer.status_code == 503
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.headers["Retry-After"] == "1"
        body = answer.json()
        assert body["type"].endswith("store-busy")
        assert "混み合って" in body["detail"] and "PostgreSQL" in body["detail"]
        assert "taxpayer_id" not in body and "periods" not in body  # nothing personal left without a record
        assert _journal_entries(url) == before


def test_store_busy_recognises_timeouts_and_locks_only() -> None:
    assert store_busy(ConnectionUnavailableError("writer"))
    assert store_busy(sqlite3.OperationalError("database is locked"))
    try:
        try:
            raise sqlite3.OperationalError("database is locked")
        except sqlite3.OperationalError as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as wrapped:
        assert store_busy(wrapped)
    assert not store_busy(sqlite3.OperationalError("no such table: x"))
    assert not store_busy(ValueError("database is locked"))
