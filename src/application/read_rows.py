"""Typed rows of the read side (issue 21 item 6): what the read models return, field by field.

Each is a ``TypedDict``: the rows stay plain mappings (the CLI and the API render them as JSON as they
are), and mypy checks every key a handler or presenter reads. Dates and instants are ISO 8601 text as
the read models store them; money is int yen. The projections build them with
``projections.rows.fetch_rows`` from the column order declared here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict
from uuid import UUID


class AccessRow(TypedDict):
    """One access-journal entry (使用の記録) as projected into ``rm_access_log``."""

    at: str
    actor: str
    terminal: str | None
    purpose: str
    action: str
    items: str
    subject_id: str
    record_id: str


class SuspenseRow(TypedDict):
    """収納保留 (a receipt that could not be allocated) and its status."""

    suspense_id: str
    receipt_key: str
    channel: str
    paid_on: str
    amount: int
    reason: str
    status: str


# A 収納台帳 whose view breaks conservation (受入 ≠ 充当済 + 保留 + 充当出 + 還付決定); "in" is a Python
# keyword, hence the functional form.
UnbalancedLedgerRow = TypedDict(
    "UnbalancedLedgerRow",
    {"ledger_id": str, "fiscal_year": int, "notice_number": str, "in": int, "out": int},
)


class LedgerPeriodRow(TypedDict):
    """One 期別 of a 収納台帳."""

    period: int
    label: str
    due_date: str | None
    amount: int
    tax_paid: int
    fee_due: int
    fee_paid: int


class ArrearsRow(TypedDict):
    """滞納一覧: an installment past its 納期限 with 本税 unpaid."""

    ledger_id: str
    fiscal_year: int
    notice_number: str
    period: int
    label: str
    due_date: str
    unpaid: int
    fee_unpaid: int


class ChannelTotal(TypedDict):
    count: int
    amount: int


class DailyReceiptsRow(TypedDict):
    """日計: receipts posted on one day by channel, and suspense received that day."""

    date: str
    channels: dict[str, ChannelTotal]
    total: int
    suspense: ChannelTotal


class ImportBatchRow(TypedDict):
    """One imported file (取込バッチ) and its reconciliation."""

    batch_id: str
    kind: str
    file_name: str
    declared: int | None
    received: int
    accepted: int
    rejected: int
    quarantined: int
    duplicates: int
    gap: int | None
    reconciled: bool
    received_at: str


class SubmitterRow(TypedDict):
    """Counts per 提出者 (employer, pension payer …) within one imported file."""

    submitter: str
    received: int
    accepted: int
    rejected: int
    quarantined: int
    duplicates: int


class ImportBatchStatus(ImportBatchRow):
    """An imported file with its counts per 提出者 (``intake status``)."""

    by_submitter: list[SubmitterRow]


class ProvisionRow(TypedDict):
    """提供の記録 (番号法 第23条) for one subject."""

    record_id: str
    subject_id: str
    outcome: str
    kind: str
    recipient: str
    legal_basis: str
    items: str
    requested_at: str | None
    provided_at: str | None
    requester: str
    approver: str | None
    terminal: str | None
    reason: str | None


class InstallmentRow(TypedDict):
    """One 納期 of an assessment (課税台帳)."""

    seq: int
    label: str
    due_date: str | None
    amount: int
    method: str
    payer: str | None


class AssessmentHistoryRow(TypedDict):
    """One change of an assessment (賦課・更正・減免 …) with its delta and who made it."""

    version: int
    event: str
    delta: int
    reason: str | None
    actor: str
    at: str


class EmployerListRow(TypedDict):
    """特別徴収義務者別一覧: employees and annual amount per 指定番号."""

    designation_number: str
    employees: int
    annual: int


class NonTaxableRow(TypedDict):
    assessment_id: str
    taxpayer_id: str
    reason: str | None


class OutboxRow(TypedDict):
    """庁内移転 outbox (番号法 第9条第2項): one change to send to one department, and its status."""

    assessment_id: str
    version: int
    department: str
    fiscal_year: int
    event: str
    items: str
    status: str


class DocumentRow(TypedDict):
    """An issued document (通知書・証明書) as the read model indexes it."""

    document_id: str
    assessment_id: str
    kind: str
    event_version: int


@dataclass(frozen=True)
class QueueItem:
    """One filing held in a work queue (保留キュー: 本人確認, 税務調査 …)."""

    filing_id: UUID
    kind: str
    tax_year: int
    queue: str
    reason: str
    batch_id: str | None
    line: int


@dataclass(frozen=True)
class DependentOverlap:
    """扶養重複: one dependent (by blind index) claimed on filings of several taxpayers in one 年度."""

    fiscal_year: int
    dependent_ref: str
    taxpayer_ids: tuple[str, ...]
    filing_ids: tuple[str, ...]


@dataclass(frozen=True)
class LevyTotals:
    """課税総括: counts and sums over the 課税台帳 of one 年度 (int yen)."""

    assessments: int
    levied: int
    non_taxable: int
    total_tax: int
    municipal_income_levy: int
    prefectural_income_levy: int
    per_capita_levy: int
    forest_environment_tax: int


class HeldFiling(TypedDict):
    """A filing held about a person, as listed in the 開示請求 pack."""

    kind: str
    tax_year: int
    status: str
    submitter: str
    submission: str


class HeldAssessment(TypedDict):
    """An assessment held about a person, as listed in the 開示請求 pack."""

    assessment_id: UUID
    fiscal_year: int
    status: str
    method: str
    payable: int


class HeldTransfer(TypedDict):
    """A 庁内移転 of a person's records, as listed in the 開示請求 pack."""

    recipient: str
    fiscal_year: int
    reason: str
    items: str
    status: str
    at: str
