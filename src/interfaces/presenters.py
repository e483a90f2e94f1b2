"""Presenters: use-case results as the JSON every entry point returns (CLI ``--json``, HTTP, job results).

One shape per result, so the CLI, the API and the worker cannot drift apart (issue 21).
"""

from __future__ import annotations

from typing import Any

from application.assessment.changes import trace_lines
from application.assessment.documents import Verification
from application.inspection import Explanation, Replay, plain
from application.intake.importer import ImportSummary
from application.intake.returns import EntryOutcome
from application.ports import TaxpayerSearchRow
from application.read_rows import AssessmentHistoryRow
from application.taxpayers import ResidenceAnswer
from application.usecases.levy import LevyRunOutcome, ReassessmentOutcome
from application.usecases.reports import SurveyResult
from domain.assessment.assessment import Assessment


def fields_json(obj: Any, *names: str) -> dict[str, Any]:
    """``{name: obj.name}`` for each name, in order (the JSON keys are the result's own field names)."""
    return {name: getattr(obj, name) for name in names}


def levy_run_json(outcome: LevyRunOutcome) -> dict[str, Any]:
    """当初賦課・随時賦課 の結果."""
    return fields_json(outcome, "fiscal_year", "levied", "non_taxable", "skipped", "total_tax") | {
        "skipped_reasons": dict(outcome.skipped_reasons)
    }


def reassessment_json(outcome: ReassessmentOutcome) -> dict[str, Any]:
    """一括更正 の結果: 件数と各賦課の差額."""
    return {
        "fiscal_year": outcome.fiscal_year,
        "reassessed": len(outcome.changes),
        "changes": [{"assessment_id": str(a), "delta": d} for a, d in outcome.changes],
    }


def assessment_json(
    a: Assessment, address_number: str, ledger_rows: list[AssessmentHistoryRow]
) -> dict[str, Any]:
    """賦課の内容・内訳・履歴 (the assessment as shown to a clerk)."""
    return {
        "assessment_id": str(a.id),
        "address_number": address_number,
        "fiscal_year": a.fiscal_year,
        "status": a.status.value,
        "non_taxable_reason": a.non_taxable_reason,
        "basis": a.basis,
        "rule_set_id": a.rule_set_id,
        "method": a.method.value,
        "collector": a.collector,
        "amounts": {
            "municipal_income_levy": a.amounts.municipal_income_levy,
            "prefectural_income_levy": a.amounts.prefectural_income_levy,
            "municipal_per_capita": a.amounts.municipal_per_capita,
            "prefectural_per_capita": a.amounts.prefectural_per_capita,
            "forest_environment_tax": a.amounts.forest_environment_tax,
            "total": a.amounts.total,
            "reduction": a.amounts.reduction,
            "payable": a.amounts.payable,
        },
        "installments": [
            {
                "label": i.label,
                "due_date": i.due_date.isoformat() if i.due_date else None,
                "amount": i.amount,
                "method": i.method.value,
                "payer": i.payer,
            }
            for i in a.installments
        ],
        "source_filing_ids": list(a.source_filing_ids),
        "notes": list(a.notes),
        "history": ledger_rows,
        "trace": trace_lines(a),
        "version": a.version,
    }


def queue_item_json(item: Any) -> dict[str, Any]:
    """保留中の課税資料 1件: ids, kind, queue and reason only (no personal data)."""
    return {"filing_id": str(item.filing_id)} | fields_json(
        item, "kind", "tax_year", "queue", "reason", "batch_id", "line"
    )


def taxpayer_row_json(r: TaxpayerSearchRow) -> dict[str, Any]:
    """宛名検索の1件."""
    return {
        "taxpayer_id": str(r.taxpayer_id),
        "address_number": r.address_number,
        "name": r.name,
        "kana": r.kana,
        "birth_date": r.birth_date.isoformat(),
        "sex": r.sex,
        "address": r.address,
        "registration_kind": r.registration_kind,
    }


def residence_json(answer: ResidenceAnswer) -> dict[str, Any]:
    """賦課期日の住所照会の回答."""
    return {
        "taxpayer_id": str(answer.taxpayer_id),
        "address_number": answer.address_number,
        "fiscal_year": answer.fiscal_year,
        "levy_date": answer.levy_date.isoformat(),
        "resident": answer.resident,
        "registration_kind": answer.registration_kind,
        "periods": [
            {"from": start.isoformat(), "to": end.isoformat() if end else None}
            for start, end in answer.periods
        ],
    }


def levy_totals_json(fiscal_year: int, t: Any) -> dict[str, Any]:
    """課税台帳の集計 (``projections.levy_ledger.LevyTotals``)."""
    return {"fiscal_year": fiscal_year} | fields_json(
        t,
        "assessments",
        "levied",
        "non_taxable",
        "total_tax",
        "municipal_income_levy",
        "prefectural_income_levy",
        "per_capita_levy",
        "forest_environment_tax",
    )


def survey_json(fiscal_year: int, found: SurveyResult) -> dict[str, Any]:
    """課税状況調: totals, the reconciliation checks (without the tables)."""
    return {
        "fiscal_year": fiscal_year,
        "total_tax": found.survey.total_tax,
        "ledger_total_tax": found.ledger.total_tax,
        "reconciled": found.reconciled,
        "checks": [
            {"name": ch.name, "table": ch.table_value, "expected": ch.expected, "ok": ch.ok}
            for ch in found.checks
        ],
    }


def replay_json(result: Replay) -> dict[str, Any]:
    """集約の再生: state and timeline (actor, purpose, command id, source of each event)."""
    return {
        "aggregate_id": str(result.aggregate_id),
        "type": result.aggregate_type,
        "version": result.version,
        "latest_version": result.latest_version,
        "state": result.state,
        "timeline": [
            {
                "version": e.version,
                "event": e.event,
                "timestamp": e.timestamp.isoformat(),
                "actor": e.actor,
                "purpose": e.purpose,
                "command_id": e.command_id,
                "source_ref": e.source_ref,
                "changes": e.changes,
            }
            for e in result.timeline
        ],
    }


def explanation_json(result: Explanation) -> dict[str, Any]:
    """賦課の再計算と比較."""
    return (
        {"assessment_id": str(result.assessment_id)}
        | fields_json(
            result, "rule_set_id", "reproduces", "recorded_total", "recomputed_total", "lines_compared"
        )
        | {"differences": [plain(d) for d in result.differences], "trace": list(result.trace)}
    )


#: The counts of an import that reconcile: 受付 = 受理 + 不備 + 保留 + 重複.
IMPORT_COUNTS = ("received", "accepted", "rejected", "quarantined", "duplicates")


def summary_json(s: ImportSummary) -> dict[str, Any]:
    """取込の結果: counts that reconcile (受付 = 受理 + 不備 + 保留 + 重複) and each error with line and field."""
    return (
        {"batch_id": str(s.batch_id), "kind": s.kind}
        | fields_json(s, *IMPORT_COUNTS, "gap", "already_imported")
        | {
            "errors": [{"line": e.line, "field": e.field, "message": e.message} for e in s.errors],
            "by_submitter": [
                {"submitter": b.submitter} | fields_json(b, *IMPORT_COUNTS) for b in s.by_submitter
            ],
        }
    )


def certificate_check_json(result: Verification) -> dict[str, Any]:
    """証明書の確認コードの照合結果 (no personal data)."""
    return fields_json(result, "valid", "reason", "document_id", "kind", "current")


def entry_outcome_json(outcome: EntryOutcome) -> dict[str, Any]:
    """住民税申告書の入力・確認入力・訂正・電子申告の結果."""
    return {
        "receipt_number": outcome.receipt_number,
        "status": outcome.status,
        "mismatched_items": list(outcome.mismatched_items),
        "filing_id": str(outcome.filing_id) if outcome.filing_id else None,
        "filing_outcome": outcome.filing_outcome,
    }
