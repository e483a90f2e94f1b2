"""Retention and erasure with a controlled clock and canary values (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from typing import Any

import time_machine

from adapters.audit.merkle_log import seal, verify
from application.taxpayers import RegisterTaxpayer, today_jst
from domain.assessment.assessment import assessment_id
from domain.filings.resident_return import ResidentReturn
from domain.shared.events import CommandContext
from domain.shared.person import Sex
from domain.shared.personal import ERASED
from domain.shared.purpose import Purpose
from domain.taxpayer.model import Taxpayer, taxpayer_id
from domain.taxpayer.values import ResidenceChange

CANARY_NAME = "消去確認花子"
CANARY_KANA = "ショウキョカクニンハナコ"
CANARY_ADDRESS = "東京都目黒区カナリア町七丁目7番7号"


def ctx(command_id: str, purpose: Purpose = Purpose.REGISTRY) -> CommandContext:
    return CommandContext(actor="clerk-1", purpose=purpose, command_id=command_id)


def person(c: Any, number: str, name: str, kana: str, address: str, fiscal_year: int) -> None:
    c.taxpayers.register(
        RegisterTaxpayer(
            number, name, kana, date(1970, 3, 3), Sex.F, address, registered_on=date(2010, 4, 1)
        ),
        ctx(f"reg-{number}"),
    )
    filed = ResidentReturn(
        tax_year=fiscal_year - 1,
        individual_number=None,
        name=name,
        kana=kana,
        birth_date=date(1970, 3, 3),
        address=address,
        salary_revenue=4_000_000,
        social_insurance=500_000,
    )
    outcome = c.returns.submit_electronic(
        f"P-{number}-{fiscal_year}", filed, ctx(f"ret-{number}", Purpose.INTAKE)
    )
    c.runner.catch_up()
    c.queues.match(outcome.filing_id, number, ctx(f"m-{number}", Purpose.INTAKE))
    c.runner.catch_up()


def everything_stored(c: Any) -> str:
    parts = [
        repr(bytes(n.state)) + bytes(n.state).decode("utf-8", "replace")
        for n in c.app.recorder.select_notifications(start=1, limit=100_000)
    ]
    with c.db.transaction() as cur:
        for table in (
            "rm_taxpayer_search",
            "rm_filings",
            "rm_assessments",
            "rm_access_log",
            "rm_import_errors",
            "individual_number_vault",
            "data_keys",
            "rm_documents",
            "rm_transfer_outbox",
        ):
            cur.execute(f"SELECT * FROM {table}")
            parts.append(repr(cur.fetchall()))
    return "\n".join(parts)


def test_erasure_leaves_no_canary_keeps_the_rest_and_the_log_verifies(
    durable_container: Any, capsys: Any
) -> None:
    c = durable_container
    with time_machine.travel(date(2024, 7, 1), tick=False):
        person(c, "700001", CANARY_NAME, CANARY_KANA, CANARY_ADDRESS, 2024)  # canary: moves out later
        person(c, "700002", "保存延長太郎", "ホゾンエンチョウタロウ", "東京都目黒区保存町1", 2024)  # held
        c.levy.run(2024, ctx("levy-2024", Purpose.INITIAL_LEVY))
        canary: Taxpayer = c.app.repository.get(taxpayer_id("700001"))
        canary.change_record(
            change=ResidenceChange.MOVE_OUT,
            change_date=date(2024, 9, 30),
            name=CANARY_NAME,
            kana=CANARY_KANA,
            address=CANARY_ADDRESS,
            address_code="",
            household_number="",
            relationship="",
            ctx=ctx("move"),
        )
        c.app.save(canary)
    with time_machine.travel(date(2026, 7, 1), tick=False):
        person(c, "700003", "現年度次郎", "ゲンネンドジロウ", "東京都目黒区現年町3", 2026)  # still in period
        c.levy.run(2026, ctx("levy-2026", Purpose.INITIAL_LEVY))
    c.retention.holds.place(
        f"taxpayer:{taxpayer_id('700002')}:2024", "審査請求中", ctx("hold", Purpose.OPERATIONS)
    )
    c.runner.catch_up()
    seal(c)
    assert CANARY_NAME in c.taxpayer_queries.directory.search("ショウキョ", None, 10)[0].name

    with time_machine.travel(date(2033, 4, 1), tick=False):
        result = c.retention.run(today_jst(), ctx("retention", Purpose.OPERATIONS))
    scopes = sorted((k.key_id, k.scope) for k in result.erased)
    canary_id = taxpayer_id("700001")
    assert (f"taxpayer:{canary_id}", "identity") in scopes
    assert (f"taxpayer:{canary_id}:2024", "year") in scopes
    assert all("700002" not in k for k, _ in scopes) and result.held == 1
    c.runner.catch_up()

    stored = everything_stored(c)
    logs = capsys.readouterr()
    for canary_text in (CANARY_NAME, CANARY_KANA, CANARY_ADDRESS):
        assert canary_text not in stored
        assert canary_text not in logs.out + logs.err
    assert c.taxpayer_queries.directory.search("ショウキョ", None, 10) == []
    erased: Taxpayer = c.app.repository.get(canary_id)
    assert erased.name is ERASED and erased.address_number == "700001"
    erased_levy = c.app.repository.get(assessment_id(canary_id, 2024))
    assert erased_levy.tax_input is ERASED and erased_levy.amounts.total > 0, "amounts stay for statistics"

    held = c.app.repository.get(assessment_id(taxpayer_id("700002"), 2024))
    assert isinstance(held.tax_input, dict), "a held 年度 still reads"
    current = c.app.repository.get(assessment_id(taxpayer_id("700003"), 2026))
    assert isinstance(current.computation, dict), "a 年度 in its period still reads"
    assert c.app.repository.get(taxpayer_id("700002")).name == "保存延長太郎"

    seal(c)
    assert verify(c).ok, "the log still verifies after crypto-shredding"
    head = c.app.head()
    with time_machine.travel(date(2033, 4, 1), tick=False):
        again = c.retention.run(today_jst(), ctx("retention-again", Purpose.OPERATIONS))
    assert again.erased == [] and c.app.head() == head, "a rerun changes nothing"
    c.runner.reset("taxpayer_search")
    c.runner.catch_up()
    assert c.taxpayer_queries.directory.search("ショウキョ", None, 10) == [], "a rebuild stays erased"


def test_holds_are_events_released_with_a_reason_and_legacy_table_holds_still_count(
    durable_container: Any,
) -> None:
    c = durable_container
    with time_machine.travel(date(2024, 7, 1), tick=False):
        person(c, "710001", "保留一郎", "ホリュウイチロウ", "東京都目黒区保留町1", 2024)
        person(c, "710002", "旧保留二郎", "キュウホリュウジロウ", "東京都目黒区保留町2", 2024)
    held = f"taxpayer:{taxpayer_id('710001')}:2024"
    legacy = f"taxpayer:{taxpayer_id('710002')}:2024"
    head = c.app.head()
    c.retention.holds.place(held, "訴訟係属中", ctx("hold-1", Purpose.OPERATIONS))
    assert c.app.head() == head + 1, "placing a hold records one event"
    event = next(iter(c.app.recorder.select_notifications(start=head + 1, limit=1)))
    assert event.topic == "juminzei.retention.RetentionHold.Created"
    assert "訴訟係属中".encode() not in bytes(event.state), "the reason is encrypted"
    c.key_inventory.place_hold(legacy, "旧方式の保存延長", "chief")  # placed before holds were events

    with time_machine.travel(date(2033, 4, 1), tick=False):
        first = c.retention.run(today_jst(), ctx("ret-1", Purpose.OPERATIONS))
    assert held not in {k.key_id for k in first.erased}
    assert legacy not in {k.key_id for k in first.erased}
    assert first.held == 2

    assert c.retention.holds.release(held, "判決確定", ctx("rel-1", Purpose.OPERATIONS)) == 1
    assert c.retention.holds.release(held, "判決確定", ctx("rel-1b", Purpose.OPERATIONS)) == 0
    assert c.retention.holds.release(legacy, "完納", ctx("rel-2", Purpose.OPERATIONS)) == 1
    with time_machine.travel(date(2033, 4, 1), tick=False):
        second = c.retention.run(today_jst(), ctx("ret-2", Purpose.OPERATIONS))
    assert {held, legacy} <= {k.key_id for k in second.erased}
