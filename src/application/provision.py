"""Provision and transfer through the allowlist gate, and maker-checker exports.

- ``ProvisionService.provide``: the only way 地方税関係情報 leaves the tax system. The allowlist decides;
  an allowed provision becomes a ``DisclosureRecord.Provided`` (番号法 第23条 fields), a refused one a
  ``DisclosureRecord.Refused`` — both stored before anything is returned.
- ``deliver_outbox``: the levy's transfer outbox (one row per department per levy/change) goes through
  the same gate; a delivered row's record id is derived from the row, so a rerun delivers nothing twice.
- ``ExportService``: request → approval by a different supervisor (single-use token bound to the manifest
  hash) → execution → record. A changed manifest or a reused token is refused.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from application.app import JuminzeiApplication
from domain.assessment.assessment import Assessment, assessment_id
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


class ProvisionService:
    def __init__(self, app: JuminzeiApplication, now: Callable[[], datetime]) -> None:
        self.app = app
        self.now = now

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

    def deliver_outbox(self, rows: Sequence[dict[str, Any]], ctx: CommandContext) -> tuple[int, int]:
        """庁内移転: send pending transfer rows through the gate (idempotent per row)."""
        delivered = skipped = 0
        batch: list[DisclosureRecord] = []
        for row in rows:
            key = f"outbox:{row['assessment_id']}:{row['version']}:{row['department']}"
            if disclosure_record_id(key) in self.app.repository or any(
                r.id == disclosure_record_id(key) for r in batch
            ):
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
            delivered += 1
            if len(batch) >= 500:
                self.app.save(*batch)
                batch = []
        if batch:
            self.app.save(*batch)
        return delivered, skipped


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

    def _load(self, request_id: UUID) -> ExportRequest:
        try:
            export: ExportRequest = self.app.repository.get(request_id)
        except AggregateNotFoundError:
            raise DomainError(f"抽出依頼 {request_id} がありません。", code="not_found") from None
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
            try:
                assessment: Assessment = self.app.repository.get(assessment_id(tid, fiscal_year))
            except AggregateNotFoundError:
                raise DomainError(
                    f"宛名番号 {address_number} の{fiscal_year}年度の賦課がありません。", code="not_found"
                ) from None
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
