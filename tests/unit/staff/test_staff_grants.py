"""Enrolment, grants (approver ≠ grantee, reasons, validity), attestation, review, break-glass, authorize."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from staff_support import NOW, PASSWORD, ctx, enroll, events, later, organisation, service, sign_in

from domain.shared.events import DomainError
from domain.shared.purpose import Purpose
from domain.staff.model import StaffMember
from domain.staff.policy import INDIVIDUAL_NUMBER_ITEM, Resource
from domain.staff.values import GrantStatus, Role

TAXPAYER = Resource("taxpayer", "t-1", ("氏名",))
MY_NUMBER = Resource("taxpayer", "t-1", (INDIVIDUAL_NUMBER_ITEM,))


@pytest.mark.parametrize("shared", ["admin", "Guest", "root"])
def test_shared_accounts_are_refused(container: Any, shared: str) -> None:
    with pytest.raises(DomainError) as refused:
        service(container).enroll(
            staff_id=shared, name="共用", department="税務課", password=PASSWORD, ctx=ctx("hr")
        )
    assert refused.value.code == "shared_id"


def test_enrolment_rules(container: Any) -> None:
    staff = service(container)
    with pytest.raises(DomainError) as weak:
        staff.enroll(staff_id="clerk-01", name="短い", department="税務課", password="short", ctx=ctx("hr"))
    assert weak.value.code == "weak_password"
    enroll(staff, "clerk-01")
    with pytest.raises(DomainError) as twice:
        staff.enroll(staff_id="clerk-01", name="二重", department="税務課", password=PASSWORD, ctx=ctx("hr"))
    assert twice.value.code == "already_enrolled"
    with pytest.raises(DomainError) as again:
        staff.enroll_second_factor(staff_id="clerk-01", ctx=ctx("hr"))
    assert again.value.code == "second_factor_exists"


def test_the_approver_is_never_the_grantee(container: Any) -> None:
    staff = service(container)
    organisation(staff)
    with pytest.raises(DomainError) as refused:
        staff.grant(staff_id="sup-01", role=Role.TAXATION, ctx=ctx("sup-01"), now=NOW)
    assert refused.value.code == "self_grant"


def test_the_aggregate_refuses_a_self_approved_grant() -> None:
    member = StaffMember.enroll(
        staff_id="clerk-09", name="本人", department="税務課", password_hash="$argon2id$x", ctx=ctx("hr")
    )
    with pytest.raises(DomainError) as refused:
        member.grant_role(
            role=Role.TAXATION,
            unit=None,
            valid_from=date(2026, 6, 15),
            valid_to=None,
            temporary=False,
            reason=None,
            bootstrap=False,
            now=NOW,
            ctx=ctx("clerk-09"),
        )
    assert refused.value.code == "self_grant"
    assert member.grants == ()


def test_the_first_supervisor_cannot_bootstrap_themself(container: Any) -> None:
    staff = service(container)
    enroll(staff, "sup-01")
    with pytest.raises(DomainError) as refused:
        staff.grant(staff_id="sup-01", role=Role.SUPERVISOR, ctx=ctx("sup-01"), now=NOW)
    assert refused.value.code == "self_grant"


def test_only_a_supervisor_in_force_approves(container: Any) -> None:
    staff = service(container)
    organisation(staff)
    enroll(staff, "clerk-02")
    with pytest.raises(DomainError) as refused:
        staff.grant(staff_id="clerk-02", role=Role.TAXATION, ctx=ctx("clerk-01"), now=NOW)
    assert refused.value.code == "not_supervisor"
    # Bootstrap is only possible while no supervisor exists.
    with pytest.raises(DomainError):
        staff.grant(staff_id="clerk-02", role=Role.SUPERVISOR, ctx=ctx("clerk-01"), now=NOW)


def test_bootstrap_grant_is_marked(container: Any) -> None:
    staff = service(container)
    organisation(staff)
    granted = [e for e in events(container, "sup-01") if isinstance(e, StaffMember.RoleGranted)]
    assert granted[0].bootstrap is True and granted[0].approved_by == "sup-02"
    normal = [e for e in events(container, "sup-02") if isinstance(e, StaffMember.RoleGranted)]
    assert normal[0].bootstrap is False


def test_temporary_grant_needs_a_reason(container: Any) -> None:
    staff = service(container)
    organisation(staff)
    with pytest.raises(DomainError) as refused:
        staff.grant(staff_id="clerk-01", role=Role.COUNTER, temporary=True, ctx=ctx("sup-01"), now=NOW)
    assert refused.value.code == "missing_reason"
    number = staff.grant(
        staff_id="clerk-01",
        role=Role.COUNTER,
        temporary=True,
        reason="繁忙期の窓口応援（6月）",
        valid_to=date(2026, 6, 30),
        ctx=ctx("sup-01"),
        now=NOW,
    )
    grant = staff.get("clerk-01").grant(number)
    assert (
        grant.temporary and grant.reason == "繁忙期の窓口応援（6月）" and grant.valid_to == date(2026, 6, 30)
    )


def test_grants_expire_at_the_end_of_the_fiscal_year_by_default(container: Any) -> None:
    staff = service(container)
    organisation(staff)
    grant = staff.get("clerk-01").grant(1)
    assert grant.valid_from == date(2026, 6, 15) and grant.valid_to == date(2027, 3, 31)
    with pytest.raises(DomainError) as beyond:
        staff.grant(
            staff_id="clerk-01", role=Role.COUNTER, valid_to=date(2027, 4, 1), ctx=ctx("sup-01"), now=NOW
        )
    assert beyond.value.code == "beyond_fiscal_year"
    assert grant.status(later(days=290), staff.review_policy) is GrantStatus.EXPIRED


def test_regranting_the_same_grant_is_idempotent(container: Any) -> None:
    staff = service(container)
    organisation(staff)
    again = staff.grant(staff_id="clerk-01", role=Role.TAXATION, unit="市民税係", ctx=ctx("sup-02"), now=NOW)
    assert again == 1
    assert len(staff.get("clerk-01").grants) == 1


def test_revocation_takes_effect_on_the_next_decision(container: Any) -> None:
    staff = service(container)
    secrets = organisation(staff)
    token = sign_in(staff, "clerk-01", secrets["clerk-01"]).token
    allowed = staff.authorize(
        staff.check_session(token, later(1)), "taxpayer.search", TAXPAYER, Purpose.REGISTRY, later(1)
    )
    assert allowed.allowed and allowed.decision_id
    assert staff.revoke(staff_id="clerk-01", grant_number=1, reason="異動", ctx=ctx("sup-02"), now=later(2))
    with pytest.raises(DomainError, match="権限が変更"):
        staff.check_session(token, later(3))  # the grant change ended the session (ADR 0023)
    denied = staff.authorize(
        staff.policy_principal("clerk-01", "staff", later(3), terminal="T-001"),
        "taxpayer.search", TAXPAYER, Purpose.REGISTRY, later(3),
    )  # fmt: skip
    assert not denied.allowed and denied.decision_id != allowed.decision_id


def test_unattested_grants_lapse_and_attestation_restores_them(container: Any) -> None:
    staff = service(container)
    organisation(staff)
    july = later(days=25)  # 2026-07-10: new cycle, still in the grace window
    assert staff.get("clerk-01").grant(1).status(july, staff.review_policy) is GrantStatus.VALID
    # Supervisors attest each other and the clerk within the grace window — except the clerk this time.
    assert staff.attest(staff_id="sup-01", ctx=ctx("sup-02"), now=july) == [1]
    assert staff.attest(staff_id="sup-02", ctx=ctx("sup-01"), now=july) == [1]
    assert staff.attest(staff_id="sup-02", ctx=ctx("sup-01"), now=july) == [], "once per cycle"
    august = later(days=51)  # 2026-08-05: past the 7/31 due date
    review = {(r.staff_id, r.grant_number): r.status for r in staff.review(august).grants}
    assert review == {
        ("sup-01", 1): GrantStatus.VALID,
        ("sup-02", 1): GrantStatus.VALID,
        ("clerk-01", 1): GrantStatus.LAPSED_UNATTESTED,
    }
    with pytest.raises(DomainError) as self_attest:
        staff.attest(staff_id="sup-01", ctx=ctx("sup-01"), now=august)
    assert self_attest.value.code == "self_attest"
    assert staff.attest(staff_id="clerk-01", grant_numbers=[1], ctx=ctx("sup-01"), now=august) == [1]
    assert staff.get("clerk-01").grant(1).status(august, staff.review_policy) is GrantStatus.VALID
    attested = [e for e in events(container, "clerk-01") if isinstance(e, StaffMember.GrantAttested)]
    assert attested[0].cycle_start == date(2026, 7, 1) and attested[0].actor == "sup-01"


def test_review_lists_every_status(container: Any) -> None:
    staff = service(container)
    organisation(staff)
    staff.grant(
        staff_id="clerk-01",
        role=Role.COUNTER,
        temporary=True,
        reason="窓口応援",
        valid_to=date(2026, 6, 20),
        ctx=ctx("sup-01"),
        now=NOW,
    )
    staff.grant(staff_id="clerk-01", role=Role.COLLECTION, ctx=ctx("sup-01"), now=NOW)
    staff.revoke(staff_id="clerk-01", grant_number=3, reason="誤付与", ctx=ctx("sup-01"), now=NOW)
    rows = {(r.staff_id, r.grant_number): r for r in staff.review(later(days=7)).grants}
    assert rows[("clerk-01", 1)].status is GrantStatus.VALID
    assert rows[("clerk-01", 2)].status is GrantStatus.EXPIRED
    assert rows[("clerk-01", 3)].status is GrantStatus.REVOKED
    assert rows[("clerk-01", 2)].temporary and rows[("clerk-01", 1)].unit == "市民税係"
    assert len(rows) == 5


def test_break_glass_is_alerted_time_boxed_and_must_be_reviewed(container: Any) -> None:
    staff = service(container)
    secrets = organisation(staff)
    principal = staff.check_session(sign_in(staff, "clerk-01", secrets["clerk-01"]).token, later(1))
    assert not staff.authorize(principal, "payment.post", TAXPAYER, Purpose.COLLECTION, later(1)).allowed
    opened = staff.break_glass(
        principal=principal,
        role=Role.COLLECTION,
        reason="収納担当不在のため窓口納付を消込",
        duration=timedelta(hours=1),
        now=later(2),
    )
    assert opened.number == 1
    alert = [e for e in events(container, "clerk-01") if isinstance(e, StaffMember.BreakGlassOpened)]
    assert len(alert) == 1 and alert[0].expires_at == later(62)
    fresh = staff.check_session(sign_in(staff, "clerk-01", secrets["clerk-01"], at=later(3)).token, later(4))
    during = staff.authorize(fresh, "payment.post", TAXPAYER, Purpose.COLLECTION, later(4))
    assert during.allowed and during.matched_rules == ("P-BREAKGLASS-COLLECTION",)
    assert not staff.authorize(fresh, "payment.post", TAXPAYER, Purpose.COLLECTION, later(63)).allowed
    pending = staff.review(later(70)).break_glass_pending
    assert [(b.staff_id, b.number, b.in_force) for b in pending] == [("clerk-01", 1, False)]
    with pytest.raises(DomainError):
        staff.review_break_glass(
            staff_id="clerk-01",
            number=1,
            appropriate=True,
            note="自己確認",
            ctx=ctx("clerk-01"),
            now=later(70),
        )
    with pytest.raises(DomainError):
        staff.review_break_glass(
            staff_id="clerk-01", number=1, appropriate=True, note="確認", ctx=ctx("clerk-02"), now=later(70)
        )
    assert staff.review_break_glass(
        staff_id="clerk-01",
        number=1,
        appropriate=True,
        note="担当不在を確認。適切。",
        ctx=ctx("sup-01"),
        now=later(70),
    )
    assert staff.review(later(71)).break_glass_pending == ()


@pytest.mark.parametrize("role", [Role.INDIVIDUAL_NUMBER, Role.SUPERVISOR, Role.INSPECTOR, Role.OPERATIONS])
def test_break_glass_cannot_open_privileged_roles(container: Any, role: Role) -> None:
    staff = service(container)
    secrets = organisation(staff)
    principal = staff.check_session(sign_in(staff, "clerk-01", secrets["clerk-01"]).token, later(1))
    with pytest.raises(DomainError) as refused:
        staff.break_glass(
            principal=principal,
            role=role,
            reason="緊急対応のため必要です。",
            duration=timedelta(hours=1),
            now=later(1),
        )
    assert refused.value.code == "break_glass_role"


def test_break_glass_window_is_limited(container: Any) -> None:
    staff = service(container)
    secrets = organisation(staff)
    principal = staff.check_session(sign_in(staff, "clerk-01", secrets["clerk-01"]).token, later(1))
    with pytest.raises(DomainError) as refused:
        staff.break_glass(
            principal=principal,
            role=Role.COUNTER,
            reason="緊急対応のため必要です。",
            duration=timedelta(hours=5),
            now=later(1),
        )
    assert refused.value.code == "break_glass_window"
    with pytest.raises(DomainError) as vague:
        staff.break_glass(
            principal=principal, role=Role.COUNTER, reason="緊急", duration=timedelta(hours=1), now=later(1)
        )
    assert vague.value.code == "missing_reason"


def test_break_glass_cannot_unlock_the_my_number(container: Any) -> None:
    """A designated staff member whose 課税 role comes only from break-glass still cannot see a My Number."""
    staff = service(container)
    organisation(staff)
    enroll(staff, "clerk-03")
    staff.grant(staff_id="clerk-03", role=Role.INDIVIDUAL_NUMBER, ctx=ctx("sup-01"), now=NOW)
    token = sign_in(staff, "clerk-03", staff_secret(container, staff, "clerk-03")).token
    principal = staff.check_session(token, later(1))
    staff.break_glass(
        principal=principal,
        role=Role.TAXATION,
        reason="担当者不在のため更正入力を代行",
        duration=timedelta(hours=1),
        now=later(1),
    )
    principal = staff.check_session(token, later(2))
    decision = staff.authorize(principal, "individual_number.reveal", MY_NUMBER, Purpose.CORRECTION, later(2))
    assert not decision.allowed and "F-BREAKGLASS-LEGAL" in decision.matched_rules
    # With a real 課税 grant the same designated clerk may (the control case).
    staff.grant(staff_id="clerk-03", role=Role.TAXATION, ctx=ctx("sup-01"), now=later(3))
    principal = staff.policy_principal("clerk-03", "staff", later(4), terminal="T-001")
    assert staff.authorize(
        principal, "individual_number.reveal", MY_NUMBER, Purpose.CORRECTION, later(4)
    ).allowed


def test_a_clerk_without_the_designation_is_refused_the_my_number(container: Any) -> None:
    staff = service(container)
    secrets = organisation(staff)
    principal = staff.check_session(sign_in(staff, "clerk-01", secrets["clerk-01"]).token, later(1))
    for action in (
        "individual_number.reveal",
        "taxpayer.search_by_number",
        "taxpayer.search",
        "export.execute",
    ):
        decision = staff.authorize(
            principal, action, MY_NUMBER, Purpose.CORRECTION, later(1), provision_basis_allowed=True
        )
        assert not decision.allowed, action
        assert "F-MYNUMBER-DESIGNATION" in decision.matched_rules


def staff_secret(container: Any, staff: Any, staff_id: str) -> str:
    """The TOTP secret as the aggregate holds it (decrypted by the mapper)."""
    secret = staff.get(staff_id).totp_secret
    assert secret is not None
    return str(secret)
