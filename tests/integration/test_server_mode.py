"""Server mode (issue 15, ADR 0024): a journaled read commits its access record before it answers, but
neither seals nor projects on the request path — the committed position goes to the one sealer and the
one projection follower, which bring the seal lag and the projection lag back to 0."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adapters.audit.merkle_log import sealed_position, verify
from adapters.settings import Settings
from interfaces.bootstrap import Container, build
from interfaces.bootstrap.unit_of_work import Handoff
from interfaces.follow import projection_step, seal_step, start_followers, stop_followers
from interfaces.http.app import create_app
from interfaces.http.auth import StaticTokenAuthenticator
from tests_support import enrol_staff, reset_postgres

MASTER_KEY = "a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s="
PERSON = {
    "address_number": "310000001",
    "name": "目黒太郎",
    "kana": "メグロタロウ",
    "birth_date": "1980-01-01",
    "sex": "M",
    "address": "東京都目黒区上目黒二丁目19番15号",
}
AUTH = {"Authorization": "Bearer t-clerk01", "X-Purpose": "registry"}


@pytest.fixture
def server_container(pg_database: str, tmp_path: Path) -> Iterator[Container]:
    reset_postgres(pg_database)
    settings = Settings(database_url=pg_database, master_key=MASTER_KEY, var_dir=tmp_path / "var")
    c = build(settings, upgrade=True)
    enrol_staff(c, "clerk01")  # the staff member the development token names (every role)
    c.handoff = Handoff()
    c.app.group_journal_writes()
    yield c
    c.close()


def _client(c: Container, background: Any = None) -> TestClient:
    app = create_app(lambda: c, StaticTokenAuthenticator.parse("t-clerk01:clerk01"), background=background)
    return TestClient(app)


def _access_records(c: Container) -> int:
    with c.db.transaction() as cur:
        cur.execute("SELECT count(*) FROM juminzei_events WHERE topic LIKE %s", ("%PersonalDataViewed",))
        row = cur.fetchone()
    return int(row[0])


def _lags(c: Container) -> tuple[int, int]:
    head = c.app.head()
    projection_lag = max(head - c.runner.position(name) for name in c.runner.projections)
    return head - sealed_position(c), projection_lag


def test_journaled_read_commits_its_record_and_hands_the_position_over(server_container: Container) -> None:
    c = server_container
    with _client(c) as client:  # no followers: what the request path itself does
        created = client.post("/taxpayers", json=PERSON, headers={**AUTH, "Idempotency-Key": "k-1"})
        assert created.status_code == 201, created.text
        assert created.json()["position"] == c.app.head()
        records_before = _access_records(c)
        answer = client.get(f"/taxpayers/{PERSON['address_number']}/residence?fiscal_year=2026", headers=AUTH)
        assert answer.status_code == 200, answer.text
        # Fail closed: the access record is committed when the answer has arrived ...
        assert _access_records(c) == records_before + 1
        assert c.handoff is not None and c.handoff.handed == c.app.head()
        # ... but nothing was sealed or projected on the request path.
        seal_lag, projection_lag = _lags(c)
        assert seal_lag == c.app.head() > 0
        assert projection_lag > 0
        ready = client.get("/readyz").json()
        assert ready["checks"]["audit_seal"]["seal_lag"] == seal_lag
        # The followers' steps catch up exactly; a second round has nothing to do.
        assert seal_step(c) == seal_lag
        assert projection_step(c) > 0
        assert (seal_step(c), projection_step(c)) == (0, 0)
        assert _lags(c) == (0, 0)
        assert len(c.access_log.by_subject(answer.json()["taxpayer_id"])) == 1
        metrics = client.get("/metrics").text
        assert "juminzei_audit_seal_lag 0" in metrics
        assert verify(c).ok


def test_followers_started_with_the_app_bring_both_lags_to_zero(server_container: Container) -> None:
    c = server_container

    def background() -> Any:
        stop = threading.Event()
        threads = start_followers(c, stop, interval=0.05)
        return lambda: stop_followers(stop, threads, c)

    with _client(c, background) as client:
        assert (
            client.post("/taxpayers", json=PERSON, headers={**AUTH, "Idempotency-Key": "k-2"}).status_code
            == 201
        )
        for _ in range(5):
            url = f"/taxpayers/{PERSON['address_number']}/residence?fiscal_year=2026"
            assert client.get(url, headers=AUTH).status_code == 200
        head = c.app.head()
        deadline = time.monotonic() + 30  # a bound for a stuck follower, not a timing assertion
        while _lags(c) != (0, 0) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _lags(c) == (0, 0)
        assert c.app.head() == head
        ready = client.get("/readyz").json()
        assert ready["ready"] and ready["checks"]["audit_seal"]["seal_lag"] == 0
        assert verify(c).ok


def test_concurrent_journaled_reads_each_commit_their_own_record(server_container: Container) -> None:
    from application.usecases import Principal
    from application.usecases.registry import ResidenceOnLevyDate
    from tests_support import staff_principal

    c = server_container
    staff_principal(c, "clerk01", "t")  # enrolled (every role); the 16 reads come from 16 terminals
    with _client(c) as client:
        assert (
            client.post("/taxpayers", json=PERSON, headers={**AUTH, "Idempotency-Key": "k-3"}).status_code
            == 201
        )
        before = _access_records(c)
        positions: list[int] = []
        errors: list[BaseException] = []
        start = threading.Barrier(16)

        def read(n: int) -> None:
            try:
                start.wait()
                who = Principal(actor="clerk01", terminal=f"t{n:02d}", kind="staff")
                c.use_cases.execute(ResidenceOnLevyDate(PERSON["address_number"], 2026), who)
                positions.append(c.app.recorded_position())  # this thread's own record
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        threads = [threading.Thread(target=read, args=(n,)) for n in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        assert _access_records(c) == before + 16
        assert len(set(positions)) == 16
        with c.db.transaction() as cur:
            cur.execute(
                "SELECT notification_id FROM juminzei_events WHERE topic LIKE %s AND notification_id = ANY(%s)",
                ("%PersonalDataViewed", positions),
            )
            assert len(cur.fetchall()) == 16
        lag = c.app.head() - sealed_position(c)
        assert lag >= 16
        assert seal_step(c) == lag
        assert _lags(c)[0] == 0
        assert verify(c).ok
