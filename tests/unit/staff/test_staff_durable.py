"""Staff sign-in on the durable stores (SQLite and PostgreSQL): sealed secrets, session activity table."""

from __future__ import annotations

from typing import Any

import pytest
from staff_support import PASSWORD, enroll, later, service, sign_in

from domain.shared.events import DomainError


def test_sign_in_session_and_idle_timeout_on_durable_stores(durable_container: Any) -> None:
    staff = service(durable_container)
    secret = enroll(staff, "clerk-01")
    token = sign_in(staff, "clerk-01", secret).token
    assert staff.check_session(token, later(20)).staff_id == "clerk-01"
    assert staff.activity.last_seen(staff.check_session(token, later(40)).session_id or "") == later(40)
    stored = b"".join(
        n.state for n in durable_container.app.recorder.select_notifications(start=1, limit=100)
    )
    assert PASSWORD.encode() not in stored and secret.encode() not in stored and token.encode() not in stored
    with pytest.raises(DomainError) as idle:
        staff.check_session(token, later(71))
    assert idle.value.code == "session_idle"
    assert staff.activity.last_seen(token.split(".")[2]) is None


def test_checks_see_changes_made_by_another_process(
    durable_container: Any, make_settings: Any, store_url: str
) -> None:
    """Each request's checks read members through ``CurrentMembers`` (a copy brought up to date from the
    event store each time): a revocation, sign-out or lock made by another process counts at the next check."""
    from staff_support import NOW, ctx, organisation

    from domain.staff.model import staff_member_id
    from domain.staff.values import Role
    from interfaces.bootstrap import build

    here = service(durable_container)
    other_process = build(make_settings(store_url))
    try:
        there = service(other_process)
        secrets = organisation(there)
        grants = here.policy_principal("clerk-01", "staff", NOW, terminal="T-001").grants
        assert [g.role for g in grants] == [Role.TAXATION]
        held = here.current.get(staff_member_id("clerk-01"))
        assert held is here.current.get(staff_member_id("clerk-01")), "unchanged: the held copy is reused"

        there.grant(staff_id="clerk-01", role=Role.COLLECTION, ctx=ctx("sup-01", "g2"), now=NOW)
        roles = [g.role for g in here.policy_principal("clerk-01", "staff", NOW, terminal=None).grants]
        assert roles == [Role.TAXATION, Role.COLLECTION], "a grant made elsewhere is seen at the next check"
        assert held is not None and [g.role for g in held.grants] == [Role.TAXATION], "old copy left whole"

        token = sign_in(there, "clerk-01", secrets["clerk-01"], later(5)).token
        assert here.check_session(token, later(6)).staff_id == "clerk-01"
        there.sign_out(token, later(7))
        with pytest.raises(DomainError) as signed_out:
            here.check_session(token, later(8))
        assert signed_out.value.code == "session_signed_out"

        there.revoke(
            staff_id="clerk-01", grant_number=1, reason="異動", ctx=ctx("sup-01", "r1"), now=later(9)
        )
        after = here.policy_principal("clerk-01", "staff", later(10), terminal=None)
        in_force = [g.role for g in after.grants if g.in_force(later(10), here.review_policy)]
        assert Role.TAXATION not in in_force
        assert here.policy_principal("nobody-99", "staff", NOW, terminal=None).authenticated is False
    finally:
        other_process.close()
