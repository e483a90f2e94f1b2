"""Sign-in (password + TOTP), lockout, sessions (expiry, idle timeout) with an injected clock."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from staff_support import NOW, PASSWORD, TOTP, ctx, enroll, events, later, organisation, service, sign_in

from adapters.logging import configure_logging
from domain.shared.events import DomainError
from domain.staff.model import StaffMember
from domain.staff.values import SessionEnd, SessionPolicy, SignInFailure


def _failures(container: Any, staff_id: str) -> list[SignInFailure]:
    return [e.failure for e in events(container, staff_id) if isinstance(e, StaffMember.SignInFailed)]


def test_sign_in_with_both_factors_returns_a_session_and_records_it(container: Any) -> None:
    staff = service(container)
    secrets = organisation(staff)
    result = sign_in(staff, "clerk-01", secrets["clerk-01"])
    assert result.token.startswith("jz1.") and result.expires_at == NOW + timedelta(hours=8)
    signed_in = [e for e in events(container, "clerk-01") if isinstance(e, StaffMember.SignedIn)]
    assert len(signed_in) == 1
    assert signed_in[0].session_id == result.session_id and signed_in[0].terminal == "T-001"
    assert signed_in[0].token_hash != result.token
    principal = staff.check_session(result.token, later(5))
    assert principal.staff_id == "clerk-01" and principal.authenticated
    assert [g.role.value for g in principal.grants] == ["課税"]


def test_wrong_password_is_refused_and_recorded(container: Any) -> None:
    staff = service(container)
    secret = enroll(staff, "clerk-01")
    with pytest.raises(DomainError) as refused:
        staff.sign_in(
            staff_id="clerk-01",
            password="wrong password!!",
            totp_code=TOTP.code_at(secret, NOW),
            terminal="T-001",
            now=NOW,
        )
    assert refused.value.code == "sign_in_refused"
    assert _failures(container, "clerk-01") == [SignInFailure.WRONG_PASSWORD]


def test_wrong_totp_is_refused_and_recorded(container: Any) -> None:
    staff = service(container)
    secret = enroll(staff, "clerk-01")
    wrong = TOTP.code_at(secret, NOW + timedelta(minutes=10))
    with pytest.raises(DomainError) as refused:
        staff.sign_in(staff_id="clerk-01", password=PASSWORD, totp_code=wrong, terminal=None, now=NOW)
    assert refused.value.code == "sign_in_refused"
    assert _failures(container, "clerk-01") == [SignInFailure.WRONG_TOTP]


def test_a_totp_code_cannot_be_replayed(container: Any) -> None:
    staff = service(container)
    secret = enroll(staff, "clerk-01")
    sign_in(staff, "clerk-01", secret)
    with pytest.raises(DomainError):
        sign_in(staff, "clerk-01", secret, at=NOW + timedelta(seconds=5))
    assert _failures(container, "clerk-01") == [SignInFailure.TOTP_REPLAYED]


def test_sign_in_without_a_second_factor_is_refused(container: Any) -> None:
    staff = service(container)
    staff.enroll(
        staff_id="clerk-02", name="二要素未登録", department="税務課", password=PASSWORD, ctx=ctx("hr")
    )
    with pytest.raises(DomainError) as refused:
        staff.sign_in(staff_id="clerk-02", password=PASSWORD, totp_code="123456", terminal=None, now=NOW)
    assert refused.value.code == "no_second_factor"


def test_unknown_account_is_refused_with_the_same_message(container: Any) -> None:
    staff = service(container)
    with pytest.raises(DomainError) as refused:
        staff.sign_in(staff_id="nobody", password=PASSWORD, totp_code="123456", terminal=None, now=NOW)
    assert refused.value.code == "sign_in_refused"


def test_lockout_after_five_failures_and_unlock_by_a_supervisor(container: Any) -> None:
    staff = service(container)
    secrets = organisation(staff)
    for i in range(4):
        with pytest.raises(DomainError) as refused:
            staff.sign_in(
                staff_id="clerk-01", password=f"bad-{i}", totp_code="000000", terminal="T-9", now=later(i)
            )
        assert refused.value.code == "sign_in_refused"
    assert not any(isinstance(e, StaffMember.LockedOut) for e in events(container, "clerk-01"))
    with pytest.raises(DomainError) as fifth:
        staff.sign_in(staff_id="clerk-01", password="bad-5", totp_code="000000", terminal="T-9", now=later(5))
    assert fifth.value.code == "locked"
    locked = [e for e in events(container, "clerk-01") if isinstance(e, StaffMember.LockedOut)]
    assert len(locked) == 1 and locked[0].failures == 5 and locked[0].terminal == "T-9"
    # Correct credentials no longer help; the attempt is recorded as LOCKED.
    with pytest.raises(DomainError) as still:
        sign_in(staff, "clerk-01", secrets["clerk-01"], at=later(6))
    assert still.value.code == "locked"
    assert _failures(container, "clerk-01")[-1] is SignInFailure.LOCKED
    # The locked clerk cannot unlock themself; a supervisor can.
    with pytest.raises(DomainError):
        staff.unlock(staff_id="clerk-01", reason="本人確認済み", ctx=ctx("clerk-01"), now=later(7))
    assert staff.unlock(staff_id="clerk-01", reason="本人確認済み", ctx=ctx("sup-01"), now=later(7))
    assert sign_in(staff, "clerk-01", secrets["clerk-01"], at=later(8)).token


def test_lockout_threshold_is_configurable(container: Any) -> None:
    staff = service(container, SessionPolicy(max_failures=2))
    enroll(staff, "clerk-01")
    with pytest.raises(DomainError):
        staff.sign_in(staff_id="clerk-01", password="bad-1-bad-1", totp_code="000000", terminal=None, now=NOW)
    with pytest.raises(DomainError) as second:
        staff.sign_in(staff_id="clerk-01", password="bad-2-bad-2", totp_code="000000", terminal=None, now=NOW)
    assert second.value.code == "locked"


def test_a_successful_sign_in_resets_the_failure_count(container: Any) -> None:
    staff = service(container, SessionPolicy(max_failures=2))
    secret = enroll(staff, "clerk-01")
    with pytest.raises(DomainError):
        staff.sign_in(staff_id="clerk-01", password="bad-1-bad-1", totp_code="000000", terminal=None, now=NOW)
    sign_in(staff, "clerk-01", secret)
    with pytest.raises(DomainError) as again:
        staff.sign_in(
            staff_id="clerk-01", password="bad-2-bad-2", totp_code="000000", terminal=None, now=later(1)
        )
    assert again.value.code == "sign_in_refused"


def test_session_idle_timeout(container: Any) -> None:
    staff = service(container)
    secret = enroll(staff, "clerk-01")
    token = sign_in(staff, "clerk-01", secret).token
    staff.check_session(token, later(29))  # activity resets the idle clock
    staff.check_session(token, later(58))
    with pytest.raises(DomainError) as idle:
        staff.check_session(token, later(58 + 30))
    assert idle.value.code == "session_idle"
    ended = [e for e in events(container, "clerk-01") if isinstance(e, StaffMember.SignedOut)]
    assert [e.cause for e in ended] == [SessionEnd.IDLE]
    with pytest.raises(DomainError):  # stays ended, recorded once
        staff.check_session(token, later(58 + 31))
    assert len([e for e in events(container, "clerk-01") if isinstance(e, StaffMember.SignedOut)]) == 1


def test_session_absolute_expiry_despite_activity(container: Any) -> None:
    staff = service(container, SessionPolicy(session_lifetime=timedelta(hours=1)))
    secret = enroll(staff, "clerk-01")
    token = sign_in(staff, "clerk-01", secret).token
    for minutes in (20, 40, 59):
        staff.check_session(token, later(minutes))
    with pytest.raises(DomainError) as expired:
        staff.check_session(token, later(60))
    assert expired.value.code == "session_expired"
    ended = [e for e in events(container, "clerk-01") if isinstance(e, StaffMember.SignedOut)]
    assert [e.cause for e in ended] == [SessionEnd.EXPIRED]


def test_sign_out_ends_the_session(container: Any) -> None:
    staff = service(container)
    secret = enroll(staff, "clerk-01")
    token = sign_in(staff, "clerk-01", secret).token
    assert staff.sign_out(token, later(1))
    assert not staff.sign_out(token, later(2))
    with pytest.raises(DomainError) as out:
        staff.check_session(token, later(2))
    assert out.value.code == "session_signed_out"


@pytest.mark.parametrize(
    "mutate", [lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), lambda t: "jz1.x.y.z", str.upper]
)
def test_a_tampered_token_is_refused(container: Any, mutate: Any) -> None:
    staff = service(container)
    secret = enroll(staff, "clerk-01")
    token = sign_in(staff, "clerk-01", secret).token
    with pytest.raises(DomainError) as invalid:
        staff.check_session(mutate(token), later(1))
    assert invalid.value.code == "invalid_session"


def test_secrets_and_tokens_never_reach_the_store_or_the_log(container: Any) -> None:
    stream = io.StringIO()
    configure_logging("json", "DEBUG", stream=stream)
    staff = service(container)
    secret = enroll(staff, "clerk-01")
    token = sign_in(staff, "clerk-01", secret).token
    with pytest.raises(DomainError):
        staff.sign_in(
            staff_id="clerk-01", password="typo " + PASSWORD, totp_code="000000", terminal=None, now=later(1)
        )
    staff.check_session(token, later(2))
    staff.sign_out(token, later(3))
    stored = b"".join(n.state for n in container.app.recorder.select_notifications(start=1, limit=1000))
    member = container.app.repository.get(events(container, "clerk-01")[0].originator_id)
    for clear in (PASSWORD, secret, token, member.password_hash, "氏名clerk-01"):
        assert clear.encode() not in stored
    out = stream.getvalue()
    for clear in (PASSWORD, "typo " + PASSWORD, secret, token, member.password_hash, "氏名clerk-01"):
        assert clear not in out
    assert "staff.signed_in" in out and "staff.sign_in_failed" in out, "the slice does log"
    assert member.password_hash.startswith("$argon2id$")
