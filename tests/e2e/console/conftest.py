"""Fixtures for the console's browser tests: a synthetic ward served by a real server, driven in Chromium.

The ward is imported and levied through the use cases; staff members are enrolled, granted and given a
TOTP secret through ``StaffService`` (as the HTTP tests do); the console runs in ``uvicorn`` on a free
port and Debian's ``/usr/bin/chromium`` is driven by Playwright. Under ``CI=true`` a missing browser or
Playwright fails the tests instead of skipping them (``.ci/run`` installs chromium).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import structlog
from console_support import CHROMIUM, FISCAL_YEAR, Ward, new_ward

pytestmark = pytest.mark.browser
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(autouse=True)
def _fresh_logging() -> Iterator[None]:
    structlog.reset_defaults()
    yield
    structlog.reset_defaults()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    ward: Ward
    base_url: str
    #: Added to the real clock the console reads (sessions, policy): a test moves time forward with it.
    offset: list[timedelta]

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset[0]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    import uvicorn

    from interfaces.console import attach
    from interfaces.http.app import create_app
    from interfaces.http.auth import ChainAuthenticator, StaffSessionAuthenticator

    ward = new_ward(tmp_path_factory.mktemp("console"))
    offset = [timedelta(0)]
    app = attach(
        create_app(
            ward.container_factory, ChainAuthenticator(StaffSessionAuthenticator(lambda: ward.c.staff))
        ),
        ward.container_factory,
        clock=lambda: datetime.now(UTC) + offset[0],
    )
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the console server did not start")
        time.sleep(0.05)
    try:
        yield Served(ward=ward, base_url=f"http://localhost:{port}", offset=offset)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        ward.c.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if IN_CI:
            raise
        pytest.skip("playwright is not installed")
    if not Path(CHROMIUM).exists():
        if IN_CI:
            pytest.fail(f"{CHROMIUM} is missing (.ci/run installs Debian's chromium)")
        pytest.skip(f"{CHROMIUM} is missing")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--lang=ja-JP"])
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium: Any, served: Served) -> Iterator[Any]:
    context = chromium.new_context(
        viewport={"width": 1280, "height": 800}, locale="ja-JP", base_url=served.base_url
    )
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()


__all__ = ["FISCAL_YEAR", "Served"]
