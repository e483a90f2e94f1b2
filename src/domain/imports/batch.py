"""ImportBatch aggregate (取込バッチ): one per received file, keyed by import kind and file hash.

DESIGN §2.4 "Nothing is lost": every physical record of a received file ends in exactly one of
accepted / rejected (with a reason a clerk understands, naming line and field) / quarantined (awaiting a
person) / duplicate (already received). Counts reconcile per file and per submitter; a gap is reported,
never hidden (lessons from published 課税誤り: lost intake records).

Outcomes are recorded in chunks (one event per chunk of lines) so a 300,000-line file does not become
300,000 events, while every line's outcome is still in the log. A re-import of the same bytes finds the
same aggregate and changes nothing; an interrupted import resumes after the last recorded chunk.
"""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.shared.events import AuditedCreated, AuditedEvent, CommandContext, DomainError
from domain.shared.ids import deterministic_id


@dataclass(frozen=True)
class LineAccepted:
    """受理: line, the record's fingerprint (duplicate detection) and the item it became or changed."""

    line: int
    fingerprint: str
    item_id: str


@dataclass(frozen=True)
class LineRejected:
    """取込エラー: line, item (field) and a Japanese reason that never contains the personal value."""

    line: int
    field: str
    message: str


@dataclass(frozen=True)
class LineQuarantined:
    """保留: line, the work queue it waits in, a reason, and the item (filing) id holding the record."""

    line: int
    queue: str
    reason: str
    item_id: str


@dataclass(frozen=True)
class SubmitterCount:
    """Reconciliation per submitter (指定番号/法人番号/通知元団体)."""

    submitter: str
    declared: int | None
    received: int
    accepted: int
    rejected: int
    quarantined: int
    duplicates: int


def import_batch_id(kind: str, sha256: str) -> UUID:
    return deterministic_id("import-batch", kind, sha256)


class ImportBatch(Aggregate):
    """取込バッチ."""

    TOPIC = "juminzei.imports.ImportBatch"

    class Event(AuditedEvent):
        pass

    class Created(Event, AuditedCreated):
        TOPIC = "juminzei.imports.ImportBatch.Created"

    class Received(Created):
        """受付: the file's hash, source, declared and physical record counts."""

        TOPIC = "juminzei.imports.Received"
        kind: str
        file_name: str
        sha256: str
        declared_count: int | None
        physical_records: int
        file_errors: tuple[LineRejected, ...]

    class OutcomesRecorded(Event):
        """A chunk of per-line outcomes."""

        TOPIC = "juminzei.imports.OutcomesRecorded"
        accepted: tuple[LineAccepted, ...]
        rejected: tuple[LineRejected, ...]
        quarantined: tuple[LineQuarantined, ...]
        duplicates: tuple[int, ...]

        def apply(self, aggregate: "ImportBatch") -> None:
            aggregate.accepted += len(self.accepted)
            aggregate.rejected += len(self.rejected)
            aggregate.quarantined += len(self.quarantined)
            aggregate.duplicates += len(self.duplicates)
            lines = [a.line for a in self.accepted] + list(self.duplicates)
            lines += [r.line for r in self.rejected] + [q.line for q in self.quarantined]
            if lines:
                aggregate.last_line = max(aggregate.last_line, max(lines))

    class Reconciled(Event):
        """照合完了: totals, the gap (physical − outcomes; must be 0) and per-submitter counts."""

        TOPIC = "juminzei.imports.Reconciled"
        received: int
        accepted: int
        rejected: int
        quarantined: int
        duplicates: int
        gap: int
        declared_gap: int | None
        by_submitter: tuple[SubmitterCount, ...]

        def apply(self, aggregate: "ImportBatch") -> None:
            aggregate.reconciled = True
            aggregate.gap = self.gap

    def __init__(
        self,
        kind: str,
        file_name: str,
        sha256: str,
        declared_count: int | None,
        physical_records: int,
        file_errors: tuple[LineRejected, ...],
        **_metadata: Any,
    ) -> None:
        self.kind = kind
        self.file_name = file_name
        self.sha256 = sha256
        self.declared_count = declared_count
        self.physical_records = physical_records
        self.file_errors = file_errors
        self.accepted = self.rejected = self.quarantined = self.duplicates = 0
        self.last_line = 0
        self.reconciled = False
        self.gap = 0

    @classmethod
    def receive(
        cls,
        *,
        kind: str,
        file_name: str,
        sha256: str,
        declared_count: int | None,
        physical_records: int,
        ctx: CommandContext,
        file_errors: tuple[LineRejected, ...] = (),
    ) -> "ImportBatch":
        if len(sha256) != 64:
            raise DomainError("ファイルのハッシュ値が不正です。", code="invalid_hash")
        return cls._create(
            cls.Received,
            id=import_batch_id(kind, sha256),
            kind=kind,
            file_name=file_name,
            sha256=sha256,
            declared_count=declared_count,
            physical_records=physical_records,
            file_errors=file_errors,
            **ctx.event_fields(),
        )

    @property
    def outcomes(self) -> int:
        return self.accepted + self.rejected + self.quarantined + self.duplicates

    def tally(self) -> dict[str, int]:
        """照合件数: records received, each outcome, and the gap (received − outcomes; 0 when all accounted)."""
        return {
            "received": self.physical_records,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "quarantined": self.quarantined,
            "duplicates": self.duplicates,
            "gap": self.physical_records - self.outcomes,
        }

    def record_outcomes(
        self,
        *,
        accepted: tuple[LineAccepted, ...],
        rejected: tuple[LineRejected, ...],
        quarantined: tuple[LineQuarantined, ...],
        duplicates: tuple[int, ...],
        ctx: CommandContext,
    ) -> None:
        if self.reconciled:
            raise DomainError("照合済みの取込バッチには結果を追加できません。", code="batch_closed")
        if not (accepted or rejected or quarantined or duplicates):
            return
        self.trigger_event(
            self.OutcomesRecorded,
            accepted=accepted,
            rejected=rejected,
            quarantined=quarantined,
            duplicates=duplicates,
            **ctx.event_fields(),
        )

    def reconcile(self, by_submitter: tuple[SubmitterCount, ...], ctx: CommandContext) -> None:
        if self.reconciled:
            return
        declared_gap = None if self.declared_count is None else self.declared_count - self.physical_records
        self.trigger_event(
            self.Reconciled,
            **self.tally(),
            declared_gap=declared_gap,
            by_submitter=by_submitter,
            **ctx.event_fields(),
        )
