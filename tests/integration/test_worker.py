"""Server mode end to end: PostgreSQL + Redis. An import submitted through the API is processed by a
dramatiq worker (in-process, stopped at the end) and shows in the intake view.

With ``CI=true`` PostgreSQL and Redis must be reachable: these tests fail rather than skip.
"""

from __future__ import annotations

import base64
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests_support import enrol_staff, reset_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
REDIS_URL = os.environ.get("JUMINZEI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
MASTER_KEY = base64.b64encode(b"k" * 32).decode()


@pytest.fixture(autouse=True)
def _fresh_logging() -> Iterator[None]:
    """Earlier CLI tests may leave structlog bound to a closed CliRunner stream; the worker logs."""
    import structlog

    structlog.reset_defaults()
    yield
    structlog.reset_defaults()


@pytest.fixture
def redis_url() -> str:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as error:
        if IN_CI:
            pytest.fail(f"Redis is required under CI=true but unreachable: {type(error).__name__}: {error}")
        pytest.skip(f"Redis not reachable ({type(error).__name__})")
    return REDIS_URL


@pytest.fixture
def server(pg_database: str, redis_url: str, tmp_path: Path) -> Iterator[dict[str, Any]]:
    from dramatiq.brokers.redis import RedisBroker
    from fastapi.testclient import TestClient

    from adapters.settings import Settings
    from interfaces.bootstrap import build
    from interfaces.http.app import create_app
    from interfaces.http.auth import StaticTokenAuthenticator
    from interfaces.worker.broker import DramatiqDispatcher, declare_actor, start_worker

    reset_postgres(pg_database)
    settings = Settings(database_url=pg_database, master_key=MASTER_KEY, var_dir=tmp_path / "var")
    c = build(settings, upgrade=True)
    enrol_staff(c, "clerk01")  # the staff member the development token names (every role)
    c.close()
    namespace = f"juminzei-test-{uuid.uuid4().hex[:8]}"
    # The API process and the worker process each have their own broker connection and container.
    api_broker = RedisBroker(url=redis_url, namespace=namespace)
    api_actor, _ = declare_actor(api_broker, lambda: build(settings))
    worker_broker = RedisBroker(url=redis_url, namespace=namespace)
    _, holder = declare_actor(worker_broker, lambda: build(settings))
    worker = start_worker(worker_broker, threads=1)
    app = create_app(
        lambda: build(settings),
        StaticTokenAuthenticator.parse("t1:clerk01"),
        dispatcher=DramatiqDispatcher(api_actor),
    )
    try:
        with TestClient(app) as client:
            yield {"client": client, "settings": settings, "tmp": tmp_path}
    finally:
        worker.stop()
        holder.close()
        worker_broker.flush_all()
        worker_broker.close()
        api_broker.close()


def _wait(client: Any, job_id: str, timeout: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job: dict[str, Any] = client.get(f"/jobs/{job_id}", headers={"Authorization": "Bearer t1"}).json()
        if job["status"] in ("succeeded", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.1)


def test_import_submitted_through_the_api_is_processed_by_the_worker(server: dict[str, Any]) -> None:
    from tools.synthetic.generator import generate

    client = server["client"]
    manifest = generate(server["tmp"] / "files", taxpayers=6, seed=3, fiscal_year=2026)
    entry = next(f for f in manifest["files"] if f["kind"] == "resident-registry")
    data = (server["tmp"] / "files" / entry["path"]).read_bytes()

    def submit() -> Any:
        return client.post(
            "/jobs/imports",
            headers={
                "Authorization": "Bearer t1",
                "X-Purpose": "intake",
                "Idempotency-Key": str(uuid.uuid4()),
            },
            files={"file": (entry["path"], data, "text/csv")},
            data={"kind": entry["kind"]},
        )

    submitted = submit()
    assert submitted.status_code == 202, submitted.text
    body = submitted.json()
    assert body["status"] in ("queued", "running", "succeeded")
    job = _wait(client, body["job_id"])
    assert job["status"] == "succeeded", job
    assert job["attempts"] == 1 and job["result"]["accepted"] > 0
    assert "contents" not in job["payload"] and set(job["payload"]) == {
        "kind",
        "path",
        "sha256",
        "principal_kind",
    }

    view = client.get(
        "/imports", params={"min_position": job["result"]["position"]}, headers={"Authorization": "Bearer t1"}
    )
    assert view.status_code == 200, view.text
    batches = view.json()["batches"]
    assert [b["batch_id"] for b in batches] == [job["result"]["batch_id"]]
    assert batches[0]["accepted"] == job["result"]["accepted"]

    again = submit()
    assert again.json()["job_id"] == body["job_id"], "the same file is the same job (keyed by file hash)"

    metrics = client.get("/metrics").text
    assert 'juminzei_jobs{status="succeeded"} 1' in metrics
    assert 'juminzei_import_batches_total{kind="resident-registry"} 1' in metrics


def test_a_failing_job_is_retried_and_its_failure_is_visible(server: dict[str, Any]) -> None:
    client = server["client"]
    submitted = client.post(
        "/jobs/documents",
        headers={
            "Authorization": "Bearer t1",
            "X-Purpose": "certificate",
            "Idempotency-Key": str(uuid.uuid4()),
        },
        json={"document_id": "no-such-document"},
    )
    assert submitted.status_code == 202
    job_id = submitted.json()["job_id"]
    deadline = time.monotonic() + 30
    job = _wait(client, job_id)
    while job["attempts"] < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
        job = _wait(client, job_id)
    assert job["status"] == "failed" and job["attempts"] >= 2, job
    assert "発行記録がありません" in job["error"]
