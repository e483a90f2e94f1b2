"""所属長: grant a role, attest it in the periodic review, unlock a locked clerk — each an event by the 所属長."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from console_support import shot, sign_in

from conftest import Served
from domain.shared.events import DomainError
from domain.staff.model import StaffMember, staff_member_id
from domain.staff.values import Role

pytestmark = pytest.mark.browser


def _events(served: Served, staff_id: str, kind: type) -> list[Any]:
    stored = served.ward.c.app.repository.event_store.get(staff_member_id(staff_id))
    return [e for e in stored if isinstance(e, kind)]


def test_grant_attest_and_unlock(page: Any, served: Served) -> None:
    ward = served.ward
    sup = ward.staff(Role.SUPERVISOR, prefix="sup")
    clerk = ward.staff()
    locked = ward.staff(Role.TAXATION)
    for _ in range(5):
        with contextlib.suppress(DomainError):  # each attempt is refused; the fifth locks the account
            ward.c.staff.sign_in(
                staff_id=locked,
                password="wrong password!!",
                totp_code="000000",
                terminal="T",
                now=served.now(),
            )
    assert ward.c.staff.get(locked).locked

    sign_in(page, ward, sup, "OPERATIONS")
    page.goto("/console/supervisor")
    page.get_by_label("職員ID").first.fill(clerk)
    page.locator("#grant-role").select_option("COUNTER")
    page.get_by_label("理由（臨時の付与は必須・記録されます）").fill("窓口の応援")
    page.locator("#grant").click()
    assert "窓口 の権限を付与しました" in page.locator("#done").inner_text()
    granted = _events(served, clerk, StaffMember.RoleGranted)
    assert len(granted) == 1 and granted[0].actor == sup and granted[0].role is Role.COUNTER

    page.get_by_role("button", name=f"{clerk} の 窓口 を確認").click()
    assert "確認しました" in page.locator("#done").inner_text()
    attested = _events(served, clerk, StaffMember.GrantAttested)
    assert len(attested) == 1 and attested[0].actor == sup

    page.locator("#unlock-staff").fill(locked)
    page.locator("#unlock-reason").fill("本人確認のうえ解除")
    page.locator("#unlock").click()
    assert "ロックを解除しました" in page.locator("#done").inner_text()
    unlocked = _events(served, locked, StaffMember.Unlocked)
    assert len(unlocked) == 1 and unlocked[0].actor == sup
    assert not ward.c.staff.get(locked).locked
    shot(page, "11-supervisor")


def test_a_clerk_is_not_a_supervisor(page: Any, served: Served) -> None:
    ward = served.ward
    clerk = ward.staff(Role.TAXATION)
    sign_in(page, ward, clerk, "OPERATIONS")
    response = page.goto("/console/supervisor")
    assert response is not None and response.status == 403


def test_break_glass_is_reviewed_after_the_fact(page: Any, served: Served) -> None:
    from datetime import timedelta

    from console_support import PASSWORD

    ward = served.ward
    user = ward.staff(Role.TAXATION)
    signed = ward.c.staff.sign_in(
        staff_id=user, password=PASSWORD, totp_code=ward.totp(user), terminal="T-9", now=served.now()
    )
    principal = ward.c.staff.check_session(signed.token, served.now())
    ward.c.staff.break_glass(
        principal=principal,
        role=Role.COLLECTION,
        reason="収納担当不在のため窓口対応",
        duration=timedelta(hours=1),
        now=served.now(),
    )
    sup = ward.staff(Role.SUPERVISOR, prefix="sup")
    sign_in(page, ward, sup, "OPERATIONS")
    page.goto("/console/supervisor")
    assert user in page.locator("#break-glass").inner_text()
    page.locator("#break-glass tr", has_text=user).locator("input[name=reason]").fill("窓口記録と照合し適切")
    page.locator("#break-glass tr", has_text=user).get_by_role("button", name="記録する").click()
    assert "事後確認を記録しました" in page.locator("#done").inner_text()
    reviewed = _events(served, user, StaffMember.BreakGlassReviewed)
    assert len(reviewed) == 1 and reviewed[0].actor == sup
    assert reviewed[0].appropriate is True and reviewed[0].note == "窓口記録と照合し適切"
    assert user not in (
        page.locator("#break-glass").inner_text() if page.locator("#break-glass").count() else ""
    )


def test_temporary_grant_limited_to_hours_and_terminal(page: Any, served: Served) -> None:
    from datetime import date, timedelta

    ward = served.ward
    clerk = ward.staff()
    sup = ward.staff(Role.SUPERVISOR, prefix="sup")
    sign_in(page, ward, sup, "OPERATIONS")
    page.goto("/console/supervisor")
    until = date.today() + timedelta(days=7)
    page.locator("#grant-staff").fill(clerk)
    page.locator("#grant-role").select_option("COLLECTION")
    page.locator("#grant-reason").fill("繁忙期の収納応援")
    page.locator("#grant-temporary").check()
    page.locator("#grant-to").fill(until.isoformat())
    page.locator("#grant-hours").fill("08:30-17:15")
    page.locator("#grant-terminals").fill("T-01, T-02")
    page.locator("#grant").click()
    assert "臨時の権限を付与しました" in page.locator("#done").inner_text()
    granted = _events(served, clerk, StaffMember.RoleGranted)
    assert len(granted) == 1
    event = granted[0]
    assert event.actor == sup and event.role is Role.COLLECTION and event.temporary is True
    assert event.valid_to == until and event.hours == "08:30-17:15"
    assert tuple(event.terminals) == ("T-01", "T-02")
    shot(page, "18-supervisor-temporary-grant")

    # A temporary grant without its reason is refused by the registry, with the reason shown.
    other = ward.staff()
    page.locator("#grant-staff").fill(other)
    page.locator("#grant-role").select_option("COUNTER")
    page.locator("#grant-temporary").check()
    page.locator("#grant").click()
    assert page.locator("#message").is_visible()
    assert not _events(served, other, StaffMember.RoleGranted)


def test_export_request_is_approved_by_another_supervisor(page: Any, served: Served) -> None:
    from application.usecases import Principal
    from application.usecases.provisions import RequestExport

    ward = served.ward
    maker = ward.staff(Role.SUPERVISOR, Role.TAXATION, prefix="sup")
    manifest = {
        "recipient": "給与特別徴収義務者",
        "legal_basis": "番号法第19条第1号",
        "items": ["給与特別徴収税額"],
        "subjects": ward.address_numbers()[:2],
        "fiscal_year": 2026,
    }
    requested = ward.c.use_cases.execute(
        RequestExport(manifest), Principal(actor=maker, terminal="test", kind="staff")
    )
    # The maker, though a 所属長, cannot approve their own request.
    sign_in(page, ward, maker, "OPERATIONS")
    page.goto("/console/supervisor")
    row = page.locator("#exports tr", has_text=maker)
    row.get_by_role("button", name="承認する").click()
    assert "承認できません" in page.locator("#message").inner_text()
    assert ward.c.exports.requests()[0].approved_by is None
    page.locator("#sign-out").click()

    checker = ward.staff(Role.SUPERVISOR, prefix="sup")
    sign_in(page, ward, checker, "OPERATIONS")
    page.goto("/console/supervisor")
    assert "給与特別徴収義務者" in page.locator("#exports").inner_text()
    shot(page, "19-supervisor-exports")
    page.locator("#exports tr", has_text=maker).get_by_role("button", name="承認する").click()
    assert "承認しました" in page.locator("#done").inner_text()
    token = page.locator("#export-token").inner_text()
    approved = ward.c.app.repository.get(requested.id)
    assert approved.approved_by == checker
    import hashlib

    assert approved.token_hash == hashlib.sha256(token.encode()).hexdigest(), (
        "the token shown is the one bound"
    )
    pending = page.locator("#exports")
    assert pending.count() == 0 or str(requested.id) not in pending.inner_html(), (
        "approved: no longer pending"
    )
