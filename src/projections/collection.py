"""収納状況 read models: per ledger and per installment, and the suspense work queue (収納保留)."""

from __future__ import annotations

from datetime import date
from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from application.ports import Cursor, SqlDatabase
from application.read_rows import (
    ArrearsRow,
    ChannelTotal,
    DailyReceiptsRow,
    LedgerPeriodRow,
    SuspenseRow,
    UnbalancedLedgerRow,
)
from domain.collection.ledger import TAX, PaymentLedger
from domain.collection.suspense import SuspenseReceipt
from projections.base import Projection
from projections.rows import fetch_rows


class CollectionProjection(Projection):
    name = "collection"
    tables = ("rm_ledgers", "rm_ledger_periods", "rm_suspense", "rm_receipts")

    @singledispatchmethod
    def apply(self, event: Any, cur: Cursor) -> None:
        """Other events are not this view's business."""

    @apply.register
    def _(self, e: PaymentLedger.Opened, cur: Cursor) -> None:
        cur.execute(
            "INSERT INTO rm_ledgers (ledger_id, assessment_id, taxpayer_id, fiscal_year, notice_number, charged,"
            " received, allocated, held, appropriated_in, appropriated_out, refund_determined)"
            " VALUES (%s, %s, %s, %s, %s, %s, 0, 0, 0, 0, 0, 0)",
            (
                str(e.originator_id),
                str(e.assessment_id),
                str(e.taxpayer_id),
                e.fiscal_year,
                e.notice_number,
                sum(c.amount for c in e.charges),
            ),
        )
        self._charges(cur, str(e.originator_id), e.charges)

    @staticmethod
    def _charges(cur: Cursor, ledger: str, charges: Any) -> None:
        for c in charges:
            cur.execute(
                "INSERT INTO rm_ledger_periods (ledger_id, period, label, due_date, amount, method, tax_paid, fee_due,"
                " fee_paid) VALUES (%s, %s, %s, %s, %s, %s, 0, 0, 0) ON CONFLICT (ledger_id, period) DO UPDATE SET"
                " label = EXCLUDED.label, due_date = EXCLUDED.due_date, amount = EXCLUDED.amount,"
                " method = EXCLUDED.method",
                (
                    ledger,
                    c.period,
                    c.label,
                    c.due_date.isoformat() if c.due_date else None,
                    c.amount,
                    c.method,
                ),
            )

    def _allocations(self, cur: Cursor, ledger: str, allocations: Any, sign: int = 1) -> None:
        for a in allocations:
            column = "tax_paid" if a.kind == TAX else "fee_paid"
            cur.execute(
                f"UPDATE rm_ledger_periods SET {column} = {column} + %s WHERE ledger_id = %s AND period = %s",
                (sign * a.amount, ledger, a.period),
            )
        total = sum(a.amount for a in allocations) * sign
        cur.execute("UPDATE rm_ledgers SET allocated = allocated + %s WHERE ledger_id = %s", (total, ledger))

    @staticmethod
    def _add(cur: Cursor, ledger: str, **deltas: int) -> None:
        sets = ", ".join(f"{column} = {column} + %s" for column in deltas)
        cur.execute(f"UPDATE rm_ledgers SET {sets} WHERE ledger_id = %s", (*deltas.values(), ledger))

    @apply.register
    def _(self, e: PaymentLedger.ChargesReposted, cur: Cursor) -> None:
        ledger = str(e.originator_id)
        self._charges(cur, ledger, e.charges)
        cur.execute(
            "UPDATE rm_ledgers SET charged = %s WHERE ledger_id = %s",
            (sum(c.amount for c in e.charges), ledger),
        )
        self._allocations(cur, ledger, e.released_to_held, sign=-1)
        self._add(cur, ledger, held=sum(a.amount for a in e.released_to_held))

    @apply.register
    def _(self, e: PaymentLedger.PaymentReceived, cur: Cursor) -> None:
        ledger = str(e.originator_id)
        self._add(cur, ledger, received=e.amount, held=e.held)
        self._allocations(cur, ledger, e.allocations)
        cur.execute(
            "INSERT INTO rm_receipts (ledger_id, receipt_id, channel, paid_on, amount) VALUES (%s, %s, %s, %s, %s)",
            (ledger, e.receipt_id, e.channel, e.paid_on.isoformat(), e.amount),
        )

    @apply.register
    def _(self, e: PaymentLedger.LateFeeAssessed, cur: Cursor) -> None:
        cur.execute(
            "UPDATE rm_ledger_periods SET fee_due = %s WHERE ledger_id = %s AND period = %s",
            (e.amount, str(e.originator_id), e.period),
        )

    @apply.register
    def _(self, e: PaymentLedger.HeldAllocated, cur: Cursor) -> None:
        ledger = str(e.originator_id)
        self._add(cur, ledger, held=-sum(a.amount for a in e.allocations))
        self._allocations(cur, ledger, e.allocations)

    @apply.register
    def _(self, e: PaymentLedger.AppropriatedOut, cur: Cursor) -> None:
        self._add(cur, str(e.originator_id), held=-e.amount, appropriated_out=e.amount)

    @apply.register
    def _(self, e: PaymentLedger.AppropriatedIn, cur: Cursor) -> None:
        ledger = str(e.originator_id)
        self._add(cur, ledger, appropriated_in=e.amount, held=e.held)
        self._allocations(cur, ledger, e.allocations)

    @apply.register
    def _(self, e: PaymentLedger.RefundDetermined, cur: Cursor) -> None:
        self._add(cur, str(e.originator_id), held=-e.amount, refund_determined=e.amount)

    @apply.register
    def _(self, e: PaymentLedger.RefundFailed, cur: Cursor) -> None:
        self._add(cur, str(e.originator_id), held=e.amount, refund_determined=-e.amount)

    @apply.register
    def _(self, e: SuspenseReceipt.Held, cur: Cursor) -> None:
        cur.execute(
            "INSERT INTO rm_suspense (suspense_id, receipt_key, channel, paid_on, amount, reason, status)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s)",
            (
                str(e.originator_id),
                e.receipt_key,
                e.channel,
                e.paid_on.isoformat(),
                e.amount,
                e.reason,
                "保留",
            ),
        )

    @apply.register
    def _(self, e: SuspenseReceipt.Resolved, cur: Cursor) -> None:
        cur.execute(
            "UPDATE rm_suspense SET status = %s WHERE suspense_id = %s", (e.outcome, str(e.originator_id))
        )


class SqlCollection:
    """``CollectionIndex`` plus the 収納状況 queries."""

    def __init__(self, db: SqlDatabase, ledger: Any) -> None:
        self._db = db
        self._ledger = ledger

    def ledger_by_notice(self, fiscal_year: int, notice_number: str) -> UUID | None:
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT ledger_id FROM rm_ledgers WHERE fiscal_year = %s AND notice_number = %s",
                (fiscal_year, notice_number),
            )
            row = cur.fetchone()
        return UUID(row[0]) if row else None

    def assessments(self, fiscal_year: int) -> list[UUID]:
        result: list[UUID] = self._ledger.assessments(fiscal_year)
        return result

    def assessments_collected_by(
        self, designation_number: str, fiscal_year: int, method: str = "給与特別徴収"
    ) -> list[UUID]:
        result: list[UUID] = self._ledger.assessments_collected_by(designation_number, fiscal_year, method)
        return result

    def totals(self, fiscal_year: int) -> dict[str, int]:
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT COUNT(*), COALESCE(SUM(charged), 0), COALESCE(SUM(received), 0), COALESCE(SUM(allocated), 0),"
                " COALESCE(SUM(held), 0), COALESCE(SUM(appropriated_in), 0), COALESCE(SUM(appropriated_out), 0),"
                " COALESCE(SUM(refund_determined), 0) FROM rm_ledgers WHERE fiscal_year = %s",
                (fiscal_year,),
            )
            row = cur.fetchone()
            keys = (
                "ledgers",
                "charged",
                "received",
                "allocated",
                "held",
                "appropriated_in",
                "appropriated_out",
                "refund_determined",
            )
            totals = {k: int(v) for k, v in zip(keys, row, strict=True)}
            cur.execute(
                "SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM rm_suspense WHERE status = %s", ("保留",)
            )
            count, amount = cur.fetchone()
        totals["suspense_count"] = int(count)
        totals["suspense_amount"] = int(amount)
        return totals

    def suspense(self, include_resolved: bool = False) -> list[SuspenseRow]:
        """収納保留 still open (status 保留), or every one with its outcome (消込・還付)."""
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT suspense_id, receipt_key, channel, paid_on, amount, reason, status FROM rm_suspense"
                " WHERE status = %s OR %s ORDER BY paid_on, suspense_id",
                ("保留", include_resolved),
            )
            return fetch_rows(cur, SuspenseRow)

    def unbalanced_ledgers(self) -> tuple[int, list[UnbalancedLedgerRow]]:
        """Ledgers whose view breaks conservation (受入 = 充当済 + 保留 + 充当出 + 還付決定): (checked, broken)."""
        with self._db.transaction() as cur:
            cur.execute("SELECT COUNT(*) FROM rm_ledgers")
            checked = int(cur.fetchone()[0])
            cur.execute(
                "SELECT ledger_id, fiscal_year, notice_number, received + appropriated_in,"
                " allocated + held + appropriated_out + refund_determined FROM rm_ledgers"
                " WHERE received + appropriated_in <> allocated + held + appropriated_out + refund_determined"
                " ORDER BY ledger_id"
            )
            return checked, fetch_rows(cur, UnbalancedLedgerRow)

    def periods(self, ledger: UUID) -> list[LedgerPeriodRow]:
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT period, label, due_date, amount, tax_paid, fee_due, fee_paid FROM rm_ledger_periods"
                " WHERE ledger_id = %s ORDER BY period",
                (str(ledger),),
            )
            return fetch_rows(cur, LedgerPeriodRow)

    def installments_due(self, due_date: Any) -> list[tuple[UUID, int, int]]:
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT ledger_id, period, amount - tax_paid FROM rm_ledger_periods WHERE due_date = %s"
                " AND method = %s ORDER BY ledger_id, period",
                (due_date.isoformat(), "普通徴収"),
            )
            return [(UUID(r[0]), int(r[1]), int(r[2])) for r in cur.fetchall()]

    def ledgers(self, fiscal_year: int | None = None) -> list[UUID]:
        sql = "SELECT ledger_id FROM rm_ledgers"
        params: list[Any] = []
        if fiscal_year is not None:
            sql += " WHERE fiscal_year = %s"
            params.append(fiscal_year)
        with self._db.transaction() as cur:
            cur.execute(sql + " ORDER BY fiscal_year, ledger_id", params)
            return [UUID(r[0]) for r in cur.fetchall()]

    def ledgers_of_taxpayer(self, taxpayer_id: UUID) -> list[UUID]:
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT ledger_id FROM rm_ledgers WHERE taxpayer_id = %s ORDER BY fiscal_year, ledger_id",
                (str(taxpayer_id),),
            )
            return [UUID(r[0]) for r in cur.fetchall()]

    def with_held(self) -> list[UUID]:
        with self._db.transaction() as cur:
            cur.execute("SELECT ledger_id FROM rm_ledgers WHERE held > 0 ORDER BY ledger_id")
            return [UUID(r[0]) for r in cur.fetchall()]

    def arrears(self, as_of: date) -> list[ArrearsRow]:
        """滞納一覧: installments past their 納期限 with 本税 unpaid."""
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT l.ledger_id, l.fiscal_year, l.notice_number, p.period, p.label, p.due_date,"
                " p.amount - p.tax_paid, p.fee_due - p.fee_paid FROM rm_ledger_periods p"
                " JOIN rm_ledgers l ON l.ledger_id = p.ledger_id WHERE p.due_date < %s AND p.amount > p.tax_paid"
                " ORDER BY p.due_date, l.notice_number, p.period",
                (as_of.isoformat(),),
            )
            return fetch_rows(cur, ArrearsRow)

    def daily(self, day: date) -> DailyReceiptsRow:
        """日計: receipts posted for ``day`` by channel, and suspense received that day."""
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT channel, COUNT(*), SUM(amount) FROM rm_receipts WHERE paid_on = %s GROUP BY channel"
                " ORDER BY channel",
                (day.isoformat(),),
            )
            channels: dict[str, ChannelTotal] = {
                r[0]: {"count": int(r[1]), "amount": int(r[2])} for r in cur.fetchall()
            }
            cur.execute(
                "SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM rm_suspense WHERE paid_on = %s",
                (day.isoformat(),),
            )
            count, amount = cur.fetchone()
        return {
            "date": day.isoformat(),
            "channels": channels,
            "total": sum(c["amount"] for c in channels.values()),
            "suspense": {"count": int(count), "amount": int(amount)},
        }
