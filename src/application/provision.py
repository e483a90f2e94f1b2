"""Provision and transfer through the allowlist gate, and maker-checker exports.

- ``ProvisionService.provide``: the only way 地方税関係情報 leaves the tax system. The allowlist decides;
  an allowed provision becomes a ``DisclosureRecord.Provided`` (番号法 第23条 fields), a refused one a
  ``DisclosureRecord.Refused`` — both stored before anything is returned.
- ``deliver_outbox``: the levy's transfer outbox (one row per department per levy/change) goes through
  the same gate; a delivered row's record id is derived from the row, so a rerun delivers nothing twice.
  Which rows were delivered is kept behind ``TransferDeliveries`` (its own table, no projection's), so a
  rebuild of the read models neither resends nor forgets a delivery.
- ``ExportService``: request → approval by a different supervisor (single-use token bound to the manifest
  hash) → execution → record. A changed manifest or a reused token is refused.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple, Protocol
from uuid import UUID

from application.app import JuminzeiApplication
from application.assessment import load_assessment
from application.read_rows import OutboxRow
from domain.assessment.assessment import Assessment
from domain.audit.export import ExportRequest
from domain.audit.provision import (
    TRANSFER_BASIS,
    DisclosureClass,
    DisclosureRecord,
    ProvisionKind,
    check_provision,
    disclosure_record_id,
)
from domain.shared.events import CommandContext, DomainError
from domain.taxpayer.model import taxpayer_id

PROVIDER = "目黒区 区民部税務課（個人住民税）"


@dataclass(frozen=True)
class ProvisionRequest:
    key: str
    kind: ProvisionKind
    recipient: str
    legal_basis: str
    items: tuple[str, ...]
    subject_ids: tuple[UUID, ...]
    requested_at: datetime
    approver: str | None = None


class OutboxKey(NamedTuple):
    """One outbox row: a levy event (assessment, version) owed to one department."""

    assessment_id: str
    version: int
    department: str


@dataclass(frozen=True)
class TransferDelivery:
    """An outbox row delivered through the gate: the DisclosureRecord it became, and when."""

    key: OutboxKey
    record_id: str
    delivered_at: str


class TransferDeliveries(Protocol):
    """Delivery state of the transfer outbox, kept where no projection rebuild reaches it."""

    def delivered(self, keys: Iterable[OutboxKey]) -> set[OutboxKey]:
        """Which of ``keys`` were delivered."""
        ...

    def record(self, deliveries: Sequence[TransferDelivery]) -> None:
        """Remember deliveries (a key already recorded is left as it is)."""
        ...


class ProvisionService:
    def __init__(
        self,
        app: JuminzeiApplication,
        now: Callable[[], datetime],
        deliveries: TransferDeliveries | None = None,
    ) -> None:
        self.app = app
        self.now = now
        self.deliveries = deliveries

    def prepare(self, request: ProvisionRequest, ctx: CommandContext) -> DisclosureRecord:
        """The record for ``request``: Provided when the allowlist allows it, else Refused."""
        decision = check_provision(
            kind=request.kind,
            recipient=request.recipient,
            legal_basis=request.legal_basis,
            items=request.items,
        )
        if not decision.allowed:
            return DisclosureRecord.refused(
                key=request.key,
                kind=request.kind,
                recipient=request.recipient,
                legal_basis=request.legal_basis,
                items=request.items,
                subject_ids=request.subject_ids,
                reason=decision.reason,
                ctx=ctx,
            )
        return DisclosureRecord.provided(
            key=request.key,
            kind=request.kind,
            provider=PROVIDER,
            recipient=request.recipient,
            legal_basis=request.legal_basis,
            items=request.items,
            subject_ids=request.subject_ids,
            requested_at=request.requested_at,
            provided_at=self.now(),
            approver=request.approver,
            disclosure_class=DisclosureClass.DISCLOSED,
            disclosure_basis=None,
            ctx=ctx,
        )

    def provide(self, request: ProvisionRequest, ctx: CommandContext) -> DisclosureRecord:
        record = self.prepare(request, ctx)
        self.app.save(record)  # recorded first, allowed or refused
        if getattr(record, "reason", None) is not None:
            raise DomainError(str(record.reason), code="provision_refused")
        return record

    def deliver_outbox(self, rows: Sequence[OutboxRow], ctx: CommandContext) -> tuple[int, int]:
        """庁内移転: send pending transfer rows through the gate (idempotent per row).

        A row is delivered once: the delivery table says so, or (a crash after the records were stored but
        before the table was written) its DisclosureRecord exists already, which the table then learns."""
        delivered = skipped = 0
        batch: list[DisclosureRecord] = []
        pending: list[TransferDelivery] = []
        repaired: list[TransferDelivery] = []
        keys = [OutboxKey(str(r["assessment_id"]), int(r["version"]), str(r["department"])) for r in rows]
        done = self.deliveries.delivered(keys) if self.deliveries is not None else set()
        for row, outbox_key in zip(rows, keys, strict=True):
            key = f"outbox:{row['assessment_id']}:{row['version']}:{row['department']}"
            record_id = disclosure_record_id(key)
            if outbox_key in done or any(r.id == record_id for r in batch):
                skipped += 1
                continue
            if record_id in self.app.repository:
                repaired.append(TransferDelivery(outbox_key, str(record_id), self.now().isoformat()))
                skipped += 1
                continue
            assessment: Assessment = self.app.repository.get(UUID(row["assessment_id"]))
            record = self.prepare(
                ProvisionRequest(
                    key=key,
                    kind=ProvisionKind.TRANSFER,
                    recipient=row["department"],
                    legal_basis=TRANSFER_BASIS,
                    items=(row["items"],),
                    subject_ids=(assessment.taxpayer_id,),
                    requested_at=self.now(),
                ),
                ctx.derive(key),
            )
            batch.append(record)
            pending.append(TransferDelivery(outbox_key, str(record.id), self.now().isoformat()))
            delivered += 1
            if len(batch) >= 500:
                self._save_delivered(batch, pending)
                batch, pending = [], []
        if batch:
            self._save_delivered(batch, pending)
        if repaired and self.deliveries is not None:
            self.deliveries.record(repaired)
        return delivered, skipped

    def _save_delivered(self, batch: list[DisclosureRecord], pending: list[TransferDelivery]) -> None:
        # The records first: they are the authority (番号法 第23条); the table only remembers them.
        self.app.save(*batch)
        if self.deliveries is not None:
            self.deliveries.record(pending)


def manifest_hash(manifest: dict[str, Any]) -> str:
    """sha256 of the canonical JSON of an export manifest (sorted keys, no spaces)."""
    canonical = json.dumps(manifest, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _manifest_fields(manifest: dict[str, Any]) -> tuple[str, str, tuple[str, ...], list[str], int]:
    try:
        recipient = str(manifest["recipient"])
        basis = str(manifest["legal_basis"])
        items = tuple(str(i) for i in manifest["items"])
        subjects = [str(s) for s in manifest["subjects"]]
        fiscal_year = int(manifest["fiscal_year"])
    except (KeyError, TypeError, ValueError) as error:
        raise DomainError(
            f"マニフェストの項目が不足または不正です（recipient, legal_basis, items, subjects, fiscal_year）: {error}",
            code="bad_manifest",
        ) from None
    return recipient, basis, items, subjects, fiscal_year


class ExportService:
    def __init__(
        self, app: JuminzeiApplication, provisions: ProvisionService, now: Callable[[], datetime]
    ) -> None:
        self.app = app
        self.provisions = provisions
        self.now = now

    def request(self, manifest: dict[str, Any], ctx: CommandContext) -> ExportRequest:
        recipient, basis, items, subjects, _ = _manifest_fields(manifest)
        decision = check_provision(
            kind=ProvisionKind.PROVISION, recipient=recipient, legal_basis=basis, items=items
        )
        if not decision.allowed:
            raise DomainError(decision.reason, code="provision_refused")
        export = ExportRequest.request(
            manifest_hash=manifest_hash(manifest),
            recipient=recipient,
            legal_basis=basis,
            items=items,
            subject_count=len(subjects),
            ctx=ctx,
        )
        self.app.save(export)
        return export

    def requests(self) -> list[ExportRequest]:
        """Every 抽出依頼, newest first."""
        ids = list(self.app.originator_ids(ExportRequest.Requested.TOPIC))
        return [self._load(i) for i in reversed(ids)]

    def _load(self, request_id: UUID) -> ExportRequest:
        export: ExportRequest = self.app.require(request_id, f"抽出依頼 {request_id} がありません。")
        return export

    def approve(self, request_id: UUID, ctx: CommandContext, valid_for: timedelta = timedelta(days=3)) -> str:
        """Approve and return the single-use token (shown once; only its hash is stored)."""
        export = self._load(request_id)
        token = secrets.token_urlsafe(24)
        export.approve(
            token_hash=hashlib.sha256(token.encode()).hexdigest(), expires_at=self.now() + valid_for, ctx=ctx
        )
        self.app.save(export)
        return token

    def execute(
        self, request_id: UUID, manifest: dict[str, Any], token: str, ctx: CommandContext
    ) -> list[dict[str, Any]]:
        export = self._load(request_id)
        export.check_execution(
            manifest_hash=manifest_hash(manifest),
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            now=self.now(),
        )
        recipient, basis, items, subjects, fiscal_year = _manifest_fields(manifest)
        rows: list[dict[str, Any]] = []
        subject_ids: list[UUID] = []
        for address_number in subjects:
            tid = taxpayer_id(address_number)
            assessment = load_assessment(self.app, address_number, fiscal_year)
            subject_ids.append(tid)
            salary = sum(i.amount for i in assessment.installments if i.method.value == "給与特別徴収")
            rows.append(
                {
                    "宛名番号": address_number,
                    "年度": fiscal_year,
                    "項目": "・".join(items),
                    "税額": assessment.amounts.payable,
                    "給与特別徴収税額": salary,
                    "徴収方法": assessment.method.value,
                }
            )
        output = json.dumps(rows, ensure_ascii=False, sort_keys=True)
        record = self.provisions.prepare(
            ProvisionRequest(
                key=f"export:{request_id}",
                kind=ProvisionKind.PROVISION,
                recipient=recipient,
                legal_basis=basis,
                items=items,
                subject_ids=tuple(subject_ids),
                requested_at=export.created_on,
                approver=export.approved_by,
            ),
            ctx,
        )
        if getattr(record, "reason", None) is not None:
            self.app.save(record)
            raise DomainError(str(record.reason), code="provision_refused")
        export.executed_once(output_hash=hashlib.sha256(output.encode()).hexdigest(), rows=len(rows), ctx=ctx)
        self.app.save(export, record)  # the record and the single use commit together
        return rows
