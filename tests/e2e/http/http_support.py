"""Helpers for the HTTP API tests (importable as ``http_support``)."""

from __future__ import annotations

import base64
import uuid
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from adapters.settings import Settings
from interfaces.bootstrap import Container, build
from interfaces.http.app import create_app
from interfaces.http.auth import StaticTokenAuthenticator
from tests_support import ALL_ROLES, enrol_staff

MASTER_KEY = base64.b64encode(b"k" * 32).decode()
TOKENS = "t-clerk01:clerk01,t-clerk02:clerk02,t-inspector:inspector01"
#: The staff the development tokens name, enrolled through the real StaffService with these roles: clerk01
#: is the first 所属長 (every role); the policy decides every token request on these grants (ADR 0023).
TOKEN_STAFF: dict[str, tuple[str, ...]] = {
    "clerk01": (),
    "clerk02": ALL_ROLES,
    "inspector01": ("監査",),
}
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


def build_with_token_staff(settings: Settings, staff: dict[str, tuple[str, ...]] | None = None) -> Container:
    """The container, with the staff the development tokens name enrolled (``TOKEN_STAFF``)."""
    c = build(settings, upgrade=True)
    for staff_id, roles in (TOKEN_STAFF if staff is None else staff).items():
        enrol_staff(c, staff_id, *roles)
    return c


def make_client(tmp: Path, tokens: str = TOKENS) -> TestClient:
    """A client of an app on a private SQLite file whose development ``tokens`` name ``TOKEN_STAFF``."""
    settings = Settings(
        database_url=f"sqlite:///{tmp / 'api.db'}", master_key=MASTER_KEY, var_dir=tmp / "var"
    )
    app = create_app(
        lambda: build_with_token_staff(settings), StaticTokenAuthenticator.parse(tokens), wait_timeout=1.0
    )
    return TestClient(app, raise_server_exceptions=bool(__import__("os").environ.get("HTTP_TEST_RAISE")))


def upload(client: TestClient, path: Path, kind: str, url: str = "/imports", key: str | None = None) -> Any:
    return client.post(
        url,
        headers=auth(purpose="intake", key=key or new_key()),
        files={"file": (path.name, path.read_bytes(), "application/octet-stream")},
        data={"kind": kind},
    )
