"""``bench api``: the HTTP API over loopback (``juminzei serve`` in a child process), closed-loop load."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from interfaces.bootstrap import Container
from tools.benchmarks.common import BenchResult


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

        def load(fn: Any, s: float) -> dict[str, Any]:
            result: dict[str, Any] = asyncio.run(
                _load(base, fn, clients=clients, seconds=s, max_requests=max_requests)
            )
            return result

        load(health, min(seconds, 1.0))  # warm-up: connections, imports, caches
        baseline = load(health, seconds)
        queries = load(query, seconds)
        commands = load(command, seconds)
    value = float(queries["throughput_rps"])
    base_rate = float(baseline["throughput_rps"])
    return BenchResult.compared(
        "api",
        value,
        "requests/s",
        baseline=base_rate,
        details={
            "clients": clients,
            "server_workers": server_workers,
            "seconds_per_phase": seconds,
            "query": queries,
            "command": commands,
            "baseline_health": baseline,
        },
    )
