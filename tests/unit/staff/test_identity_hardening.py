"""Sign-in hardening and the bus's access decisions (ADR 0023): rate limit, sessions ended by a grant change,
a revoked grant refused at the next request, refusals journaled with their decision id, job credentials."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from staff_support import NOW, PASSWORD, TOTP, ctx, later, organisation, sign_in

from adapters.auth.passwords import Argon2PasswordHasher
from adapters.auth.sessions import InMemorySignInAttempts, SqlSessionActivity
from application.access import AccessPolicy
from application.staff import StaffService
from application.usecases import Principal
from application.usecases.registry import SearchTaxpayers
from domain.audit.access import AccessRecord
from domain.shared.events import DomainError
from domain.shared.purpose import Purpose
from domain.staff.policy import Resource
from domain.staff.values import Role, SessionPolicy


def _service(container: Any, policy: SessionPolicy | None = None) -> StaffService:
    return StaffService(
        container.app,
        Argon2PasswordHasher(time_cost=1, memory_cost=8192),
        TOTP,
        SqlSessionActivity(container.db),
        session_policy=policy,
        attempts=InMemorySignInAttempts(),
    )


def test_sign_in_attempts_are_rate_limited_per_staff_id(container: Any) -> None:
    staff = _service(container, SessionPolicy(max_failures=50, max_attempts=3))
    secrets = organisation(staff)
    for i in range(3):
        with pytest.raises(DomainError) as wrong:
            staff.sign_in(
                staff_id="clerk-01", password=f"wrong-{i}", totp_code="000000", terminal="T", now=NOW
            )
        assert wrong.value.code == "sign_in_refused"
    with pytest.raises(DomainError) as limited:
        sign_in(staff, "clerk-01", secrets["clerk-01"])
    assert limited.value.code == "rate_limited"
    # Another account is not limited; after the window the right factors work again.
    assert sign_in(staff, "sup-01", secrets["sup-01"]).staff_id == "sup-01"
    assert sign_in(staff, "clerk-01", secrets["clerk-01"], at=later(6)).staff_id == "clerk-01"


def test_a_grant_change_ends_the_grantees_sessions(container: Any) -> None:
    staff = _service(container)
    secrets = organisation(staff)
    session = sign_in(staff, "clerk-01", secrets["clerk-01"])
    assert staff.check_session(session.token, later(1)).staff_id == "clerk-01"
    staff.grant(staff_id="clerk-01", role=Role.COUNTER, ctx=ctx("sup-01", "g2"), now=later(2))
    with pytest.raises(DomainError) as ended:
        staff.check_session(session.token, later(3))
    assert ended.value.code == "session_grant_changed" and "権限が変更" in ended.value.message


def test_a_revoked_grant_is_refused_at_the_next_request_and_the_refusal_is_journaled(container: Any) -> None:
    staff = container.staff
    now = datetime.now(UTC)  # the bus decides at the real clock
    staff.bootstrap(
        staff_id="sup-01", name="所属長", department="税務課", password=PASSWORD, terminal="T", now=now
    )
    staff.enroll(staff_id="k-01", name="課税", department="税務課", password=PASSWORD, ctx=ctx("sup-01"))
    number = staff.grant(staff_id="k-01", role=Role.TAXATION, ctx=ctx("sup-01", "g"), now=now)
    who = Principal(actor="k-01", terminal="T", kind="staff")
    search = SearchTaxpayers("メ", None, 10, Purpose.REGISTRY)
    assert container.use_cases.execute(search, who) == []
    staff.revoke(staff_id="k-01", grant_number=number, reason="異動", ctx=ctx("sup-01", "r"), now=now)
    head = container.app.head()
    with pytest.raises(DomainError) as refused:
        container.use_cases.execute(search, who)
    assert refused.value.code == "forbidden" and "判断ID" in refused.value.message
    denial = container.app.mapper.to_domain_event(
        container.app.recorder.select_notifications(start=head + 1, limit=1)[0]
    )
    assert isinstance(denial, AccessRecord.AccessDenied)
    assert (denial.actor, denial.action) == ("k-01", "taxpayer.search")
    assert denial.decision_id in refused.value.message


def test_unknown_kinds_and_system_principals_are_refused_personal_data(container: Any) -> None:
    search = SearchTaxpayers("メ", None, 10, Purpose.REGISTRY)
    for kind in ("system", "operator", "unattributed"):
        with pytest.raises(DomainError) as refused:
            container.use_cases.execute(search, Principal(actor="x1", terminal="T", kind=kind))
        assert refused.value.code == "forbidden"


def test_job_credentials_run_until_revoked_or_expired(container: Any) -> None:
    staff = container.staff
    staff.bootstrap(
        staff_id="sup-01", name="所属長", department="税務課", password=PASSWORD, terminal="T", now=NOW
    )
    secret = staff.issue_job_credential(
        job_id="nightly", roles=[Role.TAXATION], valid_to=date(2026, 6, 30), ctx=ctx("sup-01", "j"), now=NOW
    )
    assert staff.check_job_credential(secret, NOW).issued_by == "sup-01"
    policy = AccessPolicy(staff, lambda: NOW)
    who = Principal(actor="nightly", terminal="cron", kind="job", issued_by="sup-01")
    assert policy(who, SearchTaxpayers("メ", None, 10, Purpose.REGISTRY))
    with pytest.raises(DomainError):
        staff.check_job_credential(secret, NOW + timedelta(days=30))  # past its end date
    with pytest.raises(DomainError):
        staff.check_job_credential(secret + "x", NOW)
    with pytest.raises(DomainError) as supervisor_role:
        staff.issue_job_credential(
            job_id="bad", roles=[Role.SUPERVISOR], valid_to=date(2026, 6, 30), ctx=ctx("sup-01", "b"), now=NOW
        )
    assert supervisor_role.value.code == "job_role_refused"
    assert staff.revoke_job_credential(job_id="nightly", reason="終了", ctx=ctx("sup-01", "r"), now=NOW)
    with pytest.raises(DomainError):
        staff.check_job_credential(secret, NOW)
    with pytest.raises(DomainError):
        policy(who, SearchTaxpayers("メ", None, 10, Purpose.REGISTRY))


def test_a_supervisor_grants_only_within_their_own_ka_and_kakari(container: Any) -> None:
    staff = _service(container)
    organisation(staff)  # sup-01, sup-02 (所属長, 税務課), clerk-01
    staff.enroll(staff_id="other-01", name="他課", department="納税課", password=PASSWORD, ctx=ctx("sup-01"))
    with pytest.raises(DomainError) as other_ka:
        staff.grant(staff_id="other-01", role=Role.COLLECTION, ctx=ctx("sup-01", "o"), now=NOW)
    assert other_ka.value.code == "out_of_scope" and "納税課" in other_ka.value.message
    # A 係長-level 所属長 (their 所属長 grant names 市民税係) grants only in 市民税係.
    staff.enroll(staff_id="kakari-01", name="係長", department="税務課", password=PASSWORD, ctx=ctx("sup-01"))
    staff.grant(staff_id="kakari-01", role=Role.SUPERVISOR, unit="市民税係", ctx=ctx("sup-01", "k"), now=NOW)
    with pytest.raises(DomainError) as other_kakari:
        staff.grant(
            staff_id="clerk-01", role=Role.COUNTER, unit="管理係", ctx=ctx("kakari-01", "c1"), now=NOW
        )
    assert other_kakari.value.code == "out_of_scope"
    assert staff.grant(
        staff_id="clerk-01", role=Role.COUNTER, unit="市民税係", ctx=ctx("kakari-01", "c2"), now=NOW
    )


def test_hours_of_use_and_terminal_binding_are_enforced_at_each_request(container: Any) -> None:
    staff = _service(container)
    organisation(staff)
    staff.enroll(
        staff_id="counter-01", name="窓口", department="税務課", password=PASSWORD, ctx=ctx("sup-01")
    )
    staff.grant(
        staff_id="counter-01", role=Role.COUNTER, hours="08:30-17:15", terminals=("T-001",),
        ctx=ctx("sup-01", "h"), now=NOW,
    )  # fmt: skip
    reloaded = staff.get("counter-01").grants[-1]
    assert (reloaded.hours, reloaded.terminals) == ("08:30-17:15", ("T-001",))

    def allowed(at: Any, terminal: str) -> bool:
        who = staff.policy_principal("counter-01", "staff", at, terminal=terminal)
        decision = staff.authorize(who, "certificate.issue", Resource("certificate"), Purpose.CERTIFICATE, at)
        return decision.allowed

    assert allowed(NOW, "T-001")  # 10:00 JST on its terminal
    assert not allowed(NOW, "T-999"), "another terminal"
    assert not allowed(later(9 * 60), "T-001"), "19:00 JST: outside the hours of use"
    with pytest.raises(DomainError) as bad:
        staff.grant(
            staff_id="clerk-01", role=Role.COUNTER, hours="18:00-08:00", ctx=ctx("sup-01", "b"), now=NOW
        )
    assert bad.value.code == "invalid_hours"


def test_grants_stored_before_hours_existed_are_upcast() -> None:
    from domain.staff.model import StaffMember

    state: dict[str, Any] = {"grant_number": 1}
    StaffMember.RoleGranted.upcast_v1_v2(state)
    assert state == {"grant_number": 1, "hours": None, "terminals": ()}
    assert StaffMember.RoleGranted.class_version == 2


def test_development_token_principals_are_decided_on_the_named_members_live_grants(container: Any) -> None:
    """``kind="development"`` (an HTTP development token) gets no pass on the bus: the named member's grants
    as they are now decide; someone not enrolled is unauthenticated; every refusal is journaled."""
    staff = container.staff
    now = datetime.now(UTC)  # the bus decides at the real clock
    staff.bootstrap(
        staff_id="sup-01", name="所属長", department="税務課", password=PASSWORD, terminal="T", now=now
    )
    staff.enroll(staff_id="k-01", name="課税", department="税務課", password=PASSWORD, ctx=ctx("sup-01"))
    search = SearchTaxpayers("メ", None, 10, Purpose.REGISTRY)

    def refused_as(actor: str, rule: str) -> None:
        head = container.app.head()
        with pytest.raises(DomainError) as refused:
            container.use_cases.execute(search, Principal(actor=actor, terminal="api", kind="development"))
        assert refused.value.code == "forbidden"
        denial = container.app.mapper.to_domain_event(
            container.app.recorder.select_notifications(start=head + 1, limit=1)[0]
        )
        assert isinstance(denial, AccessRecord.AccessDenied)
        assert (denial.actor, denial.action) == (actor, "taxpayer.search") and rule in denial.rules
        assert denial.decision_id in refused.value.message

    refused_as("k-01", "NO-PERMIT")  # enrolled, no grant yet
    refused_as("ghost-99", "F-NOT-AUTHENTICATED")  # not enrolled
    number = staff.grant(staff_id="k-01", role=Role.TAXATION, ctx=ctx("sup-01", "g"), now=now)
    token = Principal(actor="k-01", terminal="api", kind="development")
    assert container.use_cases.execute(search, token) == []
    staff.revoke(staff_id="k-01", grant_number=number, reason="異動", ctx=ctx("sup-01", "r"), now=now)
    refused_as("k-01", "NO-PERMIT")  # the revoked grant stops the token at the next request
