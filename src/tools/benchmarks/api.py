"""``bench api``: the HTTP API over loopback (``juminzei serve`` in a child process), closed-loop load.

The load comes from ``wrk`` when it is installed (a C client: the client must not be the bottleneck), else
from an httpx client in this process; either way the client's share of the machine's CPU is reported.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from interfaces.bootstrap import Container
from tools.benchmarks.common import BenchResult, ratio


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


#: The staff member the benchmark's development token names.
BENCH_STAFF = "bench01"


def _bench_staff(c: Container) -> None:
    """The benchmark's token is decided by the access policy like every request (ADR 0023): on a store
    with no staff (the synthetic ward) ``bench01`` is enrolled as the first 所属長 (``staff bootstrap``);
    elsewhere it must already be enrolled with 窓口 or 課税."""
    import secrets
    from datetime import UTC, datetime

    if next(iter(c.staff.staff_ids()), None) is None:
        c.staff.bootstrap(
            staff_id=BENCH_STAFF, name="ベンチマーク", department="税務課",
            password=secrets.token_urlsafe(24), terminal="bench", now=datetime.now(UTC),
        )  # fmt: skip
        return
    c.staff.get(BENCH_STAFF)  # DomainError (not enrolled) before the server starts


@contextmanager
def _server(c: Container, token: str, workers: int = 1) -> Iterator[tuple[str, int]]:
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
        "JUMINZEI_API_TOKENS": f"{token}:{BENCH_STAFF}:bench",
        "JUMINZEI_ALLOW_DEV_TOKENS": "true",  # a benchmark's own throwaway token, never production
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
        yield base, process.pid
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


Request = tuple[str, str, dict[str, str], Any]

#: wrk prints its figures as one JSON line (latencies in microseconds).
_WRK_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\n{"requests":%d,"duration_us":%d,"transport_errors":%d,"status_errors":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _wrk_script(phase: str, headers: dict[str, str], people_file: Path | None, run_id: str) -> str:
    """The Lua script of one phase: rotating taxpayers for queries, a fresh 宛名番号 and Idempotency-Key per
    command (per wrk thread: ``tid``), plain GETs for /livez."""
    lines = [f"wrk.headers[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items()]
    # setup() runs in wrk's main state; thread:set gives each thread's state its own global ``tid``.
    lines.append(
        "local n = 0\nlocal counter = 0\n"
        "setup = function(thread) counter = counter + 1; thread:set('tid', counter) end"
    )
    if phase == "query":
        assert people_file is not None
        lines.append(
            f"local people = {{}}\nfor line in io.lines({_lua_string(str(people_file))}) do"
            " people[#people + 1] = line end"
        )
        lines.append(
            "request = function()\n  n = n + 1\n"
            "  return wrk.format('GET', '/taxpayers/' .. people[(n + tid * 7919) % #people + 1] .."
            " '/residence?fiscal_year=2026')\nend"
        )
    elif phase == "command":
        lines.append("wrk.headers['Content-Type'] = 'application/json'")
        lines.append(
            "request = function()\n  n = n + 1\n"
            f"  local number = string.format('9{run_id}%d%07d', tid % 10, n)\n"
            '  local body = \'{"address_number":"\' .. number .. \'","name":"目黒太郎",\''
            ' .. \'"kana":"メグロタロウ","birth_date":"1980-01-01","sex":"M",\''
            ' .. \'"address":"東京都目黒区上目黒二丁目19番15号"}\'\n'
            "  wrk.headers['Idempotency-Key'] = 'bench-' .. number\n"
            "  return wrk.format('POST', '/taxpayers', nil, body)\nend"
        )
    else:
        lines.append("request = function() return wrk.format('GET', '/livez') end")
    return "\n".join(lines) + "\n" + _WRK_DONE


def _process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and its reaped children (Linux /proc), 0 if unreadable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of ``pid`` and its live children (``serve --workers N`` forks N processes)."""
    total = _process_cpu_seconds(pid)
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return total + sum(_tree_cpu_seconds(int(child)) for child in children)


def _share(cpu_seconds: float, elapsed: float) -> float:
    """Share of the whole machine's CPU (all cores) used over ``elapsed`` seconds."""
    cores = os.cpu_count() or 1
    return round(cpu_seconds / (elapsed * cores), 3) if elapsed > 0 else 0.0


def _wrk(base: str, script: str, *, clients: int, seconds: float, workdir: Path) -> dict[str, Any]:
    import json
    import subprocess

    path = workdir / f"phase-{uuid4_hex()}.lua"
    path.write_text(script, encoding="utf-8")
    threads = max(1, min(2, clients))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{clients}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "30s",
            "-s",
            str(path),
            base,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed (exit {out.returncode}): {(out.stderr or out.stdout)[-1000:]}")
    figures = json.loads(lines[-1])
    duration = figures["duration_us"] / 1e6
    errors: dict[str, int] = {}
    if figures["transport_errors"]:
        errors["transport"] = figures["transport_errors"]
    if figures["status_errors"]:
        errors["non_2xx"] = figures["status_errors"]
    client_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "requests": figures["requests"],
        "rps": round(figures["requests"] / duration, 1) if duration else 0.0,
        "errors": errors,
        "p50_ms": round(figures["p50_us"] / 1000, 2),
        "p95_ms": round(figures["p95_us"] / 1000, 2),
        "p99_ms": round(figures["p99_us"] / 1000, 2),
        "client_cpu_share": _share(client_cpu, elapsed),
    }


def uuid4_hex() -> str:
    import uuid

    return uuid.uuid4().hex[:8]


def _httpx(
    base: str, requests: Callable[[int], Request], *, clients: int, seconds: float, max_requests: int
) -> dict[str, Any]:
    import asyncio

    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    result: dict[str, Any] = asyncio.run(
        _load(base, requests, clients=clients, seconds=seconds, max_requests=max_requests)
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    result["rps"] = result.pop("throughput_rps")
    result["client_cpu_share"] = _share(
        (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), elapsed
    )
    return result


def _seal_drain(base: str, timeout: float = 30.0) -> dict[str, Any]:
    """Seal lag right after a load phase, and how long until the sealer reached 0 (polled via /readyz)."""
    import httpx

    def lag() -> int:
        try:
            body = httpx.get(f"{base}/readyz", timeout=10.0).json()
            return int(body["checks"]["audit_seal"]["seal_lag"])
        except (httpx.HTTPError, KeyError, ValueError):
            return -1  # not answered (still busy): ask again

    started = time.perf_counter()
    first = lag()
    current = first
    zero_at = 0.0 if first == 0 else None
    while current != 0 and time.perf_counter() - started < timeout:
        time.sleep(0.02)
        current = lag()
        if current == 0:
            zero_at = time.perf_counter() - started
    return {
        "seal_lag_after_load": first,
        "seal_lag_zero_after_s": None if zero_at is None else round(zero_at, 3),
    }


def prefill_log(c: Container, events: int, chunk: int = 1000) -> int:
    """Grow the log by ``events`` access-journal events (one transaction per ``chunk``), then seal and
    project them, so that a run measures the API over a long log; returns the new head."""
    from adapters.audit.merkle_log import seal
    from domain.audit.access import AccessRecord
    from domain.shared.events import CommandContext
    from domain.shared.purpose import Purpose
    from tools.benchmarks.common import BENCH_ACTOR

    people = [row.taxpayer_id for row in c.taxpayer_queries.directory.search("", None, 500)]
    done = 0
    while done < events:
        records = []
        for n in range(done, min(events, done + chunk)):
            ctx = CommandContext(actor=BENCH_ACTOR, purpose=Purpose.REGISTRY, command_id=f"bench-prefill-{n}")
            records.append(
                AccessRecord.record_view(
                    action="taxpayer.residence",
                    subject_ids=(people[n % len(people)],),
                    items=("住所履歴",),
                    criteria=("address_number", "fiscal_year"),
                    ctx=ctx,
                )
            )
        c.app.save(*records)
        done += len(records)
    seal(c)
    c.runner.catch_up()
    return c.app.head()


def bench_api(
    c: Container,
    *,
    clients: int = 50,
    seconds: float = 10.0,
    max_requests: int = 20_000,
    server_workers: int = 1,
    driver: str = "auto",
    log_events: int = 0,
) -> BenchResult:
    """Journaled single-taxpayer queries (at ``clients`` connections and at 1) and idempotent registration
    commands over loopback against ``juminzei serve``; baseline: ``GET /livez`` (touches nothing) through
    the same server, client and concurrency. ``driver``: ``wrk``, ``httpx`` or ``auto`` (wrk if installed).
    ``log_events``: grow the log by that many events first (the growth target)."""
    import shutil
    import uuid

    if driver == "auto":
        driver = "wrk" if shutil.which("wrk") else "httpx"
    if driver not in ("wrk", "httpx"):
        raise ValueError(f"unknown driver {driver!r} (wrk, httpx or auto)")
    head = prefill_log(c, log_events) if log_events else c.app.head()
    token = f"bench-{uuid.uuid4().hex}"
    _bench_staff(c)
    people = [row.address_number for row in c.taxpayer_queries.directory.search("", None, 500)]
    if not people:
        raise RuntimeError("the store has no taxpayers to query")
    auth = {"Authorization": f"Bearer {token}"}
    query_headers = {**auth, "X-Purpose": "registry"}
    run_id = f"{uuid.uuid4().int % 1_000_000:06d}"  # 宛名番号 are digits only

    def livez(n: int) -> Request:
        return "GET", "/livez", {}, None

    def query(n: int) -> Request:
        return "GET", f"/taxpayers/{people[n % len(people)]}/residence?fiscal_year=2026", query_headers, None

    def command(n: int) -> Request:
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

    phases: dict[str, tuple[Callable[[int], Request], dict[str, str]]] = {
        "livez": (livez, {}),
        "query": (query, query_headers),
        "command": (command, {**auth, "X-Purpose": "registry"}),
    }
    with (
        tempfile.TemporaryDirectory(prefix="juminzei-bench-api-") as tmp,
        _server(c, token, server_workers) as (base, server_pid),
    ):
        workdir = Path(tmp)
        people_file = workdir / "people.txt"
        people_file.write_text("\n".join(people), encoding="utf-8")

        def load(name: str, connections: int, s: float) -> dict[str, Any]:
            fn, headers = phases[name]
            cpu_before = _tree_cpu_seconds(server_pid)
            started = time.perf_counter()
            if driver == "wrk":
                script = _wrk_script(name, headers, people_file, run_id)
                result = _wrk(base, script, clients=connections, seconds=s, workdir=workdir)
            else:
                result = _httpx(base, fn, clients=connections, seconds=s, max_requests=max_requests)
            result["server_cpu_share"] = _share(
                _tree_cpu_seconds(server_pid) - cpu_before, time.perf_counter() - started
            )
            return result

        load("livez", clients, min(seconds, 1.0))  # warm-up: connections, imports, caches
        load("query", clients, min(seconds, 1.0))
        baseline = load("livez", clients, seconds)
        queries = load("query", clients, seconds)
        drain = _seal_drain(base)
        single = load("query", 1, seconds)
        commands = load("command", clients, seconds)
        drain_commands = _seal_drain(base)
    value = float(queries["rps"])
    base_rate = float(baseline["rps"])
    return BenchResult.compared(
        "api",
        value,
        "requests/s",
        baseline=base_rate,
        details={
            "driver": driver,
            "clients": clients,
            "server_workers": server_workers,
            "seconds_per_phase": seconds,
            "log_events": head,
            "query": {**queries, **drain},
            "query_1_connection": single,
            "command": {**commands, **drain_commands},
            "livez": baseline,
            "query_over_livez": round(ratio(value, base_rate), 4),
            "scaling_query_vs_1_connection": round(ratio(value, float(single["rps"])), 2),
            "cores": os.cpu_count(),
            "load_average_1m": round(os.getloadavg()[0], 2),
        },
    )
