"""The levy is one use case: the CLI, the HTTP API and the worker run the same handler (issue 21).

Three identical wards, one levied from each entry point: same options, same result, same events; a bad
option is refused by the one handler with the field named, whichever entry point carried it."""

from __future__ import annotations

import base64
import json
from datetime import date
from pathlib import Path
from typing import Any

import time_machine
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from adapters.persistence.jobs import FAILED, JobStore
from adapters.settings import Settings
from application.usecases.levy import RunLevy
from integration.test_retention import person
from interfaces.bootstrap import Container, build
from interfaces.cli.main import app as cli
from interfaces.http.app import create_app
from interfaces.http.auth import StaticTokenAuthenticator
from interfaces.jobs import run_inline
from tests_support import CliStaff, enrol_staff, staff_principal

KEY = base64.b64encode(b"u" * 32).decode()
YEAR = 2026


def _settings(tmp: Path, name: str) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp / name / 'j.db'}", master_key=KEY, var_dir=tmp / name / "var"
    )


def _ward(cfg: Settings) -> None:
    c = build(cfg, upgrade=True)
    try:
        with time_machine.travel(date(2026, 7, 1), tick=False):
            for n in range(4):
                person(c, f"81000{n}", "一件花子", "イッケンハナコ", f"東京都目黒区一件{n}", YEAR)
    finally:
        c.close()


def _env(cfg: Settings) -> dict[str, str]:
    """The CLI environment with clerk01 signed in (staff bootstrap + sign-in through the CLI)."""
    env = {
        "JUMINZEI_DATABASE_URL": cfg.database_url,
        "JUMINZEI_MASTER_KEY": KEY,
        "JUMINZEI_VAR_DIR": str(cfg.var_dir),
    }
    return CliStaff(env, str(cfg.var_dir / "cli-session.json"))("clerk01")


def _assessed(cfg: Settings) -> list[tuple[str, int]]:
    """(taxpayer, 税額) of every levied assessment, from the read model."""
    c = build(cfg)
    try:
        c.runner.catch_up()
        ids = c.levy.index.assessments(YEAR)
        found = [
            (str(c.app.repository.get(a).taxpayer_id), c.app.repository.get(a).amounts.total) for a in ids
        ]
        return sorted(found)
    finally:
        c.close()


def _client(cfg: Settings) -> TestClient:
    """The API with a development token for clerk01, enrolled (every role): the policy checks its grants."""

    def container() -> Container:
        c = build(cfg)
        enrol_staff(c, "clerk01")
        return c

    api = create_app(container, StaticTokenAuthenticator.parse("t1:clerk01"), wait_timeout=1.0)
    return TestClient(api)


def _http_levy(client: TestClient, body: dict[str, Any], key: str) -> Any:
    return client.post(
        "/levy/runs",
        json=body,
        headers={"Authorization": "Bearer t1", "X-Purpose": "initial_levy", "Idempotency-Key": key},
    )


def _job(cfg: Settings, payload: dict[str, Any]) -> Any:
    c = build(cfg)
    try:
        staff_principal(c, "clerk01")  # the submitter, enrolled: the worker runs the job under its grants
        job, _ = JobStore(c.db).submit("levy", f"levy:{json.dumps(payload)}", payload, "clerk01")
        return run_inline(c, job.job_id)
    finally:
        c.close()


def test_cli_http_and_worker_levy_give_the_same_result_and_events(tmp_path: Path) -> None:
    wards = {name: _settings(tmp_path, name) for name in ("cli", "http", "worker")}
    for cfg in wards.values():
        _ward(cfg)

    by_cli = CliRunner().invoke(
        cli, ["levy", "run", "--fiscal-year", str(YEAR), "--json"], env=_env(wards["cli"])
    )
    assert by_cli.exit_code == 0, by_cli.output
    cli_result = json.loads(by_cli.stdout)

    with _client(wards["http"]) as client:
        by_http = _http_levy(client, {"fiscal_year": YEAR}, "k-1")
    assert by_http.status_code == 200, by_http.text
    http_result = by_http.json()

    job = _job(wards["worker"], {"fiscal_year": YEAR})
    assert job.status == "succeeded", job.error
    worker_result = job.result

    shape = {"levied", "non_taxable", "skipped", "total_tax", "skipped_reasons"}
    assert shape <= set(cli_result) and shape <= set(http_result) and shape <= set(worker_result)
    assert (
        {k: cli_result[k] for k in shape}
        == {k: http_result[k] for k in shape}
        == {k: worker_result[k] for k in shape}
    )
    assert cli_result["levied"] == 4 and cli_result["total_tax"] > 0
    assert http_result["fiscal_year"] == worker_result["fiscal_year"] == YEAR
    assert _assessed(wards["cli"]) == _assessed(wards["http"]) == _assessed(wards["worker"])


def test_a_bad_taxpayer_option_is_refused_by_the_one_handler_from_every_entry_point(tmp_path: Path) -> None:
    cfg = _settings(tmp_path, "w")
    _ward(cfg)
    by_cli = CliRunner().invoke(
        cli, ["levy", "run", "--fiscal-year", str(YEAR), "--taxpayer", "999999"], env=_env(cfg)
    )
    assert by_cli.exit_code == 2
    assert "--taxpayer: 宛名番号が登録されていません: 999999" in by_cli.output

    with _client(cfg) as client:
        by_http = _http_levy(client, {"fiscal_year": YEAR, "taxpayers": ["999999"]}, "k-2")
    assert by_http.status_code == 422, by_http.text
    problem = by_http.json()
    assert problem["errors"] == [
        {"field": "body.taxpayer", "message": "宛名番号が登録されていません: 999999"}
    ]

    job = _job(cfg, {"fiscal_year": YEAR, "taxpayers": ["999999"]})
    assert job.status == FAILED and job.error == "宛名番号が登録されていません: 999999"

    # Nobody was levied by any of the three refusals; then 随時賦課 of one taxpayer works from the bus itself.
    assert _assessed(cfg) == []
    c = build(cfg)
    try:
        outcome = c.use_cases.execute(RunLevy(YEAR, ("810002",)), staff_principal(c, "clerk01"))
    finally:
        c.close()
    assert outcome.levied == 1 and len(_assessed(cfg)) == 1
