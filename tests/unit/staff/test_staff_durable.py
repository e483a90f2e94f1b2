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
