"""Benchmarks behind ``juminzei bench`` (issue 9; docs/performance.md).

Every benchmark runs its baseline in the same process, on the same data, and reports
``ratio = ours / baseline`` (higher is better) next to the absolute figures, because shared machines are
noisy and absolute times drift. No benchmark changes a guarantee to look faster: the measured paths are
the production ones (encryption, audit metadata, exactly-once projections, chunked transactions).

Databases: the levy, rebuild and verify benchmarks build a fresh store per run. ``postgres`` creates
throw-away databases (``juminzei_bench_*``) beside the admin URL's database and drops them afterwards;
``sqlite`` uses files in a temporary directory.
"""

from __future__ import annotations

import base64
import hashlib
import os
import resource
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from adapters.settings import Settings
from domain.shared.events import CommandContext
from domain.shared.purpose import Purpose
from interfaces.bootstrap import Container, build

BENCH_ACTOR = "job:bench"
DEFAULT_ADMIN_URL = os.environ.get("JUMINZEI_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@dataclass
class BenchResult:
    """One benchmark's figures. ``value`` and ``baseline`` are rates in ``unit``; ``ratio = value / baseline``."""

    name: str
    value: float
    unit: str
    baseline: float
    ratio: float
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": round(self.value, 2),
            "unit": self.unit,
            "baseline": round(self.baseline, 2),
            "ratio": float(f"{self.ratio:.4g}"),  # significant digits: calc ratios are small
            **self.details,
        }


def _ratio(ours: float, baseline: float) -> float:
    return ours / baseline if baseline > 0 else 0.0


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ----------------------------------------------------------------------------------------- databases


@contextmanager
def fresh_container(
    backend: str, label: str, workdir: Path, admin_url: str = DEFAULT_ADMIN_URL
) -> Iterator[Container]:
    """A migrated, empty store of ``backend`` (``sqlite`` or ``postgres``), removed afterwards."""
    var_dir = workdir / f"var-{label}"
    var_dir.mkdir(parents=True, exist_ok=True)
    master_key = base64.b64encode(hashlib.sha256(f"bench:{label}".encode()).digest()).decode()
    dropper: Callable[[], None] = lambda: None  # noqa: E731
    if backend == "sqlite":
        url = f"sqlite:///{var_dir / 'bench.db'}"
    elif backend == "postgres":
        url, dropper = _create_postgres_database(admin_url, f"juminzei_bench_{label}_{os.getpid()}")
    else:
        raise ValueError(f"unknown backend {backend!r} (sqlite or postgres)")
    cfg = Settings(database_url=url, master_key=master_key, var_dir=var_dir, log_level="ERROR")
    container = build(cfg, upgrade=True)
    try:
        yield container
    finally:
        container.close()
        dropper()


def _create_postgres_database(admin_url: str, name: str) -> tuple[str, Callable[[], None]]:
    import psycopg

    def drop() -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(admin_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment)), drop


# ------------------------------------------------------------------------------------------- workload


@dataclass
class PipelineRun:
    """What one end-to-end run (import → match → levy → projections) did and how long it took."""

    seconds: float
    events: int
    taxpayers: int
    levied: int
    non_taxable: int
    skipped: int
    total_tax: int
    records: int
    phases: dict[str, float] = field(default_factory=dict)

    def outcome(self) -> tuple[int, int, int, int, int]:
        return (self.taxpayers, self.levied, self.non_taxable, self.skipped, self.total_tax)


def run_pipeline(
    c: Container,
    manifest: dict[str, Any],
    data_dir: Path,
    *,
    naive: bool = False,
    levy_workers: int = 1,
    worker_peaks_mib: list[float] | None = None,
) -> PipelineRun:
    """Import every manifest file, match, run the 当初賦課 and bring every projection up to date.

    ``naive=True`` is the baseline: one eventsourcing ``save`` per aggregate per command (chunk size 1 in
    intake and levy) in one process — the same code path and guarantees, without batching.
    ``levy_workers`` runs the levy in that many processes (``levy run --workers``; PostgreSQL only).
    """
    from adapters.formats.registry import read_file
    from interfaces.parallel_levy import run_levy

    if naive:
        c.intake.chunk_size = 1
        c.levy.chunk_size = 1
    fiscal_year = int(manifest["fiscal_year"])
    phases = {"parse": 0.0, "import": 0.0, "projections": 0.0, "levy": 0.0}
    started = time.perf_counter()
    records = 0

    def timed(phase: str, fn: Callable[[], Any]) -> Any:
        begin = time.perf_counter()
        value = fn()
        phases[phase] += time.perf_counter() - begin
        return value

    for entry in manifest["files"]:
        received = timed("parse", lambda e=entry: read_file(e["kind"], data_dir / e["path"]))
        ctx = CommandContext(
            actor=BENCH_ACTOR, purpose=Purpose.INTAKE, command_id=f"bench:{received.sha256[:16]}"
        )
        timed("projections", c.runner.catch_up)  # matching reads the registry projection
        summary = timed("import", lambda r=received, x=ctx: c.intake.import_file(r, x))
        records += summary.received
    timed("projections", c.runner.catch_up)
    levy_ctx = CommandContext(
        actor=BENCH_ACTOR, purpose=Purpose.INITIAL_LEVY, command_id=f"bench-levy:{fiscal_year}"
    )
    workers = 1 if naive else levy_workers
    levy = timed(
        "levy",
        lambda: run_levy(c, fiscal_year, levy_ctx, workers=workers, worker_peaks_mib=worker_peaks_mib),
    )
    timed("projections", c.runner.catch_up)
    seconds = time.perf_counter() - started
    return PipelineRun(
        seconds=seconds,
        events=c.app.head(),
        taxpayers=levy.levied + levy.non_taxable + levy.skipped_total,
        levied=levy.levied,
        non_taxable=levy.non_taxable,
        skipped=levy.skipped_total,
        total_tax=levy.total_tax,
        records=records,
        phases={k: round(v, 2) for k, v in phases.items()},
    )


def _generate(
    workdir: Path, taxpayers: int, seed: int, fiscal_year: int
) -> tuple[dict[str, Any], Path, float]:
    from adapters.synthetic.generator import generate

    data_dir = workdir / "data"
    started = time.perf_counter()
    manifest = generate(data_dir, taxpayers=taxpayers, seed=seed, fiscal_year=fiscal_year)
    return manifest, data_dir, time.perf_counter() - started


@contextmanager
def _workdir(keep: Path | None) -> Iterator[Path]:
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
        return
    path = Path(tempfile.mkdtemp(prefix="juminzei-bench-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


# ------------------------------------------------------------------------------------------ 1. levy


def bench_levy(
    taxpayers: int,
    *,
    seed: int = 42,
    fiscal_year: int = 2026,
    backend: str = "postgres",
    admin_url: str = DEFAULT_ADMIN_URL,
    baseline: bool = True,
    workdir: Path | None = None,
    levy_workers: int = 2,
) -> BenchResult:
    """Import + match + levy + projections, batched (ours) against the naive one-save-per-aggregate path.

    Ours runs the levy in ``levy_workers`` processes (``levy run --workers``; PostgreSQL only); the naive
    path is one process, one save per aggregate per command."""
    with _workdir(workdir) as work:
        manifest, data_dir, generate_seconds = _generate(work, taxpayers, seed, fiscal_year)
        with fresh_container(backend, "ours", work, admin_url) as c:
            worker_peaks: list[float] = []
            ours = run_pipeline(
                c, manifest, data_dir, levy_workers=levy_workers, worker_peaks_mib=worker_peaks
            )
        peak = peak_rss_mib()
        naive: PipelineRun | None = None
        if baseline:
            with fresh_container(backend, "naive", work, admin_url) as c:
                naive = run_pipeline(c, manifest, data_dir, naive=True)
            if naive.outcome() != ours.outcome():  # a faster path must compute the same levy
                raise RuntimeError(f"batched and naive runs disagree: {ours.outcome()} != {naive.outcome()}")
    value = ours.taxpayers / ours.seconds if ours.seconds else 0.0
    base = naive.taxpayers / naive.seconds if naive and naive.seconds else 0.0
    return BenchResult(
        name="levy",
        value=value,
        unit="taxpayers/s",
        baseline=base,
        ratio=_ratio(value, base),
        details={
            "backend": backend,
            "levy_workers": levy_workers if backend == "postgres" else 1,
            "baseline_levy_workers": 1,
            "taxpayers": ours.taxpayers,
            "levied": ours.levied,
            "records_imported": ours.records,
            "events": ours.events,
            "seconds": round(ours.seconds, 2),
            "events_per_s": round(ours.events / ours.seconds, 1) if ours.seconds else 0.0,
            "seconds_by_phase": ours.phases,
            "baseline_seconds": round(naive.seconds, 2) if naive else None,
            "baseline_seconds_by_phase": naive.phases if naive else None,
            "baseline_events": naive.events if naive else None,
            "generate_seconds": round(generate_seconds, 2),
            "generate_taxpayers_per_s": round(taxpayers / generate_seconds, 1) if generate_seconds else 0.0,
            "peak_rss_mib": round(peak, 1),
            # Each levy worker is a process of its own, running beside this one.
            "peak_rss_levy_workers_mib": [round(w, 1) for w in worker_peaks],
            "total_tax": ours.total_tax,
        },
    )


# --------------------------------------------------------------------------------- populated stores


@contextmanager
def populated_container(
    taxpayers: int,
    *,
    backend: str,
    seed: int = 42,
    fiscal_year: int = 2026,
    admin_url: str = DEFAULT_ADMIN_URL,
) -> Iterator[tuple[Container, PipelineRun]]:
    """A fresh store holding one synthetic ward after its levy (for the read-side benchmarks)."""
    with _workdir(None) as work:
        manifest, data_dir, _ = _generate(work, taxpayers, seed, fiscal_year)
        with fresh_container(backend, "read", work, admin_url) as c:
            yield c, run_pipeline(c, manifest, data_dir)


# --------------------------------------------------------------------------------------- 2. rebuild


def raw_read_rate(c: Container, page_size: int = 1000) -> tuple[int, float]:
    """Baseline: read and decode (decrypt, deserialize) every stored event, no view writes."""
    from adapters.audit.merkle_log import _iter_notifications

    started = time.perf_counter()
    count = 0
    page: list[Any] = []
    for notification in _iter_notifications(c.app, 1, page_size):
        page.append(notification)
        if len(page) == page_size:  # decoded a page at a time, as the projections do
            count += sum(1 for _ in c.app.mapper.to_domain_events(page))  # type: ignore[attr-defined]
            page = []
    count += sum(1 for _ in c.app.mapper.to_domain_events(page))  # type: ignore[attr-defined]
    return count, time.perf_counter() - started


def bench_rebuild(c: Container) -> BenchResult:
    """Blue/green rebuild of every read model against the raw read+decode of the same log."""
    raw_count, raw_seconds = raw_read_rate(c)
    head = c.app.head()
    started = time.perf_counter()
    reports = c.runner.rebuild_many(list(c.runner.projections))  # one pass over the log for all views
    seconds = time.perf_counter() - started
    if not all(report.identical for report in reports):  # a faster rebuild must build the same views
        raise RuntimeError(f"rebuilt views differ: {[r.name for r in reports if not r.identical]}")
    value = head / seconds if seconds else 0.0
    base = raw_count / raw_seconds if raw_seconds else 0.0
    return BenchResult(
        name="rebuild",
        value=value,
        unit="events/s",
        baseline=base,
        ratio=_ratio(value, base),
        details={
            "events": head,
            "seconds": round(seconds, 3),
            "baseline_seconds": round(raw_seconds, 3),
            "views": len(reports),
            "rows_per_view": {r.name: r.rows for r in reports},
        },
    )


# ---------------------------------------------------------------------------------------- 3. verify


def bench_verify(c: Container) -> BenchResult:
    """Merkle verification of the whole log against SHA-256 over the same leaf bytes in a tight loop."""
    from adapters.audit.merkle_log import _iter_notifications, encode_leaf, seal, verify
    from domain.audit.merkle import leaf_hash

    seal(c)
    leaves = [
        encode_leaf(int(n.id), n.originator_id, int(n.originator_version), str(n.topic), bytes(n.state))
        for n in _iter_notifications(c.app, 1, 1000)
    ]
    started = time.perf_counter()
    for leaf in leaves:
        leaf_hash(leaf)
    base_seconds = time.perf_counter() - started
    started = time.perf_counter()
    report = verify(c)
    seconds = time.perf_counter() - started
    if not report.ok:
        raise RuntimeError(f"audit log does not verify: {report.reason}")
    value = len(leaves) / seconds if seconds else 0.0
    base = len(leaves) / base_seconds if base_seconds else 0.0
    return BenchResult(
        name="verify",
        value=value,
        unit="events/s",
        baseline=base,
        ratio=_ratio(value, base),
        details={
            "events": len(leaves),
            "bytes": sum(len(leaf) for leaf in leaves),
            "seconds": round(seconds, 3),
            "baseline_seconds": round(base_seconds, 4),
            "verified": report.ok,
        },
    )


# ------------------------------------------------------------------------------------------ 5. calc


def calc_inputs(count: int, seed: int = 7, fiscal_year: int = 2026) -> list[Any]:
    """Deterministic, varied engine inputs: salary earners, pensioners, filers, dependants, donors."""
    import random

    from domain.taxrules.model import Credits, Deductions, Income, Relative, TaxInput, TaxpayerFacts

    rng = random.Random(seed)
    inputs = []
    for i in range(count):
        kind = i % 4
        salary = rng.randrange(1_000_000, 12_000_000, 1000) if kind in (0, 3) else 0
        pension = rng.randrange(600_000, 3_000_000, 1000) if kind == 1 else 0
        business = rng.randrange(0, 8_000_000, 1000) if kind == 2 else 0
        dependents = tuple(
            Relative(birth_date=date(fiscal_year - rng.randrange(1, 30), 4, 1))
            for _ in range(rng.randrange(0, 3))
        )
        inputs.append(
            TaxInput(
                fiscal_year=fiscal_year,
                taxpayer=TaxpayerFacts(birth_date=date(fiscal_year - rng.randrange(20, 90), 6, 15)),
                income=Income(salary_revenue=salary, public_pension_revenue=pension, business=business),
                deductions=Deductions(social_insurance=salary // 7 + business // 10),
                dependents=dependents,
                credits=Credits(furusato_donations=rng.choice((0, 0, 0, 30_000, 100_000))),
            )
        )
    return inputs


def _floor_levy(salary: int, pension: int, business: int, social: int) -> int:
    """Baseline arithmetic floor: a flat 10 % on income after a crude deduction, no trace, no rules."""
    income = max(salary * 7 // 10 + max(pension - 1_100_000, 0) + business - social - 430_000, 0)
    return income // 1000 * 1000 // 10 + 5_000


def bench_calc(count: int = 20_000) -> BenchResult:
    """Engine computations per second (full rules and trace) against a bare arithmetic floor."""
    from domain.taxrules.engine import compute
    from domain.taxrules.registry import rule_set_for

    inputs = calc_inputs(count)
    rules = rule_set_for(inputs[0].fiscal_year) if inputs else None
    started = time.perf_counter()
    floor_total = 0
    for inp in inputs:
        floor_total += _floor_levy(
            inp.income.salary_revenue,
            inp.income.public_pension_revenue,
            inp.income.business,
            inp.deductions.social_insurance,
        )
    base_seconds = time.perf_counter() - started
    started = time.perf_counter()
    total = 0
    for inp in inputs:
        total += compute(inp, rules).total
    seconds = time.perf_counter() - started
    value = count / seconds if seconds else 0.0
    base = count / base_seconds if base_seconds else 0.0
    return BenchResult(
        name="calc",
        value=value,
        unit="computations/s",
        baseline=base,
        ratio=_ratio(value, base),
        details={
            "computations": count,
            "seconds": round(seconds, 3),
            "total_tax": total,
            "microseconds_per_computation": round(seconds / count * 1e6, 1) if count else 0.0,
        },
    )


# ------------------------------------------------------------------------------------------- 4. api


def _percentiles(samples: list[float]) -> dict[str, float]:
    """p50/p95/p99 in milliseconds (nearest rank)."""
    if not samples:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "p99_ms": 0.0}
    ordered = sorted(samples)

    def rank(p: int) -> float:
        index = max(0, min(len(ordered) - 1, -(-p * len(ordered) // 100) - 1))
        return round(ordered[index] * 1000, 2)

    return {"p50_ms": rank(50), "p95_ms": rank(95), "p99_ms": rank(99)}


async def _load(
    base_url: str,
    requests: Callable[[int], tuple[str, str, dict[str, str], Any]],
    *,
    clients: int,
    seconds: float,
    max_requests: int,
) -> dict[str, Any]:
    """Closed-loop load: ``clients`` concurrent clients, each sending its next request when the last
    answered, until ``seconds`` pass or ``max_requests`` are sent. Non-2xx answers are counted as errors."""
    import asyncio

    import httpx

    latencies: list[float] = []
    errors: dict[str, int] = {}
    samples: list[str] = []
    sent = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30.0) as client:

        async def worker() -> None:
            nonlocal sent
            while time.perf_counter() < deadline and sent < max_requests:
                n = sent
                sent += 1
                method, path, headers, body = requests(n)
                begin = time.perf_counter()
                try:
                    response = await client.request(method, path, headers=headers, json=body)
                except httpx.TransportError as error:  # a dropped connection is an error, not a crash
                    latencies.append(time.perf_counter() - begin)
                    errors[type(error).__name__] = errors.get(type(error).__name__, 0) + 1
                    continue
                latencies.append(time.perf_counter() - begin)
                if response.status_code >= 300:
                    errors[str(response.status_code)] = errors.get(str(response.status_code), 0) + 1
                    if len(samples) < 3:  # problem details never echo input values (ADR 0013)
                        samples.append(response.text[:300])

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "throughput_rps": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "errors": errors,
        "error_samples": samples,
        **_percentiles(latencies),
    }


@contextmanager
def _server(c: Container, token: str, workers: int = 1) -> Iterator[str]:
    """``juminzei serve`` in a child process on a free loopback port, on ``c``'s database."""
    import socket
    import subprocess
    import sys

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "JUMINZEI_DATABASE_URL": c.settings.database_url,
        "JUMINZEI_MASTER_KEY": c.settings.master_key or "",
        "JUMINZEI_VAR_DIR": str(c.settings.var_dir),
        "JUMINZEI_API_TOKENS": f"{token}:bench01:bench",
        "JUMINZEI_LOG_LEVEL": "WARNING",
    }
    server_log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "interfaces.cli.main",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        # A file, not a pipe: nobody reads the server's log while it runs, and a full pipe would block
        # the server mid-request.
        stderr=server_log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if process.poll() is not None:
                server_log.seek(0)
                raise RuntimeError(f"juminzei serve exited: {server_log.read().decode()[-2000:]}")
            try:
                if httpx.get(f"{base}/health", timeout=1.0).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        else:
            raise RuntimeError("juminzei serve did not become ready in 30 s")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        server_log.seek(0)
        tail = server_log.read()[-4000:].decode(errors="replace")
        server_log.close()
        if os.environ.get("JUMINZEI_BENCH_SERVER_LOG"):
            Path(os.environ["JUMINZEI_BENCH_SERVER_LOG"]).write_text(tail, encoding="utf-8")


def bench_api(
    c: Container,
    *,
    clients: int = 50,
    seconds: float = 10.0,
    max_requests: int = 20_000,
    server_workers: int = 1,
) -> BenchResult:
    """Single-taxpayer queries and registration commands over loopback against ``juminzei serve``;
    baseline: ``GET /health`` through the same server, client and concurrency."""
    import asyncio
    import uuid

    token = f"bench-{uuid.uuid4().hex}"
    people = [row.address_number for row in c.taxpayer_queries.directory.search("", None, 500)]
    if not people:
        raise RuntimeError("the store has no taxpayers to query")
    auth = {"Authorization": f"Bearer {token}"}
    query_headers = {**auth, "X-Purpose": "registry"}

    def health(n: int) -> tuple[str, str, dict[str, str], Any]:
        return "GET", "/health", {}, None

    def query(n: int) -> tuple[str, str, dict[str, str], Any]:
        return "GET", f"/taxpayers/{people[n % len(people)]}/residence?fiscal_year=2026", query_headers, None

    run_id = f"{uuid.uuid4().int % 1_000_000:06d}"  # 宛名番号 are digits only

    def command(n: int) -> tuple[str, str, dict[str, str], Any]:
        body = {
            "address_number": f"9{run_id}{n:08d}",  # 15 digits, outside the generated ward
            "name": "目黒太郎",
            "kana": "メグロタロウ",
            "birth_date": "1980-01-01",
            "sex": "M",
            "address": "東京都目黒区上目黒二丁目19番15号",
        }
        return (
            "POST",
            "/taxpayers",
            {**auth, "X-Purpose": "registry", "Idempotency-Key": f"{run_id}-{n}"},
            body,
        )

    with _server(c, token, server_workers) as base:
        load = lambda fn, s: asyncio.run(  # noqa: E731
            _load(base, fn, clients=clients, seconds=s, max_requests=max_requests)
        )
        load(health, min(seconds, 1.0))  # warm-up: connections, imports, caches
        baseline = load(health, seconds)
        queries = load(query, seconds)
        commands = load(command, seconds)
    value = float(queries["throughput_rps"])
    base_rate = float(baseline["throughput_rps"])
    return BenchResult(
        name="api",
        value=value,
        unit="requests/s",
        baseline=base_rate,
        ratio=_ratio(value, base_rate),
        details={
            "clients": clients,
            "server_workers": server_workers,
            "seconds_per_phase": seconds,
            "query": queries,
            "command": commands,
            "baseline_health": baseline,
        },
    )
