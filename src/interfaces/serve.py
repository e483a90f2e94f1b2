"""Server composition: the HTTP API with its job dispatcher, and the background worker (``juminzei serve``,
``juminzei worker``). The one place that joins ``interfaces.http`` and ``interfaces.worker``; each of those
packages, like ``interfaces.cli``, depends only on the use cases and the container (issue 21).
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from fastapi import FastAPI

from interfaces.bootstrap import Container
from interfaces.http.app import create_app
from interfaces.http.core import JobDispatcher


def logged_app() -> FastAPI:
    """``default_app`` with logging configured: the factory each ``juminzei serve --workers N`` process runs."""
    from adapters.logging import configure_logging
    from adapters.settings import Settings

    settings = Settings()
    configure_logging(settings.log_format, settings.log_level)
    return default_app()


def server_settings(settings: Any) -> Any:
    """Settings of an API process: each database pool holds a connection per route thread, plus the
    followers' (docs/performance.md)."""
    return settings.model_copy(update={"db_pool_size": max(settings.db_pool_size, settings.api_threads + 2)})


def default_app() -> FastAPI:
    """The app ``juminzei serve`` runs: settings from the environment; development tokens from
    JUMINZEI_API_TOKENS only with JUMINZEI_ALLOW_DEV_TOKENS=true (refused at startup otherwise, ADR 0023).

    On PostgreSQL this is server mode (issue 15, ADR 0024): requests hand committed positions to the
    sealer and the projection follower, which run as threads of this process behind their advisory locks
    (``JUMINZEI_FOLLOWERS=false``: only the separate ``audit seal --follow`` / ``projections follow`` units).
    On SQLite (one desk) every request still projects and seals what it stored before it answers."""
    from adapters.settings import Settings
    from interfaces.bootstrap import build
    from interfaces.bootstrap.unit_of_work import Handoff
    from interfaces.follow import start_followers, stop_followers
    from interfaces.http.auth import ChainAuthenticator, StaffSessionAuthenticator, StaticTokenAuthenticator

    settings = server_settings(Settings())
    server_mode = settings.database_url.startswith("postgres")
    shared: dict[str, Container] = {}
    lock = threading.Lock()

    def container() -> Container:
        with lock:
            if "c" not in shared:
                built = build(settings)
                if server_mode:
                    built.handoff = Handoff()
                    built.app.group_journal_writes()
                shared["c"] = built
            return shared["c"]

    dispatcher: JobDispatcher | None = None
    background = None
    if server_mode:
        from interfaces.worker.broker import DramatiqDispatcher, declare_actor, make_broker

        actor, _ = declare_actor(make_broker(settings.broker_url), lambda: build(settings))
        dispatcher = DramatiqDispatcher(actor)

        def background() -> Any:
            stop = threading.Event()
            try:
                c = container()
            except Exception:  # the database is down: /readyz says so; no followers in this process
                return lambda: None
            threads = start_followers(c, stop) if settings.followers else []
            return lambda: stop_followers(stop, threads, c)

    authenticator = ChainAuthenticator(
        StaffSessionAuthenticator(lambda: container().staff),
        StaticTokenAuthenticator.configured(settings.api_tokens, allowed=settings.allow_dev_tokens),
    )
    # SQLite has one writer: more threads than two only queue on its lock (and time out there, issue 15);
    # queued in the thread pool instead, requests wait their turn.
    threads = settings.api_threads if server_mode else min(settings.api_threads, SQLITE_API_THREADS)
    from interfaces.console import attach

    return attach(
        create_app(container, authenticator, dispatcher=dispatcher, threads=threads, background=background),
        container,
        dispatcher=dispatcher.dispatch if dispatcher is not None else None,
    )


#: Route threads of an API process on SQLite (one desk).
SQLITE_API_THREADS = 2


def write_openapi(path: str) -> None:
    """Write the OpenAPI document (``scripts/openapi``)."""
    from pathlib import Path

    from interfaces.http.openapi import render

    Path(path).write_text(render(), encoding="utf-8")


def run_http(host: str, port: int, workers: int) -> None:
    """Serve the API; with ``workers`` > 1 each process imports ``logged_app`` and builds its own pool."""
    import uvicorn

    if workers > 1:
        uvicorn.run(
            "interfaces.serve:logged_app",
            factory=True,
            workers=workers,
            host=host,
            port=port,
            log_level="warning",
        )
        return
    uvicorn.run(default_app(), host=host, port=port, log_level="warning")


def run_worker(threads: int, on_started: Any = None) -> None:
    """Run the dramatiq worker on the configured broker until SIGTERM or SIGINT."""
    from adapters.settings import Settings
    from interfaces.bootstrap import build
    from interfaces.follow import start_followers, stop_followers
    from interfaces.worker.broker import declare_actor, make_broker, start_worker

    cfg = Settings()
    broker = make_broker(cfg.broker_url)
    _, holder = declare_actor(broker, lambda: build(cfg))
    stop = threading.Event()
    # The worker is a home for the one sealer and projection follower too (advisory locks: one works).
    followed = build(cfg) if cfg.followers and cfg.database_url.startswith("postgres") else None
    followers = start_followers(followed, stop) if followed is not None else []

    def _stop(*_: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    running = start_worker(broker, threads)
    if on_started is not None:
        on_started()
    try:
        stop.wait()
    finally:
        running.stop()
        stop_followers(stop, followers, followed)
        if followed is not None:
            followed.close()
        holder.close()
        broker.close()
