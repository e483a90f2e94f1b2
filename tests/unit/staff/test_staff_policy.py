"""The purpose-bound access policy (domain.staff.policy): table tests and deny-by-default properties."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.shared.purpose import Purpose
from domain.staff.policy import (
    ACTIONS,
    DEFAULT_DENY,
    INDIVIDUAL_NUMBER_ITEM,
    RULES,
    AccessRequest,
    ActionKind,
    Decision,
    Principal,
    Resource,
    decide,
)
from domain.staff.values import BreakGlass, Grant, ReviewPolicy, Role

# 2026-06-15 10:00 JST: inside the April–June review cycle, after its due date (5/1).
NOW = datetime(2026, 6, 15, 1, 0, tzinfo=UTC)
TAXPAYER = Resource("taxpayer", "t-1", ("氏名", "住所"))
MY_NUMBER = Resource("taxpayer", "t-1", (INDIVIDUAL_NUMBER_ITEM,))


def grant(role: Role, number: int = 1, **changes: object) -> Grant:
    base = Grant(
        number=number,
        role=role,
        unit=None,
        valid_from=date(2026, 4, 1),
        valid_to=date(2027, 3, 31),
        approved_by="sup-01",
        approved_on=date(2026, 4, 1),
        temporary=False,
        reason=None,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def principal(*roles: Role, **changes: object) -> Principal:
    base = Principal(
        staff_id="clerk-01",
        grants=tuple(grant(role, i + 1) for i, role in enumerate(roles)),
        authenticated=True,
        session_id="s-1",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def ask(p: Principal, action: str, purpose: Purpose, resource: Resource = TAXPAYER, **kw: object) -> Decision:
    return decide(
        AccessRequest(principal=p, action=action, resource=resource, purpose=purpose, now=NOW, **kw),  # type: ignore[arg-type]
        decision_id="d-1",
    )


# -- table ---------------------------------------------------------------------------------------------

CASES = [
    # (roles, action, purpose, resource, allowed, a rule id that must be among the matched rules)
    ((Role.TAXATION,), "taxpayer.search", Purpose.REGISTRY, TAXPAYER, True, "P-ROLE-TAXATION"),
    ((Role.TAXATION,), "levy.run", Purpose.INITIAL_LEVY, TAXPAYER, True, "P-ROLE-TAXATION"),
    ((Role.TAXATION,), "levy.run", Purpose.CERTIFICATE, TAXPAYER, False, "F-PURPOSE-MISMATCH"),
    ((Role.COLLECTION,), "levy.run", Purpose.INITIAL_LEVY, TAXPAYER, False, DEFAULT_DENY),
    ((Role.COLLECTION,), "payment.post", Purpose.COLLECTION, TAXPAYER, True, "P-ROLE-COLLECTION"),
    ((Role.COUNTER,), "certificate.issue", Purpose.CERTIFICATE, TAXPAYER, True, "P-ROLE-COUNTER"),
    # 団体内統合宛名番号: 宛名管理 by 課税 only; 照会 by the readers
    ((Role.TAXATION,), "integrated_address.manage", Purpose.REGISTRY, TAXPAYER, True, "P-ROLE-TAXATION"),
    (
        (Role.TAXATION,),
        "integrated_address.manage",
        Purpose.COLLECTION,
        TAXPAYER,
        False,
        "F-PURPOSE-MISMATCH",
    ),
    ((Role.COLLECTION,), "integrated_address.manage", Purpose.REGISTRY, TAXPAYER, False, DEFAULT_DENY),
    ((Role.COUNTER,), "integrated_address.view", Purpose.REGISTRY, TAXPAYER, True, "P-ROLE-COUNTER"),
    # My Number: designation + 利用事務 only
    (
        (Role.TAXATION,),
        "individual_number.reveal",
        Purpose.CORRECTION,
        MY_NUMBER,
        False,
        "F-MYNUMBER-DESIGNATION",
    ),
    (
        (Role.TAXATION, Role.INDIVIDUAL_NUMBER),
        "individual_number.reveal",
        Purpose.CORRECTION,
        MY_NUMBER,
        True,
        "P-ROLE-TAXATION",
    ),
    (
        (Role.TAXATION, Role.INDIVIDUAL_NUMBER),
        "individual_number.reveal",
        Purpose.CERTIFICATE,
        MY_NUMBER,
        False,
        "F-MYNUMBER-PURPOSE",
    ),
    (
        (Role.INDIVIDUAL_NUMBER,),
        "individual_number.reveal",
        Purpose.CORRECTION,
        MY_NUMBER,
        False,
        DEFAULT_DENY,
    ),
    # inspectors read only
    ((Role.INSPECTOR,), "taxpayer.search", Purpose.AUDIT, TAXPAYER, True, "P-ROLE-INSPECTOR"),
    ((Role.INSPECTOR,), "audit.history", Purpose.AUDIT, TAXPAYER, True, "P-ROLE-INSPECTOR"),
    (
        (Role.INSPECTOR, Role.TAXATION),
        "levy.run",
        Purpose.INITIAL_LEVY,
        TAXPAYER,
        False,
        "F-INSPECTOR-READONLY",
    ),
    # statistics: aggregate actions only
    (
        (Role.TAXATION,),
        "statistics.report",
        Purpose.STATISTICS,
        Resource("statistics"),
        True,
        "P-ROLE-TAXATION",
    ),
    ((Role.TAXATION,), "taxpayer.search", Purpose.STATISTICS, TAXPAYER, False, "F-STATISTICS-AGGREGATE"),
    # provision needs the allowlist
    ((Role.TAXATION,), "provision.send", Purpose.CORRECTION, TAXPAYER, False, "F-PROVISION-ALLOWLIST"),
    # unknown action
    ((Role.TAXATION,), "taxpayer.delete_everything", Purpose.REGISTRY, TAXPAYER, False, "F-UNKNOWN-ACTION"),
    # no roles
    ((), "taxpayer.search", Purpose.REGISTRY, TAXPAYER, False, DEFAULT_DENY),
]


@pytest.mark.parametrize(("roles", "action", "purpose", "resource", "allowed", "rule"), CASES)
def test_policy_table(
    roles: tuple[Role, ...], action: str, purpose: Purpose, resource: Resource, allowed: bool, rule: str
) -> None:
    decision = ask(principal(*roles), action, purpose, resource)
    assert decision.allowed is allowed, decision.reason
    assert rule in decision.matched_rules
    assert decision.decision_id == "d-1"
    assert decision.reason  # always a Japanese reason
    assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in decision.reason)


def test_provision_with_allowlisted_basis_is_permitted() -> None:
    decision = ask(
        principal(Role.TAXATION), "provision.send", Purpose.CORRECTION, provision_basis_allowed=True
    )
    assert decision.allowed


def test_forbid_overrides_permit() -> None:
    """A matching permit (課税 for 宛名検索) does not survive the statistics forbid."""
    decision = ask(principal(Role.TAXATION), "taxpayer.search", Purpose.STATISTICS)
    assert not decision.allowed
    assert decision.matched_rules == ("F-STATISTICS-AGGREGATE",)


def test_rule_ids_are_unique() -> None:
    ids = [r.rule_id for r in RULES]
    assert len(ids) == len(set(ids))


# -- My Number: no route for a clerk without the designation ----------------------------------------


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("purpose", list(Purpose))
def test_a_clerk_without_the_designation_cannot_obtain_a_my_number_by_any_route(
    action: str, purpose: Purpose
) -> None:
    """Every action, every purpose, every other role, break-glass too: a resource with the My Number is
    never released to a principal without a designation in force."""
    all_but_designation = tuple(r for r in Role if r is not Role.INDIVIDUAL_NUMBER)
    clerk = principal(
        *all_but_designation,
        break_glass=(
            BreakGlass(1, Role.TAXATION, "窓口担当不在のため緊急対応", NOW, NOW + timedelta(hours=1)),
        ),
    )
    for resource in (MY_NUMBER, Resource("export", None, ("氏名", INDIVIDUAL_NUMBER_ITEM))):
        decision = ask(clerk, action, purpose, resource, provision_basis_allowed=True)
        assert not decision.allowed
    if ACTIONS[action].individual_number:
        assert "F-MYNUMBER-DESIGNATION" in ask(clerk, action, purpose, TAXPAYER).matched_rules


@pytest.mark.parametrize(
    "designation",
    [
        grant(Role.INDIVIDUAL_NUMBER, 9, valid_to=date(2026, 6, 1)),  # expired
        grant(Role.INDIVIDUAL_NUMBER, 9, revoked_at=NOW - timedelta(minutes=1), revoked_by="sup-01"),
        grant(Role.INDIVIDUAL_NUMBER, 9, approved_on=date(2026, 1, 10)),  # not attested this cycle
        grant(Role.INDIVIDUAL_NUMBER, 9, valid_from=date(2026, 7, 1)),  # not yet valid
    ],
    ids=["expired", "revoked", "unattested", "not-yet-valid"],
)
def test_a_designation_not_in_force_does_not_unlock_the_my_number(designation: Grant) -> None:
    clerk = replace(principal(Role.TAXATION), grants=(grant(Role.TAXATION), designation))
    decision = ask(clerk, "individual_number.reveal", Purpose.CORRECTION, MY_NUMBER)
    assert not decision.allowed
    assert "F-MYNUMBER-DESIGNATION" in decision.matched_rules


# -- grant validity ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"valid_to": date(2026, 6, 14)},
        {"revoked_at": NOW - timedelta(seconds=1), "revoked_by": "sup-01"},
        {"approved_on": date(2026, 3, 1), "valid_from": date(2026, 3, 1)},
        {"approved_on": date(2026, 1, 5), "last_attested_on": date(2026, 3, 30)},
    ],
    ids=["expired", "revoked", "unattested", "attested-only-last-cycle"],
)
def test_grants_not_in_force_deny(changes: dict[str, object]) -> None:
    clerk = replace(principal(), grants=(grant(Role.TAXATION, **changes),))
    decision = ask(clerk, "taxpayer.search", Purpose.REGISTRY)
    assert not decision.allowed
    assert decision.matched_rules == (DEFAULT_DENY,)


def test_an_attestation_in_the_current_cycle_keeps_an_old_grant_in_force() -> None:
    clerk = replace(
        principal(),
        grants=(grant(Role.TAXATION, approved_on=date(2026, 1, 5), last_attested_on=date(2026, 4, 20)),),
    )
    assert ask(clerk, "taxpayer.search", Purpose.REGISTRY).allowed


def test_within_the_grace_period_last_cycles_attestation_still_counts() -> None:
    clerk = replace(
        principal(), grants=(grant(Role.TAXATION, approved_on=date(2026, 2, 1), valid_from=date(2026, 2, 1)),)
    )
    early_april = datetime(2026, 4, 20, 1, 0, tzinfo=UTC)
    request = AccessRequest(clerk, "taxpayer.search", TAXPAYER, Purpose.REGISTRY, early_april)
    assert decide(request, decision_id="x").allowed
    late = AccessRequest(clerk, "taxpayer.search", TAXPAYER, Purpose.REGISTRY, NOW)
    assert not decide(late, decision_id="y").allowed


def test_unauthenticated_or_locked_principals_are_denied() -> None:
    assert (
        "F-NOT-AUTHENTICATED"
        in ask(
            principal(Role.TAXATION, authenticated=False), "taxpayer.search", Purpose.REGISTRY
        ).matched_rules
    )
    assert (
        "F-LOCKED"
        in ask(principal(Role.TAXATION, locked=True), "taxpayer.search", Purpose.REGISTRY).matched_rules
    )


# -- break-glass ---------------------------------------------------------------------------------------


def _break_glass(role: Role, *, hours: int = 1, opened: datetime = NOW - timedelta(minutes=5)) -> BreakGlass:
    return BreakGlass(1, role, "窓口担当不在のため緊急対応", opened, opened + timedelta(hours=hours))


def test_break_glass_permits_an_operational_action_within_its_window() -> None:
    p = principal(break_glass=(_break_glass(Role.COUNTER),))
    decision = ask(p, "certificate.issue", Purpose.CERTIFICATE)
    assert decision.allowed and decision.matched_rules == ("P-BREAKGLASS-COUNTER",)


def test_break_glass_expires() -> None:
    p = principal(break_glass=(_break_glass(Role.COUNTER, opened=NOW - timedelta(hours=2)),))
    assert not ask(p, "certificate.issue", Purpose.CERTIFICATE).allowed


def test_break_glass_cannot_unlock_the_my_number_even_for_a_designated_clerk() -> None:
    """Designated, but the 課税 role comes only from break-glass: the legal forbid holds."""
    p = principal(Role.INDIVIDUAL_NUMBER, break_glass=(_break_glass(Role.TAXATION),))
    decision = ask(p, "individual_number.reveal", Purpose.CORRECTION, MY_NUMBER)
    assert not decision.allowed
    assert "F-BREAKGLASS-LEGAL" in decision.matched_rules


def test_break_glass_cannot_override_the_provision_allowlist() -> None:
    p = principal(break_glass=(_break_glass(Role.TAXATION),))
    assert not ask(p, "provision.send", Purpose.CORRECTION).allowed
    decision = ask(p, "provision.send", Purpose.CORRECTION, provision_basis_allowed=True)
    assert not decision.allowed and "F-BREAKGLASS-LEGAL" in decision.matched_rules


# -- properties ------------------------------------------------------------------------------------------

staff_ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=2, max_size=12)
actions = st.one_of(st.sampled_from(sorted(ACTIONS)), st.text(min_size=1, max_size=20))
items = st.lists(st.sampled_from(["氏名", "住所", "税額", INDIVIDUAL_NUMBER_ITEM]), max_size=3).map(tuple)
instants = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
)


@settings(max_examples=300, deadline=None)
@given(
    staff_id=staff_ids,
    action=actions,
    purpose=st.sampled_from(list(Purpose)),
    resource_items=items,
    now=instants,
    authenticated=st.booleans(),
    provision_ok=st.booleans(),
)
def test_deny_by_default_for_principals_without_grants(
    staff_id: str,
    action: str,
    purpose: Purpose,
    resource_items: tuple[str, ...],
    now: datetime,
    authenticated: bool,
    provision_ok: bool,
) -> None:
    p = Principal(staff_id=staff_id, authenticated=authenticated)
    request = AccessRequest(p, action, Resource("any", None, resource_items), purpose, now, provision_ok)
    decision = decide(request, decision_id="h")
    assert not decision.allowed
    assert decision.matched_rules


@settings(max_examples=300, deadline=None)
@given(
    roles=st.sets(st.sampled_from(list(Role))),
    action=st.sampled_from(sorted(ACTIONS)),
    purpose=st.sampled_from(list(Purpose)),
    resource_items=items,
)
def test_invariants_hold_for_random_principals(
    roles: set[Role], action: str, purpose: Purpose, resource_items: tuple[str, ...]
) -> None:
    p = principal(*sorted(roles, key=lambda r: r.name))
    resource = Resource("any", None, resource_items)
    decision = ask(p, action, purpose, resource, provision_basis_allowed=True)
    spec = ACTIONS[action]
    if decision.allowed:
        assert roles & spec.roles, "allowed only through a role the action lists"
        if INDIVIDUAL_NUMBER_ITEM in resource_items or spec.individual_number:
            assert Role.INDIVIDUAL_NUMBER in roles and purpose.uses_individual_number
        if Role.INSPECTOR in roles:
            assert spec.kind is ActionKind.READ
        if purpose is Purpose.STATISTICS:
            assert spec.aggregate


def test_review_policy_cycles() -> None:
    review = ReviewPolicy()
    assert review.cycle_start(date(2026, 5, 20)) == date(2026, 4, 1)
    assert review.cycle_start(date(2026, 12, 31)) == date(2026, 10, 1)
    assert review.cycle_start(date(2027, 3, 31)) == date(2027, 1, 1)
    assert review.previous_cycle_start(date(2027, 1, 15)) == date(2026, 10, 1)
    assert review.required_since(date(2026, 7, 10)) == date(2026, 4, 1)  # grace until 7/31
    assert review.required_since(date(2026, 7, 31)) == date(2026, 7, 1)
    assert ReviewPolicy(cycle_months=12).cycle_start(date(2027, 2, 1)) == date(2026, 4, 1)
