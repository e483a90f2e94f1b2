"""Helpers for the HTTP API tests (importable as ``http_support``)."""

from __future__ import annotations

import base64
import uuid
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from adapters.settings import Settings
from interfaces.bootstrap import build
from interfaces.http.app import create_app
from interfaces.http.auth import StaticTokenAuthenticator

MASTER_KEY = base64.b64encode(b"k" * 32).decode()
TOKENS = "t-clerk01:clerk01,t-clerk02:clerk02,t-inspector:inspector01"
FISCAL_YEAR = 2026


def auth(
    token: str = "t-clerk01", purpose: str | None = None, key: str | None = None, **extra: str
) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if purpose is not None:
        headers["X-Purpose"] = purpose
    if key is not None:
        headers["Idempotency-Key"] = key
    headers.update(extra)
    return headers


def new_key() -> str:
    return str(uuid.uuid4())


def make_client(tmp: Path) -> TestClient:
    settings = Settings(
        database_url=f"sqlite:///{tmp / 'api.db'}", master_key=MASTER_KEY, var_dir=tmp / "var"
    )
    app = create_app(
        lambda: build(settings, upgrade=True), StaticTokenAuthenticator.parse(TOKENS), wait_timeout=1.0
    )
    return TestClient(app, raise_server_exceptions=bool(__import__("os").environ.get("HTTP_TEST_RAISE")))


def upload(client: TestClient, path: Path, kind: str, url: str = "/imports", key: str | None = None) -> Any:
    return client.post(
        url,
        headers=auth(purpose="intake", key=key or new_key()),
        files={"file": (path.name, path.read_bytes(), "application/octet-stream")},
        data={"kind": kind},
    )
