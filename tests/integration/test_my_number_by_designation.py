"""A clerk without the 個人番号利用事務実施者 designation cannot obtain a My Number by any route; a designated
one leaves a journal entry first (designation from the staff registry's grants)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from stdnum.jp import in_ as my_number

from application.taxpayers import RegisterTaxpayer
from domain.audit.access import AccessRecord
from domain.shared.events import CommandContext, DomainError
from domain.shared.person import Sex
from domain.shared.purpose import Purpose
from domain.staff.values import Role
from domain.taxpayer.model import taxpayer_id

NUMBER = "98765432101" + my_number.calc_check_digit("98765432101")


def ctx(actor: str, command_id: str, purpose: Purpose = Purpose.OPERATIONS) -> CommandContext:
    return CommandContext(actor=actor, purpose=purpose, command_id=command_id)


@time_machine.travel("2026-06-15T01:00:00+00:00", tick=False)
def test_only_designated_staff_reveal_and_every_attempt_is_journaled(durable_container: Any) -> None:
    from datetime import UTC, datetime

    c = durable_container
    now = datetime.now(UTC)
    for staff_id in ("sup-01", "sup-02", "clerk-01", "number-01"):
        c.staff.enroll(
            staff_id=staff_id,
            name=f"職員{staff_id}",
            department="税務課",
            password="correct horse battery staple",
            ctx=ctx("hr", f"e-{staff_id}"),
        )
    c.staff.grant(staff_id="sup-01", role=Role.SUPERVISOR, ctx=ctx("sup-02", "g1"), now=now)
    c.staff.grant(staff_id="clerk-01", role=Role.TAXATION, ctx=ctx("sup-01", "g2"), now=now)
    c.staff.grant(staff_id="number-01", role=Role.INDIVIDUAL_NUMBER, ctx=ctx("sup-01", "g3"), now=now)
    c.taxpayers.register(
        RegisterTaxpayer("123456", "番号保有者", "バンゴウホユウシャ", date(1980, 1, 1), Sex.M, "目黒区1"),
        ctx("clerk-01", "reg", Purpose.REGISTRY),
    )
    c.vault.link(taxpayer_id("123456"), NUMBER)
    tid = taxpayer_id("123456")

    head = c.app.head()
    with pytest.raises(DomainError, match="個人番号利用事務実施者"):
        c.individual_numbers.reveal(tid, ctx("clerk-01", "r1", Purpose.INITIAL_LEVY))
    assert c.app.head() == head + 1, "the refused attempt is journaled"
    # Other routes never carry the number: search results, replay, disclosure, assessments.
    c.runner.catch_up()
    hits = c.taxpayer_queries.search(
        kana_prefix="バンゴウ", birth_date=None, ctx=ctx("clerk-01", "s", Purpose.REGISTRY)
    )
    assert NUMBER not in repr(hits)
    replay = c.inspection.replay(tid, ctx("clerk-01", "rp", Purpose.AUDIT))
    assert NUMBER not in repr(replay)
    assert NUMBER not in repr(c.disclosure.compile(tid, ctx("clerk-01", "d", Purpose.DISCLOSURE_REQUEST)))

    revealed = c.individual_numbers.reveal(tid, ctx("number-01", "r2", Purpose.INITIAL_LEVY))
    assert revealed == NUMBER
    last = c.app.mapper.to_domain_event(c.app.recorder.select_notifications(start=c.app.head(), limit=1)[0])
    assert isinstance(last, AccessRecord.PersonalDataViewed)
    assert (last.action, last.actor) == ("individual_number.reveal", "number-01")

    c.staff.revoke(staff_id="number-01", grant_number=1, reason="人事異動", ctx=ctx("sup-01", "rv"), now=now)
    with pytest.raises(DomainError):
        c.individual_numbers.reveal(tid, ctx("number-01", "r3", Purpose.INITIAL_LEVY))
