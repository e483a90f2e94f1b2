"""自己点検, 委託 and 問合せ on both durable stores (SQLite and PostgreSQL): the journal is read by period in
the store's own format, and reviews, contracts and inquiries round-trip through the event store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from application.contracts import ContractTerms
from application.taxpayers import RegisterTaxpayer
from domain.audit.access import AccessRecord
from domain.compliance.contract import HandoverSlip
from domain.shared.events import CommandContext, DomainError
from domain.shared.person import Sex
from domain.shared.purpose import Purpose
from domain.staff.values import Role, jst_date

PASSWORD = "correct horse battery staple"


def ctx(actor: str, n: object, purpose: Purpose = Purpose.OPERATIONS) -> CommandContext:
    return CommandContext(actor=actor, purpose=purpose, command_id=f"it:{actor}:{n}", terminal="t")


def _staff(c: Any) -> None:
    now = datetime.now(UTC)
    for staff_id in ("sup-01", "sup-02", "k-01", "ent-01"):
        c.staff.enroll(
            staff_id=staff_id, name="職員", department="税務課", password=PASSWORD, ctx=ctx("hr", staff_id)
        )
    c.staff.grant(staff_id="sup-01", role=Role.SUPERVISOR, ctx=ctx("sup-02", 1), now=now)
    c.staff.grant(staff_id="sup-02", role=Role.SUPERVISOR, ctx=ctx("sup-01", 1), now=now)
    c.staff.grant(staff_id="k-01", role=Role.TAXATION, ctx=ctx("sup-01", 2), now=now)
    c.staff.grant(staff_id="ent-01", role=Role.CONTRACTOR_DATA_ENTRY, ctx=ctx("sup-01", 3), now=now)


def test_anomalies_contracts_and_inquiries_on_both_stores(durable_container: Any) -> None:
    c = durable_container
    _staff(c)
    now = datetime.now(UTC)
    today = jst_date(now)
    subjects = []
    for i in range(3):
        result = c.taxpayers.register(
            RegisterTaxpayer(
                address_number=f"00000{i + 1:04d}",
                name="目黒 太郎",
                kana="メグロ タロウ",
                birth_date=datetime(1980, 1, 1).date(),
                sex=Sex.M,
                address="東京都目黒区上目黒二丁目19番15号",
            ),
            ctx("k-01", f"reg{i}", Purpose.REGISTRY),
        )
        subjects.append(result.aggregate_id)
    # An unenrolled actor reads; k-01 reads one person six times.
    for i in range(6):
        c.app.save(
            AccessRecord.record_view(
                action="taxpayer.view", subject_ids=(subjects[0],), items=("氏名",), criteria=("id",),
                ctx=ctx("k-01", f"v{i}", Purpose.CORRECTION),
            )
        )  # fmt: skip
    c.app.save(
        AccessRecord.record_view(
            action="taxpayer.view", subject_ids=tuple(subjects), items=("氏名",), criteria=("id",),
            ctx=ctx("stranger", "v", Purpose.CORRECTION),
        )
    )  # fmt: skip
    c.runner.catch_up()
    report = c.anomalies.report(
        today - timedelta(days=1), today + timedelta(days=1), ctx("sup-01", "r", Purpose.AUDIT), now=now
    )
    by_rule = {(f["rule"], f["staff_id"]) for f in report["findings"]}
    assert ("REPEATED-SUBJECT", "k-01") in by_rule and ("NO-GRANT", "stranger") in by_rule
    finding = next(f for f in report["findings"] if f["rule"] == "NO-GRANT")
    assert finding["evidence"]["records"] == 1 and len(finding["evidence"]["sample_subject_ids"]) == 3
    with pytest.raises(DomainError, match="所属長"):
        c.anomalies.review(
            finding["finding_id"], outcome="appropriate", note="確認しました", ctx=ctx("k-01", "x"), now=now
        )
    c.anomalies.review(
        finding["finding_id"],
        outcome="inappropriate",
        note="未登録の操作者を調査",
        ctx=ctx("sup-01", "rv"),
        now=now,
    )
    again = c.anomalies.report(today, today, ctx("sup-02", "r2", Purpose.AUDIT), now=now)
    reviewed = next(f for f in again["findings"] if f["finding_id"] == finding["finding_id"])
    assert (
        reviewed["review_outcome"] == "inappropriate"
        and reviewed["reviews"][0]["note"] == "未登録の操作者を調査"
    )

    # 委託
    c.contracts.register(
        ContractTerms(contract_no="C-9", contractor="株式会社イメージ", work="data-entry", scope="",
                      valid_from=today, valid_to=today + timedelta(days=10)),
        ctx=ctx("sup-01", "c"), now=now,
    )  # fmt: skip
    c.contracts.assign_worker("C-9", staff_id="ent-01", ctx=ctx("sup-01", "a"), now=now)
    number = c.contracts.hand_over(
        "C-9",
        HandoverSlip(direction="to-contractor", what="第1便", reference="B-1", count=5, sheets=5, medium="紙",
                     handed_by="k-01", received_by="ent-01", on=today),
        ctx=ctx("k-01", "h"), now=now,
    )  # fmt: skip
    opened = c.contracts.open_handover("C-9", number=number, ctx=ctx("ent-01", "o", Purpose.INTAKE), now=now)
    assert opened["handover"]["count"] == 5
    c.contracts.record_return(
        "C-9", number=number, count=5, sheets=5, on=today, ctx=ctx("k-01", "ret"), now=now
    )
    c.contracts.confirm_erasure(
        "C-9", number=number, method="裁断", certificate=None, on=today, ctx=ctx("sup-01", "e"), now=now
    )
    assert c.contracts.report("C-9", now=now)["outstanding"] == []

    # 問合せ
    inquiry = c.inquiries.record(
        channel="電話", category="personal-data", content="自分の情報を誰が見たか知りたい", address_number="000000001",
        received_at=now, ctx=ctx("k-01", "q", Purpose.DISCLOSURE_REQUEST),
    )  # fmt: skip
    again_recorded = c.inquiries.record(
        channel="電話", category="personal-data", content="自分の情報を誰が見たか知りたい", address_number="000000001",
        received_at=now, ctx=ctx("k-01", "q", Purpose.DISCLOSURE_REQUEST),
    )  # fmt: skip
    assert again_recorded.id == inquiry.id, "the same command records once"
    c.inquiries.add_step(inquiry.number, note="開示請求の手続を案内", ctx=ctx("k-01", "s"), now=now)
    assert [q["content"] for q in c.inquiries.for_taxpayer(subjects[0])] == ["自分の情報を誰が見たか知りたい"]
    assert c.inquiries.report(start=today, end=today)["total"] == 1
