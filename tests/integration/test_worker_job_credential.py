"""The worker under a job credential (ADR 0023): with ``JUMINZEI_CREDENTIAL_FILE`` every job runs as the batch
credential — its events name the job id and the issuing 所属長 — and after revocation the next job is refused."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import time_machine

from adapters.persistence.jobs import FAILED, SUCCEEDED, JobStore
from domain.shared.events import CommandContext
from domain.shared.purpose import Purpose
from domain.staff.values import Role
from integration.test_retention import person
from interfaces.bootstrap import build
from interfaces.jobs import run_inline
from tests_support import PASSWORD


def _job(c: Any, payload: dict[str, Any], actor: str = "clerk-x") -> Any:
    job, _ = JobStore(c.db).submit("read_models", f"read_models:{json.dumps(payload)}", payload, actor)
    return run_inline(c, job.job_id)


def test_the_worker_runs_jobs_as_its_credential_until_revoked(make_settings: Any, tmp_path: Path) -> None:
    credential = tmp_path / "worker.cred"
    cfg = make_settings(f"sqlite:///{tmp_path / 'w.db'}", credential_file=credential)
    c = build(cfg, upgrade=True)
    try:
        now = datetime.now(UTC)
        c.staff.bootstrap(
            staff_id="sup-01", name="所属長", department="税務課", password=PASSWORD, terminal="t", now=now
        )
        sup = CommandContext(actor="sup-01", purpose=Purpose.OPERATIONS, command_id="issue")
        secret = c.staff.issue_job_credential(
            job_id="worker-01", roles=[Role.TAXATION], valid_to=date(2099, 3, 31), ctx=sup, now=now
        )
        credential.write_text(secret + "\n", encoding="utf-8")
        with time_machine.travel(date(2026, 7, 1), tick=False):
            person(c, "810001", "夜間花子", "ヤカンハナコ", "東京都目黒区夜間1", 2026)
        c.runner.catch_up()
        head = c.app.head()
        levy, _ = JobStore(c.db).submit("levy", "levy:2026", {"fiscal_year": 2026}, "clerk-x")
        assert run_inline(c, levy.job_id).status == SUCCEEDED
        stored = [
            c.app.mapper.to_domain_event(n)
            for n in c.app.recorder.select_notifications(start=head + 1, limit=50)
        ]
        assert stored, "the levy run recorded its events"
        assert {(e.actor, e.source_ref) for e in stored} == {("worker-01", "issued-by:sup-01")}
        assert _job(c, {"n": 1}).status == SUCCEEDED
        c.staff.revoke_job_credential(
            job_id="worker-01",
            reason="夜間処理の終了",
            ctx=CommandContext("sup-01", Purpose.OPERATIONS, "r"),
            now=now,
        )
        refused = _job(c, {"n": 2})
        assert refused.status == FAILED and "資格情報" in (refused.error or "")
    finally:
        c.close()
