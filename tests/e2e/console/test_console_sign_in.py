"""Screen 1, サインイン: password + TOTP + 利用目的; refusals, lockout, idle timeout and sign-out, in Chromium."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from console_support import PASSWORD, shot, sign_in

from conftest import Served
from domain.staff.model import StaffMember, staff_member_id
from domain.staff.values import Role, SignInFailure

pytestmark = pytest.mark.browser


def _staff_events(served: Served, staff_id: str) -> list[Any]:
    return list(served.ward.c.app.repository.event_store.get(staff_member_id(staff_id)))


def test_sign_in_header_purpose_change_and_sign_out(page: Any, served: Served) -> None:
    ward = served.ward
    clerk = ward.staff(Role.TAXATION)

    page.goto("/")  # `/` sends the browser to the console, which asks for a sign-in
    assert page.locator("h1").inner_text() == "サインイン"
    shot(page, "01-sign-in")
    page.get_by_label("職員ID").fill(clerk)
    page.get_by_label("パスワード", exact=True).fill(PASSWORD)
    page.get_by_label("ワンタイムパスワード（6桁）").fill(
        "000000" if ward.totp(clerk) != "000000" else "111111"
    )
    page.locator("#purpose").select_option("REGISTRY")
    page.locator("#sign-in").click()
    assert "正しくありません" in page.locator("#message").inner_text()
    failed = [e for e in _staff_events(served, clerk) if isinstance(e, StaffMember.SignInFailed)]
    assert [e.failure for e in failed] == [SignInFailure.WRONG_TOTP]

    sign_in(page, ward, clerk, "REGISTRY")
    assert page.locator("#staff-id").inner_text() == clerk
    assert page.locator("#current-purpose").inner_text() == "宛名管理"
    signed_in = [e for e in _staff_events(served, clerk) if isinstance(e, StaffMember.SignedIn)]
    assert len(signed_in) == 1 and signed_in[0].terminal == "console"

    cookies = {c["name"]: c for c in page.context.cookies()}
    session = cookies["jz_console"]
    assert session["httpOnly"] and session["secure"] and session["sameSite"] == "Strict"
    assert session["value"] not in page.content(), "the session token is never rendered into the page"
    response = page.goto("/console/")
    assert response is not None
    assert "script-src" not in response.headers["content-security-policy"]
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"
    shot(page, "02-menu")

    # Changing the purpose is explicit (a form in the header) and every later screen runs under it.
    page.locator("#purpose-select").select_option("CERTIFICATE")
    page.get_by_role("button", name="変更").click()
    assert page.locator("#current-purpose").inner_text() == "証明書交付"

    page.locator("#sign-out").click()
    assert page.locator("#message").inner_text() == "サインアウトしました。"
    ended = [e for e in _staff_events(served, clerk) if isinstance(e, StaffMember.SignedOut)]
    assert len(ended) == 1 and ended[0].session_id == signed_in[0].session_id
    # The signed-out token opens nothing, even if a browser kept it.
    page.context.add_cookies([{**session, "url": served.base_url} | {"domain": None, "path": None}])
    page.goto("/console/")
    assert page.locator("h1").inner_text() == "サインイン"


def test_lockout_and_idle_timeout_messages(page: Any, served: Served) -> None:
    ward = served.ward
    locked = ward.staff(Role.TAXATION)
    for _ in range(5):
        page.goto("/console/sign-in")
        page.get_by_label("職員ID").fill(locked)
        page.get_by_label("パスワード", exact=True).fill("not the password at all")
        page.get_by_label("ワンタイムパスワード（6桁）").fill("123456")
        page.locator("#purpose").select_option("REGISTRY")
        page.locator("#sign-in").click()
    assert "ロックされています" in page.locator("#message").inner_text()
    assert any(isinstance(e, StaffMember.LockedOut) for e in _staff_events(served, locked))
    shot(page, "01-sign-in-locked")

    idle = ward.staff(Role.TAXATION)
    sign_in(page, ward, idle)
    assert page.locator("#staff-id").inner_text() == idle
    # Thirty-one minutes without a request (the console's clock is moved on; the idle timeout is 30).
    served.offset[0] = timedelta(minutes=31)
    try:
        page.goto("/console/")
    finally:
        served.offset[0] = timedelta(0)
    assert "一定時間操作がなかった" in page.locator("#message").inner_text()
    ended = [e for e in _staff_events(served, idle) if isinstance(e, StaffMember.SignedOut)]
    assert len(ended) == 1 and ended[0].cause.value == "idle"
