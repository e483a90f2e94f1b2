"""課税台帳 (levy ledger): assessments, installments, history, documents, and the transfer outbox.

Every levy and change writes an outbox row per department that depends on 地方税関係情報
(``domain.audit.transfers``: seed 別表2 移転先, 番号法 第9条第2項), in the same
transaction as the ledger rows — a reassessment can never fail to reach 国保/介護 silently. The security
issue's allowlist gates delivery; this is the one outbox mechanism.
"""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from application.ports import Cursor, SqlDatabase
from application.read_rows import (
    AssessmentHistoryRow,
    DocumentRow,
    EmployerListRow,
    InstallmentRow,
    LevyTotals,
    NonTaxableRow,
    OutboxRow,
)
from domain.assessment.assessment import Assessment
from domain.assessment.values import InstallmentLine, LevyAmounts
from domain.audit.transfers import levy_transfer_recipients
from projections.base import Projection
from projections.rows import fetch_rows


class LevyLedgerProjection(Projection):
    name = "levy_ledger"
    tables = (
        "rm_assessments",
        "rm_installments",
        "rm_assessment_stats",
        "rm_assessment_history",
        "rm_documents",
        "rm_transfer_outbox",
    )

    @singledispatchmethod
    def apply(self, event: Any, cur: Cursor) -> None:
        """Other events are not this view's business."""

    @apply.register
    def _(self, e: Assessment.Determined, cur: Cursor) -> None:
        a = e.amounts
        cur.execute(
            "INSERT INTO rm_assessments (assessment_id, taxpayer_id, fiscal_year, status, non_taxable_reason, basis,"
            " method, collector, total, payable, reduction, municipal_income_levy, prefectural_income_levy,"
            " municipal_per_capita, prefectural_per_capita, forest_environment_tax, total_income, taxable_income,"
            " rule_set_id, corrections, version) VALUES"
            " (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 0, %s)",
            (
                str(e.originator_id),
                str(e.taxpayer_id),
                e.fiscal_year,
                e.status.value,
                e.non_taxable_reason,
                e.basis,
                e.method.value,
                e.collector,
                a.total,
                a.payable,
                a.reduction,
                *a.net_components(),
                a.total_income,
                a.taxable_income,
                e.rule_set_id,
                e.originator_version,
            ),
        )
        # The assessment is new (Determined is its first event): no rows to replace, so plain inserts,
        # which a projection batch writes together.
        self._installments(cur, str(e.originator_id), e.installments, fresh=True)
        self._stats(
            cur,
            str(e.originator_id),
            e.fiscal_year,
            e.status.value,
            e.tax_input,
            e.computation,
            a,
            fresh=True,
        )
        self._history(cur, e, "当初賦課", a.payable, None)
        self._outbox(cur, e, str(e.taxpayer_id), e.fiscal_year, "当初賦課")

    @apply.register
    def _(self, e: Assessment.Reassessed, cur: Cursor) -> None:
        self._amounts(cur, str(e.originator_id), e.after, e.originator_version)
        cur.execute(
            "UPDATE rm_assessments SET status = %s, basis = %s, method = %s, collector = %s, rule_set_id = %s,"
            " corrections = corrections + 1 WHERE assessment_id = %s",
            (e.status.value, e.basis, e.method.value, e.collector, e.rule_set_id, str(e.originator_id)),
        )
        self._installments(cur, str(e.originator_id), e.installments)
        self._stats(
            cur, str(e.originator_id), e.fiscal_year, e.status.value, e.tax_input, e.computation, e.after
        )
        self._history(cur, e, "更正", e.delta, e.reason)
        self._outbox(cur, e, str(e.taxpayer_id), e.fiscal_year, "更正")

    @apply.register
    def _(self, e: Assessment.MethodSwitched, cur: Cursor) -> None:
        cur.execute(
            "UPDATE rm_assessments SET method = %s, version = %s WHERE assessment_id = %s",
            (e.method.value, e.originator_version, str(e.originator_id)),
        )
        self._installments(cur, str(e.originator_id), e.installments)
        self._history(cur, e, "徴収方法変更", 0, e.reason)

    @apply.register
    def _(self, e: Assessment.ReductionApplied, cur: Cursor) -> None:
        self._history(cur, e, "減免申請", 0, e.kind)

    @apply.register
    def _(self, e: Assessment.ReductionDecided, cur: Cursor) -> None:
        if e.granted:
            self._amounts(cur, str(e.originator_id), e.amounts, e.originator_version)
            self._installments(cur, str(e.originator_id), e.installments)
            self._stats_levies(cur, str(e.originator_id), e.amounts)
        self._history(cur, e, "減免決定" if e.granted else "減免却下", -e.amount, e.reason)
        if e.granted:
            cur.execute(
                "SELECT taxpayer_id, fiscal_year FROM rm_assessments WHERE assessment_id = %s",
                (str(e.originator_id),),
            )
            taxpayer, year = cur.fetchone()
            self._outbox(cur, e, taxpayer, int(year), "減免")

    @apply.register
    def _(self, e: Assessment.Cancelled, cur: Cursor) -> None:
        cur.execute(
            "UPDATE rm_assessments SET status = %s, payable = 0, version = %s WHERE assessment_id = %s",
            ("取消", e.originator_version, str(e.originator_id)),
        )
        cur.execute("DELETE FROM rm_installments WHERE assessment_id = %s", (str(e.originator_id),))
        cur.execute(
            "SELECT taxpayer_id, fiscal_year, payable FROM rm_assessments WHERE assessment_id = %s",
            (str(e.originator_id),),
        )
        taxpayer, year, _ = cur.fetchone()
        self._history(cur, e, "賦課取消", 0, e.reason)
        self._outbox(cur, e, taxpayer, int(year), "賦課取消")

    @apply.register
    def _(self, e: Assessment.DocumentIssued, cur: Cursor) -> None:
        cur.execute(
            "INSERT INTO rm_documents (document_id, assessment_id, kind, recipient, assessment_version,"
            " verification_code, event_version, issued_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            (
                e.document_id,
                str(e.originator_id),
                e.document_kind,
                e.recipient,
                e.assessment_version,
                e.verification_code.replace("-", "") if e.verification_code else None,
                e.originator_version,
                e.timestamp.isoformat(),
            ),
        )

    @staticmethod
    def _amounts(cur: Cursor, assessment: str, a: LevyAmounts, version: int) -> None:
        cur.execute(
            "UPDATE rm_assessments SET total = %s, payable = %s, reduction = %s, municipal_income_levy = %s,"
            " prefectural_income_levy = %s, municipal_per_capita = %s, prefectural_per_capita = %s,"
            " forest_environment_tax = %s, total_income = %s, taxable_income = %s, version = %s"
            " WHERE assessment_id = %s",
            (
                a.total,
                a.payable,
                a.reduction,
                *a.net_components(),
                a.total_income,
                a.taxable_income,
                version,
                assessment,
            ),
        )

    @staticmethod
    def _stats(
        cur: Cursor,
        assessment: str,
        fiscal_year: int,
        status: str,
        tax_input: Any,
        computation: Any,
        a: LevyAmounts,
        *,
        fresh: bool = False,
    ) -> None:
        """Statistics row for the 課税状況調 (amounts and codes only; no personal data)."""
        if not fresh:
            cur.execute("DELETE FROM rm_assessment_stats WHERE assessment_id = %s", (assessment,))
        if not isinstance(computation, dict) or not isinstance(tax_input, dict):
            return  # erased (retention): the headline amounts in rm_assessments remain
        income = computation["income"]
        given = tax_input.get("income", {})
        credits = tax_input.get("credits", {})
        salary = max(income["salary_income"] - income["income_adjustment_deduction"], 0)
        business = int(given.get("business", 0))
        pension = income["public_pension_income"]
        other = max(income["comprehensive_income"] - salary - business - pension, 0)
        cur.execute(
            "INSERT INTO rm_assessment_stats (assessment_id, fiscal_year, status, non_resident, salary_income,"
            " business_income, agricultural_income, pension_income, other_income, total_income, listed_stock_gains,"
            " listed_stock_dividends, taxable_income, separate_taxable_income, municipal_income_levy,"
            " prefectural_income_levy, municipal_per_capita, prefectural_per_capita, forest_environment_tax,"
            " reduction, donation_amount, municipal_donation_credit, prefectural_donation_credit, one_stop)"
            " VALUES (%s, %s, %s, %s, %s, %s, 0, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                assessment,
                fiscal_year,
                status,
                0 if tax_input.get("taxpayer", {}).get("resident", True) else 1,
                salary,
                business,
                pension,
                other,
                income["total_income"],
                int(given.get("listed_stock_gains_separate", 0)),
                int(given.get("listed_stock_dividends_separate", 0)),
                computation["taxable_income"],
                computation["separate_taxable_income"],
                *a.net_components(),
                a.reduction,
                int(credits.get("furusato_donations", 0)) + int(credits.get("other_eligible_donations", 0)),
                computation["municipal"]["donation_credit"],
                computation["prefectural"]["donation_credit"],
                1 if credits.get("one_stop") else 0,
            ),
        )

    @staticmethod
    def _stats_levies(cur: Cursor, assessment: str, a: LevyAmounts) -> None:
        cur.execute(
            "UPDATE rm_assessment_stats SET municipal_income_levy = %s, prefectural_income_levy = %s,"
            " municipal_per_capita = %s, prefectural_per_capita = %s, forest_environment_tax = %s, reduction = %s"
            " WHERE assessment_id = %s",
            (*a.net_components(), a.reduction, assessment),
        )

    @staticmethod
    def _installments(
        cur: Cursor, assessment: str, lines: tuple[InstallmentLine, ...], *, fresh: bool = False
    ) -> None:
        if not fresh:
            cur.execute("DELETE FROM rm_installments WHERE assessment_id = %s", (assessment,))
        if lines:
            cur.executemany(
                "INSERT INTO rm_installments (assessment_id, seq, label, due_date, amount, method, payer)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [
                    (
                        assessment,
                        i,
                        line.label,
                        line.due_date.isoformat() if line.due_date else None,
                        line.amount,
                        line.method.value,
                        line.payer,
                    )
                    for i, line in enumerate(lines, start=1)
                ],
            )

    @staticmethod
    def _history(cur: Cursor, e: Any, kind: str, delta: int, reason: str | None) -> None:
        cur.execute(
            "INSERT INTO rm_assessment_history (assessment_id, version, event, delta, reason, actor, at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s)",
            (
                str(e.originator_id),
                e.originator_version,
                kind,
                delta,
                reason,
                e.actor,
                e.timestamp.isoformat(),
            ),
        )

    @staticmethod
    def _outbox(cur: Cursor, e: Any, taxpayer: str, fiscal_year: int, kind: str) -> None:
        cur.executemany(
            "INSERT INTO rm_transfer_outbox (assessment_id, version, department, taxpayer_id, fiscal_year, event,"
            " items, status, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    str(e.originator_id),
                    e.originator_version,
                    recipient.department,
                    taxpayer,
                    fiscal_year,
                    kind,
                    recipient.items,
                    "未送付",
                    e.timestamp.isoformat(),
                )
                for recipient in levy_transfer_recipients()
            ],
        )


class SqlLevyLedger:
    """Queries over the 課税台帳 and the look-ups the levy batch needs (``LevyIndex``)."""

    def __init__(self, db: SqlDatabase) -> None:
        self._db = db

    def levy_candidates(self, fiscal_year: int) -> list[UUID]:
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT DISTINCT taxpayer_id FROM rm_filings WHERE fiscal_year = %s AND status = %s"
                " AND taxpayer_id IS NOT NULL"
                " UNION SELECT taxpayer_id FROM rm_taxpayer_search WHERE registration_kind = %s",
                (fiscal_year, "有効", "住登外"),
            )
            return sorted(UUID(r[0]) for r in cur.fetchall())

    def active_filings(self, taxpayer: UUID, fiscal_year: int) -> list[UUID]:
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT filing_id FROM rm_filings WHERE taxpayer_id = %s AND fiscal_year = %s AND status = %s"
                " ORDER BY filing_id",
                (str(taxpayer), fiscal_year, "有効"),
            )
            return [UUID(r[0]) for r in cur.fetchall()]

    def active_filings_many(self, taxpayers: list[UUID], fiscal_year: int) -> dict[UUID, list[UUID]]:
        """``active_filings`` for many taxpayers in one query per 500: each list in the same order."""
        found: dict[UUID, list[UUID]] = {t: [] for t in taxpayers}
        keys = sorted({str(t) for t in taxpayers})
        with self._db.transaction() as cur:
            for start in range(0, len(keys), 500):
                part = keys[start : start + 500]
                marks = ", ".join(["%s"] * len(part))
                cur.execute(
                    "SELECT taxpayer_id, filing_id FROM rm_filings WHERE fiscal_year = %s AND status = %s"
                    f" AND taxpayer_id IN ({marks}) ORDER BY taxpayer_id, filing_id",
                    (fiscal_year, "有効", *part),
                )
                for taxpayer, filing in cur.fetchall():
                    found[UUID(taxpayer)].append(UUID(filing))
        return found

    def assessments(self, fiscal_year: int) -> list[UUID]:
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT assessment_id FROM rm_assessments WHERE fiscal_year = %s ORDER BY assessment_id",
                (fiscal_year,),
            )
            return [UUID(r[0]) for r in cur.fetchall()]

    def totals(self, fiscal_year: int) -> LevyTotals:
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT COUNT(*),"
                " COALESCE(SUM(CASE WHEN status = %s THEN 1 ELSE 0 END), 0),"
                " COALESCE(SUM(CASE WHEN status = %s THEN 1 ELSE 0 END), 0),"
                " COALESCE(SUM(payable), 0), COALESCE(SUM(municipal_income_levy), 0),"
                " COALESCE(SUM(prefectural_income_levy), 0),"
                " COALESCE(SUM(municipal_per_capita + prefectural_per_capita), 0),"
                " COALESCE(SUM(forest_environment_tax), 0)"
                " FROM rm_assessments WHERE fiscal_year = %s AND status <> %s",
                ("課税", "非課税", fiscal_year, "取消"),
            )
            row = cur.fetchone()
        return LevyTotals(*(int(v) for v in row))

    def ledger_totals(self, fiscal_year: int) -> Any:
        """Component sums of the 課税台帳 (課税 rows), read independently of the statistics rows."""
        from domain.reporting.survey import LedgerTotals

        with self._db.transaction() as cur:
            cur.execute(
                "SELECT COUNT(*), COALESCE(SUM(municipal_income_levy), 0), COALESCE(SUM(prefectural_income_levy), 0),"
                " COALESCE(SUM(municipal_per_capita), 0), COALESCE(SUM(prefectural_per_capita), 0),"
                " COALESCE(SUM(forest_environment_tax), 0) FROM rm_assessments WHERE fiscal_year = %s AND status = %s",
                (fiscal_year, "課税"),
            )
            row = cur.fetchone()
        return LedgerTotals(*(int(v) for v in row))

    def installments(self, assessment: UUID) -> list[InstallmentRow]:
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT seq, label, due_date, amount, method, payer FROM rm_installments WHERE assessment_id = %s"
                " ORDER BY seq",
                (str(assessment),),
            )
            return fetch_rows(cur, InstallmentRow)

    def history(self, assessment: UUID) -> list[AssessmentHistoryRow]:
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT version, event, delta, reason, actor, at FROM rm_assessment_history WHERE assessment_id = %s"
                " ORDER BY version",
                (str(assessment),),
            )
            return fetch_rows(cur, AssessmentHistoryRow)

    def employer_list(self, fiscal_year: int) -> list[EmployerListRow]:
        """特別徴収義務者別一覧: employees and annual amounts per 指定番号."""
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT i.payer, COUNT(DISTINCT i.assessment_id), SUM(i.amount) FROM rm_installments i"
                " JOIN rm_assessments a ON a.assessment_id = i.assessment_id"
                " WHERE a.fiscal_year = %s AND i.method = %s GROUP BY i.payer ORDER BY i.payer",
                (fiscal_year, "給与特別徴収"),
            )
            return [
                {"designation_number": r[0], "employees": int(r[1]), "annual": int(r[2])}
                for r in cur.fetchall()
            ]

    def assessments_collected_by(
        self, designation_number: str, fiscal_year: int, method: str = "給与特別徴収"
    ) -> list[UUID]:
        """Assessments with installments collected by this payer (指定番号, or 年金保険者) and method."""
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT DISTINCT i.assessment_id FROM rm_installments i JOIN rm_assessments a"
                " ON a.assessment_id = i.assessment_id WHERE a.fiscal_year = %s AND i.payer = %s AND i.method = %s"
                " ORDER BY i.assessment_id",
                (fiscal_year, designation_number, method),
            )
            return [UUID(r[0]) for r in cur.fetchall()]

    def non_taxable(self, fiscal_year: int) -> list[NonTaxableRow]:
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT assessment_id, taxpayer_id, non_taxable_reason FROM rm_assessments"
                " WHERE fiscal_year = %s AND status = %s ORDER BY taxpayer_id",
                (fiscal_year, "非課税"),
            )
            return fetch_rows(cur, NonTaxableRow)

    def outbox(self, status: str | None = None) -> list[OutboxRow]:
        """The transfer outbox; ``status`` is 送付済 for a row delivered through the gate (the delivery
        table, ``transfer_deliveries``, which no rebuild touches), else the row's own 未送付."""
        state = "CASE WHEN d.record_id IS NULL THEN o.status ELSE '送付済' END"
        sql = (
            f"SELECT o.assessment_id, o.version, o.department, o.fiscal_year, o.event, o.items, {state}"
            " FROM rm_transfer_outbox o LEFT JOIN transfer_deliveries d ON d.assessment_id = o.assessment_id"
            " AND d.version = o.version AND d.department = o.department"
        )
        params: list[Any] = []
        if status:
            sql += f" WHERE {state} = %s"
            params.append(status)
        with self._db.transaction() as cur:
            cur.execute(sql + " ORDER BY o.assessment_id, o.version, o.department", params)
            return fetch_rows(cur, OutboxRow)

    def document_by_code(self, normalised_code: str) -> DocumentRow | None:
        """The certificate whose code is (or, for the short form, starts with) ``normalised_code``."""
        if not normalised_code.isalnum():
            return None
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT document_id, assessment_id, kind, event_version FROM rm_documents"
                " WHERE verification_code LIKE %s ORDER BY document_id",
                (normalised_code + "%",),
            )
            rows = cur.fetchall()
        row = rows[0] if len(rows) == 1 else None
        if row is None:
            return None
        return {"document_id": row[0], "assessment_id": row[1], "kind": row[2], "event_version": int(row[3])}

    def document(self, document_id: str) -> DocumentRow | None:
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT document_id, assessment_id, kind, event_version FROM rm_documents WHERE document_id = %s",
                (document_id,),
            )
            row = cur.fetchone()
        if row is None:
            return None
        return {"document_id": row[0], "assessment_id": row[1], "kind": row[2], "event_version": int(row[3])}

    def survey_rows(self, fiscal_year: int) -> list[Any]:
        """統計用の行 (課税・非課税; 取消 excluded) for the 課税状況調."""
        from domain.reporting.survey import SurveyRow

        with self._db.transaction() as cur:
            cur.execute(
                "SELECT fiscal_year, status, non_resident, salary_income, business_income, agricultural_income,"
                " pension_income, other_income, total_income, listed_stock_gains, listed_stock_dividends,"
                " taxable_income, separate_taxable_income, municipal_income_levy, prefectural_income_levy,"
                " municipal_per_capita, prefectural_per_capita, forest_environment_tax, reduction, donation_amount,"
                " municipal_donation_credit, prefectural_donation_credit, one_stop FROM rm_assessment_stats"
                " WHERE fiscal_year = %s ORDER BY assessment_id",
                (fiscal_year,),
            )
            rows = cur.fetchall()
        return [
            SurveyRow(
                fiscal_year=int(r[0]),
                status=r[1],
                non_resident=bool(r[2]),
                salary_income=int(r[3]),
                business_income=int(r[4]),
                agricultural_income=int(r[5]),
                pension_income=int(r[6]),
                other_income=int(r[7]),
                total_income=int(r[8]),
                separate_long_term_gains=0,
                separate_short_term_gains=0,
                general_stock_gains=0,
                listed_stock_gains=int(r[9]),
                listed_stock_dividends=int(r[10]),
                futures_misc=0,
                taxable_income=int(r[11]),
                separate_taxable_income=int(r[12]),
                municipal_income_levy=int(r[13]),
                prefectural_income_levy=int(r[14]),
                municipal_per_capita=int(r[15]),
                prefectural_per_capita=int(r[16]),
                forest_environment_tax=int(r[17]),
                reduction=int(r[18]),
                donation_amount=int(r[19]),
                municipal_donation_credit=int(r[20]),
                prefectural_donation_credit=int(r[21]),
                one_stop=bool(r[22]),
            )
            for r in rows
        ]
