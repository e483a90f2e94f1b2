"""``juminzei bench …``: benchmarks reported as ratios against a same-process baseline (docs/performance.md)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from adapters.logging import configure_logging
from interfaces.cli.common import JSON_OPTION, console, fail, print_json

if TYPE_CHECKING:
    from collections.abc import Callable

    from interfaces.bootstrap import Container
    from tools.benchmarks.common import BenchResult

# The benchmarks are tooling (package ``tools``, above this layer): each command imports its benchmark
# inside the function, so that no other command loads them (pyproject [tool.importlinter] ignore_imports).

app = typer.Typer(
    help="ベンチマーク: 同一プロセス内のベースラインとの比 (ratio = ours / baseline) で報告します。"
)


@app.callback()
def _quiet_logs() -> None:
    """Benchmarks log warnings only (per-batch info lines would be measured too)."""
    configure_logging("console", "WARNING")


BACKEND_OPTION = typer.Option(
    "postgres", "--backend", help="postgres (throw-away databases) or sqlite (temp files)."
)
ADMIN_URL_OPTION = typer.Option(
    None,
    "--admin-url",
    help="PostgreSQL URL used to CREATE/DROP the juminzei_bench_* databases"
    " (default: JUMINZEI_TEST_POSTGRES_URL, else postgresql://postgres@127.0.0.1:5432/test).",
)


def _admin_url(given: str | None) -> str:
    from tools.benchmarks.common import DEFAULT_ADMIN_URL

    return given or DEFAULT_ADMIN_URL


def _report(result: BenchResult, as_json: bool) -> None:
    if as_json:
        print_json(result.to_json())
        return
    console.print(
        f"[bold]{result.name}[/]: {result.value:,.1f} {result.unit}"
        f"  (baseline {result.baseline:,.1f} {result.unit}, ratio {result.ratio:.2f})"
    )
    for key, value in result.details.items():
        console.print(f"  {key}: {value}")


def _check_backend(backend: str) -> None:
    if backend not in ("postgres", "sqlite"):
        fail(f"--backend は postgres か sqlite を指定してください（指定値: {backend}）。", 2)


def _on_populated_ward(
    taxpayers: int, backend: str, admin_url: str | None, bench: Callable[[Container], BenchResult]
) -> BenchResult:
    """Run ``bench`` on a synthetic ward of ``taxpayers`` in a throw-away store of ``backend``."""
    _check_backend(backend)
    from tools.benchmarks.workload import populated_container

    with populated_container(taxpayers, backend=backend, admin_url=_admin_url(admin_url)) as (c, _):
        return bench(c)


@app.command("levy")
def levy(
    taxpayers: int = typer.Option(20_000, "--taxpayers", min=1, help="合成区の納税義務者数の目安."),
    seed: int = typer.Option(42, "--seed"),
    fiscal_year: int = typer.Option(2026, "--fiscal-year"),
    backend: str = BACKEND_OPTION,
    admin_url: str | None = ADMIN_URL_OPTION,
    baseline: bool = typer.Option(True, "--baseline/--no-baseline", help="Also run the naive path (ratio)."),
    workdir: Path | None = typer.Option(None, "--workdir", help="Keep generated files here (default: temp)."),
    levy_workers: int = typer.Option(
        2, "--levy-workers", min=1, help="当初賦課のワーカープロセス数（PostgreSQL; 基準側は常に 1）."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """取込 + 名寄せ + 当初賦課 + 集計: batched saves vs one save per aggregate (the naive path)."""
    _check_backend(backend)
    from tools.benchmarks.levy import bench_levy

    result = bench_levy(
        taxpayers,
        levy_workers=levy_workers,
        seed=seed,
        fiscal_year=fiscal_year,
        backend=backend,
        admin_url=_admin_url(admin_url),
        baseline=baseline,
        workdir=workdir,
    )
    _report(result, as_json)


@app.command("rebuild")
def rebuild(
    taxpayers: int = typer.Option(5_000, "--taxpayers", min=1, help="Size of the ward whose log is rebuilt."),
    backend: str = BACKEND_OPTION,
    admin_url: str | None = ADMIN_URL_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """全集計ビューの再構築 vs 同じログの読取り+復号のみ (events/s)."""
    from tools.benchmarks.rebuild import bench_rebuild

    _report(_on_populated_ward(taxpayers, backend, admin_url, bench_rebuild), as_json)


@app.command("verify")
def verify(
    taxpayers: int = typer.Option(
        5_000, "--taxpayers", min=1, help="Size of the ward whose log is verified."
    ),
    backend: str = BACKEND_OPTION,
    admin_url: str | None = ADMIN_URL_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """監査ログ (Merkle) の全体検証 vs 同じ葉データの SHA-256 のみ (events/s)."""
    from tools.benchmarks.verify import bench_verify

    _report(_on_populated_ward(taxpayers, backend, admin_url, bench_verify), as_json)


@app.command("calc")
def calc(
    count: int = typer.Option(20_000, "--count", min=1, help="Number of tax computations."),
    as_json: bool = JSON_OPTION,
) -> None:
    """税額計算エンジン単体の計算速度 vs 単純な算術 (computations/s)."""
    from tools.benchmarks.calc import bench_calc

    _report(bench_calc(count), as_json)


@app.command("api")
def api(
    clients: int = typer.Option(50, "--clients", min=1, max=500, help="Concurrent clients (closed loop)."),
    seconds: float = typer.Option(10.0, "--seconds", min=0.5, max=600, help="Duration of each phase."),
    max_requests: int = typer.Option(20_000, "--max-requests", min=1, help="Upper bound per phase."),
    taxpayers: int = typer.Option(2_000, "--taxpayers", min=1, help="Size of the ward the server holds."),
    server_workers: int = typer.Option(1, "--server-workers", min=1, max=32, help="`serve --workers`."),
    driver: str = typer.Option(
        "auto",
        "--driver",
        help="負荷生成: wrk, httpx, auto（wrk があれば wrk; --max-requests は httpx のみ）.",
    ),
    log_events: int = typer.Option(
        0, "--log-events", min=0, help="計測前にログへ追加するイベント数（照会記録; 封印・集計まで）."
    ),
    backend: str = BACKEND_OPTION,
    admin_url: str | None = ADMIN_URL_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """HTTP API: 単一納税者の照会（記録あり; 50 接続と 1 接続）と登録コマンドの rps・p50/p99 vs /livez (loopback)."""
    if driver not in ("auto", "wrk", "httpx"):
        fail(f"--driver は wrk, httpx, auto のいずれかを指定してください（指定値: {driver}）。", 2)
    from tools.benchmarks.api import bench_api

    def run(c: Container) -> BenchResult:
        return bench_api(
            c,
            clients=clients,
            seconds=seconds,
            max_requests=max_requests,
            server_workers=server_workers,
            driver=driver,
            log_events=log_events,
        )

    _report(_on_populated_ward(taxpayers, backend, admin_url, run), as_json)
