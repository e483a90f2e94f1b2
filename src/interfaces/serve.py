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


def default_app() -> FastAPI:
    """The app ``juminzei serve`` runs: settings from the environment, tokens from JUMINZEI_API_TOKENS."""
    from adapters.settings import Settings
    from interfaces.bootstrap import build
    from interfaces.http.auth import ChainAuthenticator, StaffSessionAuthenticator, StaticTokenAuthenticator

    settings = Settings()
    shared: dict[str, Container] = {}

    def container() -> Container:
        if "c" not in shared:
            shared["c"] = build(settings)
        return shared["c"]

    dispatcher: JobDispatcher | None = None
    if settings.database_url.startswith("postgres"):
        from interfaces.worker.broker import DramatiqDispatcher, declare_actor, make_broker

        actor, _ = declare_actor(make_broker(settings.broker_url), lambda: build(settings))
        dispatcher = DramatiqDispatcher(actor)
    authenticator = ChainAuthenticator(
        StaffSessionAuthenticator(lambda: container().staff), StaticTokenAuthenticator.from_env()
    )
    from interfaces.console import attach

    return attach(create_app(container, authenticator, dispatcher=dispatcher), container)


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
    from interfaces.worker.broker import declare_actor, make_broker, start_worker

    cfg = Settings()
    broker = make_broker(cfg.broker_url)
    _, holder = declare_actor(broker, lambda: build(cfg))
    stop = threading.Event()

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
        holder.close()
        broker.close()
