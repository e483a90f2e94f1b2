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
        # Authenticated, but this clerk holds no grant yet: the route policy refuses (deny by default).
        assert client.get("/taxpayers", params={"kana": "ア"}, headers=headers).status_code == 403
        assert client.get("/taxpayers", params={"kana": "ア"}).status_code == 401
        bad = client.get(
            "/taxpayers", params={"kana": "ア"}, headers={**headers, "Authorization": "Bearer nope"}
        )
        assert bad.status_code == 401 and bad.headers["content-type"].startswith("application/problem+json")
        clock.shift(timedelta(hours=9))  # past the 8-hour session lifetime
        assert client.get("/taxpayers", params={"kana": "ア"}, headers=headers).status_code == 401
        assert client.get("/health").status_code == 200, "health needs no session"


def test_route_policy_inspectors_read_only_clerks_within_grants(tmp_path: Path) -> None:
    from urllib.parse import parse_qs, urlparse

    import pyotp

    from domain.staff.values import Role

    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'api.db'}", master_key=MASTER_KEY, var_dir=tmp_path / "var"
    )
    holder: dict[str, Container] = {}

    def container() -> Container:
        if "c" not in holder:
            holder["c"] = build(settings, upgrade=True)
        return holder["c"]

    start = datetime(2026, 6, 15, 1, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        c = container()
        tokens = {}
        for staff_id in ("sup-01", "sup-02", "clerk-01", "insp-01"):
            ctx = CommandContext(actor="hr", purpose=Purpose.OPERATIONS, command_id=f"e-{staff_id}")
            c.staff.enroll(staff_id=staff_id, name=staff_id, department="税務課", password=PASSWORD, ctx=ctx)
            secret = parse_qs(urlparse(c.staff.enroll_second_factor(staff_id=staff_id, ctx=ctx)).query)[
                "secret"
            ][0]
            tokens[staff_id] = secret
        grant = CommandContext(actor="sup-02", purpose=Purpose.OPERATIONS, command_id="g0")
        c.staff.grant(staff_id="sup-01", role=Role.SUPERVISOR, ctx=grant, now=start)
        by_sup = CommandContext(actor="sup-01", purpose=Purpose.OPERATIONS, command_id="g1")
        c.staff.grant(staff_id="clerk-01", role=Role.TAXATION, ctx=by_sup, now=start)
        c.staff.grant(staff_id="insp-01", role=Role.INSPECTOR, ctx=by_sup, now=start)
        bearer = {}
        for staff_id in ("clerk-01", "insp-01"):
            result = c.staff.sign_in(
                staff_id=staff_id,
                password=PASSWORD,
                totp_code=pyotp.TOTP(tokens[staff_id]).at(start),
                terminal="T",
                now=start,
            )
            bearer[staff_id] = {"Authorization": f"Bearer {result.token}"}
        client = TestClient(
            create_app(container, ChainAuthenticator(StaffSessionAuthenticator(lambda: container().staff)))
        )
        body = {
            "address_number": "123",
            "name": "試験",
            "kana": "シケン",
            "birth_date": "1990-01-01",
            "sex": "M",
            "address": "目黒区",
        }
        as_inspector = client.post(
            "/taxpayers",
            json=body,
            headers={**bearer["insp-01"], "X-Purpose": "registry", "Idempotency-Key": "k1"},
        )
        assert as_inspector.status_code == 403 and "判定ID" in as_inspector.json()["detail"]
        as_clerk = client.post(
            "/taxpayers",
            json=body,
            headers={**bearer["clerk-01"], "X-Purpose": "registry", "Idempotency-Key": "k2"},
        )
        assert as_clerk.status_code in (200, 201), as_clerk.text
        assert client.get("/audit/verify", headers=bearer["insp-01"]).status_code == 200
        assert client.get("/audit/verify", headers=bearer["clerk-01"]).status_code == 403
        seen = client.get(
            "/taxpayers", params={"kana": "シ"}, headers={**bearer["insp-01"], "X-Purpose": "audit"}
        )
        assert seen.status_code == 200, "inspectors read"
