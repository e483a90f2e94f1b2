"""Small-N smoke of every ``juminzei bench`` benchmark (issue 9): they run, their baselines run, and the
figures they report are consistent. No wall-clock assertions: only counts, equalities and the ratio's
definition are checked."""

from __future__ import annotations

import json
import os
import shutil
from typing import Any

import pytest
from typer.testing import CliRunner

from adapters.audit import merkle_log
from domain.taxrules.engine import compute
from interfaces.cli.main import app
from tools.benchmarks.api import bench_api
from tools.benchmarks.calc import calc_inputs
from tools.benchmarks.common import DEFAULT_ADMIN_URL
from tools.benchmarks.levy import bench_levy
from tools.benchmarks.rebuild import bench_rebuild
from tools.benchmarks.verify import bench_verify
from tools.benchmarks.workload import populated_container

REQUIRED = {"name", "value", "unit", "baseline", "ratio"}


def _check_ratio(result: dict[str, Any]) -> None:
    assert set(result) >= REQUIRED
    assert result["value"] > 0 and result["baseline"] > 0
    assert result["ratio"] == pytest.approx(result["value"] / result["baseline"], rel=0.01)


def test_bench_calc_json(cli_env: dict[str, str]) -> None:
    out = CliRunner().invoke(app, ["bench", "calc", "--count", "200", "--json"], env=cli_env)
    assert out.exit_code == 0, out.output
    result = json.loads(out.stdout)
    _check_ratio(result)
    assert result["name"] == "calc" and result["computations"] == 200
    # The benchmark really ran the engine: its total is the engine's total over the same inputs.
    assert result["total_tax"] == sum(compute(i).total for i in calc_inputs(200))


def test_bench_levy_sqlite_json_batched_equals_naive(cli_env: dict[str, str]) -> None:
    out = CliRunner().invoke(
        app, ["bench", "levy", "--taxpayers", "60", "--backend", "sqlite", "--json"], env=cli_env
    )
    assert out.exit_code == 0, out.output
    result = json.loads(out.stdout)
    _check_ratio(result)
    assert result["backend"] == "sqlite"
    assert result["taxpayers"] > 0 and result["levied"] > 0 and result["total_tax"] > 0
    # The naive path saves once per aggregate: more ImportBatch chunk events, same levy (checked inside).
    assert result["baseline_events"] > result["events"] > result["taxpayers"]
    assert result["peak_rss_mib"] > 0


def test_bench_levy_postgres(pg_database: str) -> None:
    result = bench_levy(40, backend="postgres", admin_url=pg_database)
    data = result.to_json()
    _check_ratio(data)
    assert data["backend"] == "postgres" and data["taxpayers"] > 0


def test_bench_levy_refuses_unknown_backend(cli_env: dict[str, str]) -> None:
    out = CliRunner().invoke(app, ["bench", "levy", "--taxpayers", "5", "--backend", "oracle"], env=cli_env)
    assert out.exit_code == 2
    assert "--backend" in out.output


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_bench_rebuild_and_verify(backend: str, request: pytest.FixtureRequest) -> None:
    admin = request.getfixturevalue("pg_database") if backend == "postgres" else DEFAULT_ADMIN_URL
    with populated_container(40, backend=backend, admin_url=admin) as (c, run):
        rebuild = bench_rebuild(c).to_json()
        _check_ratio(rebuild)
        assert rebuild["events"] == run.events
        assert rebuild["views"] == len(c.runner.projections)
        assert all(s.lag == 0 and s.error is None for s in c.runner.status())
        verify = bench_verify(c).to_json()
        _check_ratio(verify)
        assert verify["verified"] is True and verify["events"] == c.app.head()


@pytest.mark.parametrize(
    ("driver", "server_workers", "log_events"), [("httpx", 1, 0), ("httpx", 2, 0), ("wrk", 1, 300)]
)
def test_bench_api_postgres(pg_database: str, driver: str, server_workers: int, log_events: int) -> None:
    """The API benchmark starts `juminzei serve` (one process, or several with --workers), drives it with
    wrk or the httpx client, and every query and command it sends succeeds; --log-events grows the log
    first (sealed and projected)."""
    if driver == "wrk" and shutil.which("wrk") is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("wrk is required under CI=true (.ci/run installs it)")
        pytest.skip("wrk is not installed")
    with populated_container(30, backend="postgres", admin_url=pg_database) as (c, _):
        before = c.taxpayer_queries.directory.count()
        head_before = c.app.head()
        result = bench_api(
            c,
            clients=3,
            seconds=1.0,
            max_requests=30,
            server_workers=server_workers,
            driver=driver,
            log_events=log_events,
        ).to_json()
        assert result["server_workers"] == server_workers and result["driver"] == driver
        assert result["log_events"] >= head_before + log_events
        c.runner.catch_up()
        registered = c.taxpayer_queries.directory.count() - before
        assert merkle_log.verify(c).ok
    _check_ratio(result)
    assert result["value"] == result["query"]["rps"] and result["baseline"] == result["livez"]["rps"]
    for phase in ("query", "query_1_connection", "command", "livez"):
        assert result[phase]["requests"] > 0 and result[phase]["errors"] == {}, result[phase]
        assert result[phase]["p50_ms"] <= result[phase]["p95_ms"] <= result[phase]["p99_ms"]
        assert 0 <= result[phase]["client_cpu_share"] <= 1
    assert result["scaling_query_vs_1_connection"] == pytest.approx(
        result["query"]["rps"] / result["query_1_connection"]["rps"], rel=0.01
    )
    for phase in ("query", "command"):  # the sealer caught up after each load phase
        assert result[phase]["seal_lag_zero_after_s"] is not None, result[phase]
    if driver == "httpx":
        assert registered == result["command"]["requests"], "each command registered one taxpayer"
    else:  # wrk counts answered requests; one still in flight when it stopped may register too
        assert registered >= result["command"]["requests"]
