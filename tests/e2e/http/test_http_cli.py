"""``juminzei serve --openapi-out`` and ``juminzei jobs status`` (server.register on a fresh typer app)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from interfaces.cli import server
from interfaces.http.openapi import render


def _app() -> typer.Typer:
    app = typer.Typer()
    server.register(app)
    return app


def test_serve_writes_the_openapi_document(tmp_path: Path) -> None:
    out = tmp_path / "openapi.json"
    result = CliRunner().invoke(_app(), ["serve", "--openapi-out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == render()


def test_jobs_status_lists_jobs(cli_env: dict[str, str]) -> None:
    from adapters.persistence.jobs import JobStore
    from adapters.settings import Settings
    from interfaces.bootstrap import build
    from interfaces.jobs import run_inline
    from tests_support import staff_principal

    c = build(Settings(), upgrade=True)
    try:
        staff_principal(c, "clerk01")  # the submitter: the job runs under its grants
        job, dispatch = JobStore(c.db).submit("read_models", "read_models:test", {}, "clerk01")
        assert dispatch
        assert run_inline(c, job.job_id).status == "succeeded"
        failing, _ = JobStore(c.db).submit("document", "document:none", {"document_id": "none"}, "clerk01")
        assert run_inline(c, failing.job_id).status == "failed"
    finally:
        c.close()
    result = CliRunner().invoke(_app(), ["jobs", "status", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["counts"]["succeeded"] == 1 and body["counts"]["failed"] == 1
    failed = next(j for j in body["jobs"] if j["status"] == "failed")
    assert failed["attempts"] == 1 and "発行記録がありません" in failed["error"]
