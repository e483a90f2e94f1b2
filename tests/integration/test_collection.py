"""収納 end to end: ledgers from the levy, receipts from every channel, 消込, suspense, conservation."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from adapters.formats import bank_payments, cvs_payments, employer_remittances
from adapters.formats.registry import PAYMENT_KINDS, read_file
from domain.assessment.values import CollectionMethod
from domain.collection.ledger import PaymentLedger, ledger_id
from domain.collection.records import Channel, NoticeReference, Receipt, RemittanceReference
from domain.shared.events import CommandContext
from domain.shared.purpose import Purpose
from tools.synthetic.generator import generate


def ctx(command_id: str, purpose: Purpose = Purpose.COLLECTION) -> CommandContext:
    return CommandContext(actor="clerk-1", purpose=purpose, command_id=command_id)


@pytest.fixture
def levied(durable_container: Any, tmp_path: Path) -> Any:
    """A small ward imported and levied for 2026, ledgers not yet opened."""
    c = durable_container
    out = tmp_path / "ward"
    manifest = generate(out, taxpayers=60, seed=5, fiscal_year=2026)
    for f in manifest["files"]:
        if f["kind"] in PAYMENT_KINDS:
            continue  # sample payment files are for after the levy
        c.runner.catch_up()
        c.intake.import_file(read_file(f["kind"], out / f["path"]), ctx(f"i:{f['path']}", Purpose.INTAKE))
    c.runner.catch_up()
    c.levy.run(2026, ctx("levy", Purpose.INITIAL_LEVY))
    c.runner.catch_up()
    return c


@pytest.fixture
def ledgers(levied: Any) -> Any:
    c = levied
    assert c.collection.open_ledgers(2026, ctx("open"))[0] > 0
    c.runner.catch_up()
    return c


def import_receipts(c: Any, kind: str, path: Path) -> Any:
    c.runner.catch_up()
    summary = c.intake.import_file(read_file(kind, path), ctx(f"pay:{path.name}"))
    c.runner.catch_up()
    return summary


def ordinary(c: Any) -> list[PaymentLedger]:
    result = []
    for aid in c.ledger.assessments(2026):
        a = c.app.repository.get(aid)
        if a.method is CollectionMethod.ORDINARY and a.amounts.payable:
            result.append(c.app.repository.get(ledger_id(aid)))
    return result


def test_bank_and_cvs_receipts_are_posted_suspended_or_duplicate(ledgers: Any, tmp_path: Path) -> None:
    c = ledgers
    first, second = ordinary(c)[:2]
    receipts = [
        Receipt(
            Channel.BANK,
            "B-1",
            date(2026, 6, 25),
            first.charges[0].amount,
            NoticeReference(2026, first.notice_number, 1),
            collected_by="0001-001",
        ),
        Receipt(
            Channel.BANK,
            "B-2",
            date(2026, 6, 26),
            second.charges[0].amount + 5_000,
            NoticeReference(2026, second.notice_number, 1),
            collected_by="0001-001",
        ),
        Receipt(
            Channel.BANK,
            "B-3",
            date(2026, 6, 27),
            12_345,
            NoticeReference(2026, "26999999999", 1),
            collected_by="0005-123",
        ),
    ]
    path = tmp_path / "bank.csv"
    bank_payments.write(path, [*receipts, receipts[0]])  # the last line repeats B-1
    summary = import_receipts(c, "bank-payments", path)
    assert (summary.received, summary.accepted, summary.quarantined, summary.duplicates, summary.gap) == (
        4,
        2,
        1,
        1,
        0,
    )
    one: PaymentLedger = c.app.repository.get(first.id)
    assert one.tax_outstanding(1) == 0 and one.held == 0 and one.conserved
    two: PaymentLedger = c.app.repository.get(second.id)
    assert two.held == 5_000, "a slip pays its own installment; the excess is held as an overpayment"
    (suspended,) = c.collection_index.suspense()
    assert suspended["amount"] == 12_345 and "通知書番号" in suspended["reason"]
    totals = c.collection_index.totals(2026)
    assert totals["received"] + totals["suspense_amount"] == sum(r.amount for r in receipts)
    assert totals["received"] == totals["allocated"] + totals["held"] + totals["refund_determined"]
    again = import_receipts(c, "bank-payments", path)
    assert again.already_imported and c.collection_index.totals(2026) == totals

    from datetime import date as d

    notice = c.documents.tax_notice(
        c.app.repository.get(c.app.repository.get(first.assessment_id).taxpayer_id).address_number,
        2026,
        d(2026, 6, 1),
        ctx("notice", Purpose.INITIAL_LEVY),
    )
    slip = next(s for s in notice.model.installments if s.period == 2 and s.barcode)
    cvs_path = tmp_path / "cvs.csv"
    cvs_payments.write(
        cvs_path,
        [
            Receipt(
                Channel.CVS,
                "C-1",
                date(2026, 8, 20),
                slip.amount,
                NoticeReference(2026, first.notice_number, 2),
                collected_by="SEVEN-12345",
                barcode=slip.barcode,
            )
        ],
    )
    cvs = import_receipts(c, "cvs-payments", cvs_path)
    assert cvs.accepted == 1, cvs.errors
    assert c.app.repository.get(first.id).tax_outstanding(2) == 0


def test_employer_remittance_is_split_over_the_employees_of_the_month(ledgers: Any, tmp_path: Path) -> None:
    c = ledgers
    employer = c.ledger.employer_list(2026)[0]["designation_number"]
    due = 0
    for aid in c.ledger.assessments_collected_by(employer, 2026):
        a = c.app.repository.get(aid)
        due += sum(
            i.amount for i in a.installments if i.label == "6月分" and i.method is CollectionMethod.SALARY
        )
    path = tmp_path / "remit.csv"
    employer_remittances.write(
        path,
        [
            Receipt(
                Channel.SPECIAL,
                "R-1",
                date(2026, 7, 10),
                due,
                RemittanceReference(employer, 2026, 6),
                headcount=1,
            ),
            Receipt(
                Channel.SPECIAL,
                "R-2",
                date(2026, 8, 10),
                1,
                RemittanceReference(employer, 2026, 7),
                headcount=1,
            ),
        ],
    )
    summary = import_receipts(c, "employer-remittances", path)
    assert (summary.accepted, summary.quarantined) == (1, 1)
    for aid in c.ledger.assessments_collected_by(employer, 2026):
        ledger: PaymentLedger = c.app.repository.get(ledger_id(aid))
        june = next(ch for ch in ledger.charges if ch.label == "6月分")
        assert ledger.tax_paid.get(june.period, 0) == june.amount and ledger.conserved


def test_direct_debit_request_and_result_file(ledgers: Any, tmp_path: Path, cli_env: dict[str, str]) -> None:
    import dataclasses

    from adapters.formats import debit_mandates, zengin
    from application.intake.importer import ReceivedFile
    from domain.collection.records import AccountType, DebitMandate, DebitResultLine, MandateAction, NewCode
    from domain.intake import ParsedRecord

    c = ledgers
    targets = ordinary(c)[:3]
    mandates = [
        DebitMandate(
            f"M-{i}",
            c.app.repository.get(led.taxpayer_id).address_number,
            MandateAction.REGISTER,
            date(2026, 4, 1),
            "0001",
            "001",
            AccountType("1"),
            f"{1000000 + i}",
            "ﾒｸﾞﾛ ﾀﾛｳ",
        )
        for i, led in enumerate(targets)
    ]
    path = tmp_path / "mandates.csv"
    debit_mandates.write(
        path, [*mandates, dataclasses.replace(mandates[0], mandate_id="M-x", address_number="0999999999")]
    )
    summary = c.intake.import_file(read_file("debit-mandates", path), ctx("mandates"))
    assert (summary.accepted, summary.rejected) == (3, 1) and summary.errors[0].field == "宛名番号"
    c.runner.catch_up()

    due = targets[0].charges[0].due_date
    requests = c.debit.requests(due, ctx("req"))
    assert {r.ledger.id for r in requests} == {t.id for t in targets if t.charges[0].due_date == due}
    assert c.debit.requests(due, ctx("req2")) and len(c.debit.requests(due, ctx("req3"))) == len(requests)
    codes = ["0", "1", "N"][: len(requests)]
    results = [
        DebitResultLine(
            r.mandate.bank_code,
            "",
            r.mandate.branch_code,
            "",
            AccountType("1"),
            str(r.mandate.account_number),
            str(r.mandate.holder_kana),
            r.amount,
            NewCode.OTHER,
            r.customer_number,
            code,
        )
        for r, code in zip(requests, codes, strict=True)
    ]
    receipts = zengin.debit_receipts(results, due)
    assert [rc.amount for rc in receipts] == [requests[0].amount], "only code 0 is money"
    if codes[-1] == "N":
        assert results[-1].result_code == 9 and results[-1].unknown_code, (
            "unknown codes read as 9 and flagged"
        )
    items = [ParsedRecord(i + 2, receipt, f"fp{i}") for i, receipt in enumerate(receipts)]
    posted = c.intake.import_file(
        ReceivedFile("debit-results", "result.txt", "a" * 64, None, len(items), items), ctx("result")
    )
    assert posted.accepted == 1
    c.runner.catch_up()
    first: PaymentLedger = c.app.repository.get(requests[0].ledger.id)
    assert first.tax_outstanding(requests[0].period) == 0 and first.conserved


def test_overpayment_appropriated_or_refunded_then_paid_by_transfer(ledgers: Any, tmp_path: Path) -> None:
    from uuid import uuid4

    from domain.collection.ledger import Charge

    c = ledgers
    first, second = ordinary(c)[:2]
    # An older, unpaid ledger of the first taxpayer (e.g. carried forward from 令和7年度).
    older = PaymentLedger.open(
        assessment_id=uuid4(),
        taxpayer_id=first.taxpayer_id,
        fiscal_year=2025,
        notice_number="25000000001",
        charges=(Charge(1, "第4期", date(2026, 2, 2), 3_000),),
        ctx=ctx("older"),
    )
    c.app.save(older)
    for ledger, extra in ((first, 10_000), (second, 7_000)):
        ledger.receive(
            receipt_id=f"over-{ledger.id}",
            channel="窓口",
            paid_on=date(2026, 6, 20),
            amount=ledger.tax_outstanding() + extra,
            reference="overpaid",
            period=None,
            ctx=ctx("p"),
        )
        c.app.save(ledger)
    c.runner.catch_up()
    result = c.overpayments.settle(date(2026, 9, 1), ctx("settle", Purpose.REFUND))
    assert (result.appropriated, result.appropriated_amount) == (1, 3_000)
    assert result.refunded == 2 and result.refund_amount == 7_000 + 7_000
    assert c.app.repository.get(older.id).tax_outstanding() == 0, "appropriated to the older 年度"
    for ledger_id_ in (first.id, second.id, older.id):
        assert c.app.repository.get(ledger_id_).conserved
    c.runner.catch_up()
    from domain.collection.mandate import DirectDebitMandate

    c.app.save(
        DirectDebitMandate.register(
            taxpayer_id=first.taxpayer_id,
            bank_code="0001",
            branch_code="001",
            account_type="1",
            account_number="7654321",
            holder_kana="ﾒｸﾞﾛ ﾊﾅｺ",
            start_date=date(2026, 4, 1),
            ctx=ctx("m"),
        )
    )
    paid = c.overpayments.pay_refunds(
        date(2026, 9, 10), ctx("pay", Purpose.REFUND), lambda tid: tid == first.taxpayer_id
    )
    assert sorted(method for _, _, method in paid) == ["窓口払い", "総合振込"]
    assert c.overpayments.pay_refunds(date(2026, 9, 10), ctx("pay2", Purpose.REFUND), lambda tid: True) == []

    from domain.shared.events import DomainError

    # 振込不能: the transfer comes back; the money is held again and the next settle re-handles it.
    returned = c.overpayments.refund_failed(
        2026, first.notice_number, 7_000, "口座解約", ctx("ret", Purpose.REFUND)
    )
    assert (returned.held, returned.refund_paid, returned.refund_determined) == (
        7_000,
        0,
        0,
    ) and returned.conserved
    with pytest.raises(DomainError, match="支払済み"):
        c.overpayments.refund_failed(2026, first.notice_number, 1, "口座解約", ctx("ret2", Purpose.REFUND))
    with pytest.raises(DomainError, match="理由"):
        c.overpayments.refund_failed(2026, first.notice_number, 1, " ", ctx("ret3", Purpose.REFUND))
    c.runner.catch_up()
    again = c.overpayments.settle(date(2026, 10, 1), ctx("settle2", Purpose.REFUND))
    assert (again.appropriated, again.refunded, again.refund_amount) == (0, 1, 7_000)
    counter = c.overpayments.pay_refunds(date(2026, 10, 10), ctx("pay3", Purpose.REFUND), lambda tid: False)
    assert [(led.id, amount, method) for led, amount, method in counter] == [(first.id, 7_000, "窓口払い")]


def test_late_fee_dunning_and_closing(ledgers: Any) -> None:
    from domain.taxrules.late_fee import compute_late_fee

    c = ledgers
    unpaid, late = ordinary(c)[:2]
    due = late.charges[0].due_date
    late.receive(
        receipt_id="late-1",
        channel="窓口",
        paid_on=date(2026, 9, 30),
        amount=late.charges[0].amount,
        reference="late",
        period=1,
        ctx=ctx("late"),
    )
    c.app.save(late)
    c.runner.catch_up()
    assessed, _ = c.arrears.late_fees(date(2026, 12, 1), ctx("fees"))
    assert assessed >= 2
    expected_unpaid = compute_late_fee(
        unpaid.charges[0].amount, unpaid.charges[0].due_date, date(2026, 12, 1)
    ).late_fee
    assert c.app.repository.get(unpaid.id).fees_due.get(1, 0) == expected_unpaid
    expected_late = compute_late_fee(late.charges[0].amount, due, date(2026, 9, 30)).late_fee
    assert c.app.repository.get(late.id).fees_due.get(1, 0) == expected_late
    again, _ = c.arrears.late_fees(date(2026, 12, 1), ctx("fees2"))
    assert again == 0, "recomputing on the same day changes nothing"

    issued = c.arrears.dunning(date(2026, 7, 15), ctx("dun"))
    assert any(d.ledger.id == unpaid.id and d.period == 1 and not d.after_20_days for d in issued)
    assert all(
        d.ledger.id != late.id or d.period != 1 for d in c.arrears.dunning(date(2026, 7, 16), ctx("dun2"))
    )
    notice = next(d.document for d in issued if d.ledger.id == unpaid.id and d.period == 1)
    assert notice is not None and notice.kind == "督促状"
    model = notice.model
    charge = unpaid.charges[0]
    assert (model.unpaid_tax, model.original_due_date, model.pay_by) == (
        charge.amount,
        charge.due_date,
        date(2026, 7, 25),
    )
    assert model.late_fee == compute_late_fee(charge.amount, charge.due_date, date(2026, 7, 15)).late_fee
    assert model.slip.barcode is not None and model.slip.barcode[29] == "1", (
        "再発行区分 1 on the 督促状's slip"
    )
    assessment = c.app.repository.get(unpaid.assessment_id)
    assert notice.document_id in assessment.documents, "the 督促状 is a recorded document of the assessment"
    assert c.documents.model_of(notice.document_id, assessment.id) == model, "re-renderable from its event"
    from adapters.documents.pdf import render

    assert render(model).startswith(b"%PDF")

    totals = c.arrears.close_year(2026, ctx("close"))
    assert (
        totals["carried_forward"] > 0 and totals["charged"] >= totals["collected"] + totals["carried_forward"]
    )
    assert (
        c.app.repository.get(unpaid.id).carried_forward == c.app.repository.get(unpaid.id).tax_outstanding()
    )
    head = c.app.head()
    c.arrears.close_year(2026, ctx("close-again"))
    assert c.app.head() == head, "closing twice changes nothing"


def test_reissued_slip_increments_the_digit_and_still_matches(ledgers: Any, tmp_path: Path) -> None:
    from domain.documents.barcode import CvsBarcode

    c = ledgers
    ledger = ordinary(c)[0]
    address = c.app.repository.get(ledger.taxpayer_id).address_number
    outstanding = ledger.tax_outstanding(1)
    first = c.documents.reissue_slip(
        address, 2026, 1, date(2026, 8, 31), date(2026, 8, 1), outstanding, 300, ctx("r1")
    )
    second = c.documents.reissue_slip(
        address, 2026, 1, date(2026, 9, 30), date(2026, 9, 1), outstanding, 500, ctx("r2")
    )
    codes = [CvsBarcode.parse(d.model.installments[0].barcode) for d in (first, second)]
    assert [code.reissue for code in codes] == [1, 2] and codes[1].amount == outstanding
    assert "延滞金 500円" in second.model.notes[1]
    cvs_path = tmp_path / "reissued.csv"
    cvs_payments.write(
        cvs_path,
        [
            Receipt(
                Channel.CVS,
                "C-R2",
                date(2026, 9, 20),
                outstanding,
                NoticeReference(2026, ledger.notice_number, 1, 2),
                collected_by="SEVEN-1",
                barcode=second.model.installments[0].barcode,
            )
        ],
    )
    assert import_receipts(c, "cvs-payments", cvs_path).accepted == 1
    assert c.app.repository.get(ledger.id).tax_outstanding(1) == 0


def test_suspense_is_rematched_once_the_ledger_exists(levied: Any, tmp_path: Path) -> None:
    """Money that arrives before its ledger is opened is held, then posted by 再照合 — never lost."""
    c = levied
    aid = next(
        a
        for a in c.ledger.assessments(2026)
        if c.app.repository.get(a).method is CollectionMethod.ORDINARY
        and c.app.repository.get(a).amounts.payable
    )
    taxpayer = c.app.repository.get(c.app.repository.get(aid).taxpayer_id)
    notice = c.collection.notice_number(taxpayer.address_number, 2026)
    path = tmp_path / "early.csv"
    bank_payments.write(
        path,
        [
            Receipt(
                Channel.BANK, "E-1", date(2026, 6, 10), 4_000, NoticeReference(2026, notice, 1), "0001-001"
            ),
            Receipt(
                Channel.BANK,
                "E-2",
                date(2026, 6, 10),
                900,
                NoticeReference(2026, "26999999999", 1),
                "0001-001",
            ),
        ],
    )
    assert import_receipts(c, "bank-payments", path).quarantined == 2, "no ledger yet: both held"
    nothing_yet = c.collection.rematch_suspense(ctx("rematch-0"))
    assert (nothing_yet.posted, nothing_yet.still_held) == (0, 2)

    c.collection.open_ledgers(2026, ctx("open"))
    c.runner.catch_up()
    result = c.collection.rematch_suspense(ctx("rematch-1"))
    assert (result.posted, result.posted_amount, result.still_held, result.still_held_amount) == (
        1,
        4_000,
        1,
        900,
    )
    c.runner.catch_up()
    ledger: PaymentLedger = c.app.repository.get(ledger_id(aid))
    assert ledger.received == 4_000 and ledger.conserved
    (left,) = c.collection_index.suspense()
    assert left["amount"] == 900
    statuses = sorted(r["status"] for r in c.collection_index.suspense(include_resolved=True))
    assert statuses == ["保留", "消込"]
    again = c.collection.rematch_suspense(ctx("rematch-2"))
    assert again.posted == 0 and c.app.repository.get(ledger_id(aid)).received == 4_000, "posted once only"
    checked, unbalanced = c.collection_index.unbalanced_ledgers()
    assert checked > 0 and unbalanced == []


def test_clerk_assigns_or_refunds_a_held_receipt(ledgers: Any, tmp_path: Path) -> None:
    from uuid import UUID

    from domain.shared.events import DomainError

    c = ledgers
    target = ordinary(c)[0]
    path = tmp_path / "unknown.csv"
    bank_payments.write(
        path,
        [
            Receipt(
                Channel.BANK,
                f"U-{i}",
                date(2026, 6, 30),
                amount,
                NoticeReference(2026, "26999999999", 1),
                "0001-001",
            )
            for i, amount in enumerate((3_000, 1_500))
        ],
    )
    import_receipts(c, "bank-payments", path)
    by_amount = {r["amount"]: UUID(r["suspense_id"]) for r in c.collection_index.suspense()}
    first, second = by_amount[3_000], by_amount[1_500]
    with pytest.raises(DomainError, match="理由"):
        c.collection.assign_suspense(
            first, fiscal_year=2026, notice_number=target.notice_number, period=1, reason=" ", ctx=ctx("a0")
        )
    with pytest.raises(DomainError, match="収納台帳がありません"):
        c.collection.assign_suspense(
            first, fiscal_year=2026, notice_number="26000000000", period=None, reason="x", ctx=ctx("a1")
        )
    with pytest.raises(DomainError, match="期別 9"):
        c.collection.assign_suspense(
            first, fiscal_year=2026, notice_number=target.notice_number, period=9, reason="x", ctx=ctx("a2")
        )
    ledger = c.collection.assign_suspense(
        first,
        fiscal_year=2026,
        notice_number=target.notice_number,
        period=1,
        reason="納付者に確認し通知書番号の誤記と判明",
        ctx=ctx("a3"),
    )
    assert ledger.received == 3_000 and ledger.tax_paid.get(1) == 3_000 and ledger.conserved
    with pytest.raises(DomainError, match="処理済み"):
        c.collection.refund_suspense(first, reason="x", ctx=ctx("r0"))
    c.collection.refund_suspense(second, reason="区外の税の誤納付", ctx=ctx("r1"))
    c.runner.catch_up()
    assert c.collection_index.suspense() == []
    outcomes = {r["suspense_id"]: r["status"] for r in c.collection_index.suspense(include_resolved=True)}
    assert outcomes == {str(first): "消込", str(second): "還付"}
    resolved = c.app.repository.get(second)
    assert resolved.resolved
    events = list(c.app.events.get(second))
    assert events[-1].reason == "区外の税の誤納付" and events[-1].actor == "clerk-1"


def test_pension_remittance_per_person_or_as_the_insurers_total(ledgers: Any, tmp_path: Path) -> None:
    """年金特別徴収: a 個人別内訳 line goes to that person's month; the insurer's total is split over every
    pensioner's month only when it equals their sum; anything else is held, never lost."""
    from adapters.formats import pension_remittances

    c = ledgers
    pensioners = [
        c.app.repository.get(a)
        for a in c.ledger.assessments(2026)
        if c.app.repository.get(a).method is CollectionMethod.PENSION
    ]
    assert len(pensioners) >= 2, "the generated ward has pensioners collected by 年金特別徴収"
    october = {
        a.id: next(
            (p, line.amount)
            for p, line in enumerate(a.installments, start=1)
            if line.label.startswith("10月 ") and line.method is CollectionMethod.PENSION
        )
        for a in pensioners
    }
    first = pensioners[0]
    address = c.app.repository.get(first.taxpayer_id).address_number
    period, amount = october[first.id]

    def remit(rid: str, total: int, person: str | None, headcount: int) -> Receipt:
        return Receipt(
            Channel.PENSION,
            rid,
            date(2026, 11, 10),
            total,
            RemittanceReference("0001", 2026, 10, person),
            headcount=headcount,
        )

    path = tmp_path / "pension.csv"
    pension_remittances.write(
        path,
        [
            remit("P-1", amount, address, 1),
            remit("P-2", amount + 100, address, 1),  # wrong amount for the person → held
            remit("P-3", 999, None, len(pensioners)),  # a total that is not the month's sum → held
        ],
    )
    summary = import_receipts(c, "pension-remittances", path)
    assert (summary.accepted, summary.quarantined, summary.gap) == (1, 2, 0), summary.errors
    ledger: PaymentLedger = c.app.repository.get(ledger_id(first.id))
    assert ledger.tax_paid.get(period) == amount and ledger.conserved
    reasons = sorted(r["reason"] for r in c.collection_index.suspense())
    assert any("個人別の納入額" in r for r in reasons) and any("合計と一致しません" in r for r in reasons)

    others = [a for a in pensioners if a.id != first.id]
    total = sum(october[a.id][1] for a in others)
    rest = tmp_path / "pension-rest.csv"
    pension_remittances.write(rest, [remit("P-4", total + amount, None, len(pensioners))])
    # the insurer's total covers everyone, including the person already paid by P-1: held, not posted twice
    assert import_receipts(c, "pension-remittances", rest).quarantined == 1
    assert any("二重納入" in r["reason"] for r in c.collection_index.suspense())
    exact = tmp_path / "pension-exact.csv"
    pension_remittances.write(
        exact,
        [
            remit(f"P-5-{i}", october[a.id][1], c.app.repository.get(a.taxpayer_id).address_number, 1)
            for i, a in enumerate(others)
        ],
    )
    assert import_receipts(c, "pension-remittances", exact).accepted == len(others)
    for a in pensioners:
        p, due = october[a.id]
        assert c.app.repository.get(ledger_id(a.id)).tax_paid.get(p) == due


def test_el_qr_on_the_slips_reads_back_and_its_payment_reconciles(ledgers: Any, tmp_path: Path) -> None:
    """eL-QR (ADR 0025): the QR printed on each 納付書 decodes to the charge; a payment that comes back through
    eLTAX 共通納税 carrying only the eL番号 read from it is posted to that installment, and the 照合 holds."""
    from adapters.documents.pdf import render
    from adapters.formats import eltax_payments
    from application.usecases.collection import ReconcilePayments
    from domain.documents import el_qr
    from tests_support import decode_qr_codes, staff_principal

    c = ledgers
    ledger = ordinary(c)[0]
    address = c.app.repository.get(ledger.taxpayer_id).address_number
    notice = c.documents.tax_notice(address, 2026, date(2026, 6, 1), ctx("qr-notice", Purpose.INITIAL_LEVY))
    pages = decode_qr_codes(render(notice.model))
    decoded = [el_qr.parse(p) for page in pages for p in page]
    charges = {ch.period: ch for ch in ledger.charges}
    assert sorted(q.payment_number.period for q in decoded) == sorted(
        s.period for s in notice.model.installments
    ), "one QR per slip"
    for qr in decoded:
        pn, charge = qr.payment_number, charges[qr.payment_number.period]
        assert (pn.fiscal_year, pn.notice_number) == (2026, ledger.notice_number)
        assert (qr.amount, qr.due_date) == (charge.amount, charge.due_date)
        assert el_qr.ElNumber.parse(qr.el_number).confirms(charge.due_date, charge.amount)

    first, second = sorted(decoded, key=lambda q: q.payment_number.period)[:2]
    path = tmp_path / "eltax.csv"
    path.write_text(
        ",".join(eltax_payments.HEADER)
        + "\n"
        + f"EQ-1,2026-06-20,地方税お支払サイト,{first.el_number},,,,{first.amount}\n"
        + f"EQ-2,2026-08-20,スマートフォン決済,{second.el_number},2026,{ledger.notice_number},"
        + f"{second.payment_number.period},{second.amount}\n",
        encoding="utf-8",
    )
    summary = import_receipts(c, "eltax-payments", path)
    assert (summary.accepted, summary.quarantined, summary.gap) == (2, 0, 0), summary.errors
    paid: PaymentLedger = c.app.repository.get(ledger.id)
    assert paid.tax_outstanding(first.payment_number.period) == 0
    assert paid.tax_outstanding(second.payment_number.period) == 0
    assert paid.held == 0 and paid.conserved

    result = c.use_cases.execute(ReconcilePayments(), staff_principal(c, "clerk-1", "T-1"))
    assert result.ok and result.ledgers_checked > 0

    reissued = c.documents.reissue_slip(
        address,
        2026,
        3,
        date(2026, 11, 30),
        date(2026, 11, 1),
        paid.tax_outstanding(3),
        0,
        ctx("qr-reissue"),
    )
    (payload,) = [p for page in decode_qr_codes(render(reissued.model)) for p in page]
    again = el_qr.parse(payload)
    assert (again.payment_number.period, again.payment_number.reissue) == (3, 1)
    assert (again.amount, again.due_date) == (paid.tax_outstanding(3), date(2026, 11, 30))
