"""The API authenticates staff sessions (password + TOTP); expired, signed-out or missing → 401."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine
from fastapi.testclient import TestClient
from http_support import MASTER_KEY

from adapters.settings import Settings
from domain.shared.events import CommandContext
from domain.shared.purpose import Purpose
from interfaces.bootstrap import Container, build
from interfaces.http.app import create_app
from interfaces.http.auth import ChainAuthenticator, StaffSessionAuthenticator

PASSWORD = "correct horse battery staple"


def test_staff_session_tokens_authenticate_and_expire(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'api.db'}", master_key=MASTER_KEY, var_dir=tmp_path / "var"
    )
    holder: dict[str, Container] = {}

    def container() -> Container:
        if "c" not in holder:
            holder["c"] = build(settings, upgrade=True)
        return holder["c"]

    start = datetime(2026, 6, 15, 1, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        c = container()
        ctx = CommandContext(actor="hr", purpose=Purpose.OPERATIONS, command_id="enrol")
        c.staff.enroll(staff_id="clerk-01", name="職員一", department="税務課", password=PASSWORD, ctx=ctx)
        uri = c.staff.enroll_second_factor(staff_id="clerk-01", ctx=ctx)
        from urllib.parse import parse_qs, urlparse

        import pyotp

        secret = parse_qs(urlparse(uri).query)["secret"][0]
        signed_in = c.staff.sign_in(
            staff_id="clerk-01",
            password=PASSWORD,
            totp_code=pyotp.TOTP(secret).at(start),
            terminal="T-1",
            now=start,
        )
        app = create_app(container, ChainAuthenticator(StaffSessionAuthenticator(lambda: container().staff)))
        client = TestClient(app)
        headers = {"Authorization": f"Bearer {signed_in.token}", "X-Purpose": "registry"}
        assert client.get("/taxpayers", params={"kana": "ア"}, headers=headers).status_code == 200
        assert client.get("/taxpayers", params={"kana": "ア"}).status_code == 401
        bad = client.get(
            "/taxpayers", params={"kana": "ア"}, headers={**headers, "Authorization": "Bearer nope"}
        )
        assert bad.status_code == 401 and bad.headers["content-type"].startswith("application/problem+json")
        clock.shift(timedelta(hours=9))  # past the 8-hour session lifetime
        assert client.get("/taxpayers", params={"kana": "ア"}, headers=headers).status_code == 401
        assert client.get("/health").status_code == 200, "health needs no session"
