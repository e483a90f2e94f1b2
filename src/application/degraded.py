"""縮退運用 (degraded operation on a read-only replica; seed II-6, issue 17, ADR 0020).

When the primary database is unavailable, counters keep working on a PostgreSQL streaming replica:
課税証明書 issuance and 収納状況照会 answer from the replicated store. Nothing can be written there, so:

- the access-journal entries of those reads (``AccessRecord``) and the issuance records of certificates
  (``Assessment.DocumentIssued`` of a 課税・非課税証明書) are handed to a **buffer** — durable, encrypted,
  local — before the answer leaves (fail closed: no buffer, no answer);
- every other change is refused (``ReadOnlyModeError``, a Japanese message for the clerk);
- when the primary is back, ``drain`` appends the buffered entries to its log in their order: access
  records as they were written (their own aggregates; a second drain finds them present and skips them),
  certificate issuances re-recorded on the current assessment unless that document is recorded already.
  None is lost, none is recorded twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError, StoredEvent

from domain.assessment.assessment import Assessment
from domain.audit.access import AccessRecord
from domain.shared.events import CommandContext, DomainError

#: 課税・非課税証明書 (application.assessment.documents.CERTIFICATE): the one document issued on a replica.
CERTIFICATE_KIND = "課税・非課税証明書"

READ_ONLY_MESSAGE = (
    "縮退運用中（読み取り専用の副系データベース）のため、この操作はできません。"
    "証明書の発行と収納状況の照会のみ行えます。主系の復旧後に実行してください。"
)


class ReadOnlyModeError(DomainError):
    """A change was attempted while the store is a read-only replica."""

    def __init__(self, refused_event: str = "") -> None:
        super().__init__(READ_ONLY_MESSAGE, code="read_only")
        #: The event class that was refused (for logs and tests; not shown to the clerk).
        self.refused_event = refused_event


@dataclass(frozen=True)
class BufferedEntry:
    entry_id: str
    stored: StoredEvent


class DegradedJournal(Protocol):
    """Durable, encrypted, local buffer of the journal entries made on a replica (an adapter)."""

    def append(self, stored: Sequence[StoredEvent]) -> None: ...

    def pending(self) -> list[BufferedEntry]: ...

    def mark_drained(self, entry_ids: Iterable[str]) -> None: ...


def allowed_on_replica(event: Any) -> bool:
    """Whether an event may be buffered on a replica: an access record, or a certificate's issuance."""
    if isinstance(event, AccessRecord.Event):
        return True
    return isinstance(event, Assessment.DocumentIssued) and event.document_kind == CERTIFICATE_KIND


@dataclass
class DrainResult:
    appended: int = 0
    already_present: int = 0
    entries: int = 0


def drain(app: Any, journal: DegradedJournal) -> DrainResult:
    """Append every buffered entry to the (writable) log of ``app``, in order, exactly once."""
    result = DrainResult()
    pending = journal.pending()
    result.entries = len(pending)
    for entry in pending:
        event = app.mapper.to_domain_event(entry.stored)
        if isinstance(event, Assessment.DocumentIssued):
            appended = _record_certificate(app, event)
        else:
            try:
                app.recorder.insert_events([entry.stored])
                appended = True
            except IntegrityError:
                appended = False  # drained before (a crash after the insert, before the mark)
        if appended:
            result.appended += 1
        else:
            result.already_present += 1
        journal.mark_drained([entry.entry_id])
    return result


def _record_certificate(app: Any, event: Assessment.DocumentIssued) -> bool:
    try:
        assessment: Assessment = app.repository.get(event.originator_id)
    except AggregateNotFoundError as error:  # pragma: no cover - the replica read it from the same log
        raise DomainError(f"証明書の発行記録の賦課 {event.originator_id} が主系にありません。") from error
    if event.document_id in assessment.documents:
        return False
    ctx = CommandContext(
        actor=event.actor,
        purpose=event.purpose,
        command_id=event.command_id,
        source_ref=event.source_ref,
    )
    assessment.record_document(
        document_kind=event.document_kind,
        document_id=event.document_id,
        model=event.model,
        recipient=event.recipient,
        verification_code=event.verification_code,
        ctx=ctx,
    )
    app.save(assessment)
    return True
