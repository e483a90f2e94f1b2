"""The juminzei event-sourced application: one notification sequence for every aggregate.

One ``Application`` (name ``juminzei`` → tables ``juminzei_events`` / ``juminzei_snapshots``) keeps a
single notification log, so projections that join taxpayer, assessment and payment events follow one
sequence (reference notes §1.14; ADR 0002). Persistence is chosen by the environment built from settings
(POPO, SQLite or PostgreSQL); the mapper is the personal-data mapper of ADR 0004.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import Mapper, Transcoder

from application.ports import PersonalDataCipher, StoredEventReader
from application.serialization import JuminzeiTranscoder, PersonalDataMapper, register_enum, register_value
from domain.assessment.values import AssessmentStatus, CollectionMethod, InstallmentLine, LevyAmounts
from domain.audit.provision import DisclosureClass, ProvisionKind
from domain.collection.ledger import Allocation, Charge
from domain.filings.filing import FilingKind, Submission, WorkQueue
from domain.imports.batch import LineAccepted, LineQuarantined, LineRejected, SubmitterCount
from domain.retention.policy import ErasedKey
from domain.shared.events import DomainError
from domain.shared.person import RegistrationKind, Sex
from domain.shared.purpose import Purpose
from domain.taxpayer.values import AssistancePeriod, DisabilityStatus, ResidenceChange

# Stored names of enums and value objects. Never rename a key: stored events refer to it.
for _name, _enum in {
    "purpose": Purpose,
    "sex": Sex,
    "registration_kind": RegistrationKind,
    "residence_change": ResidenceChange,
    "filing_kind": FilingKind,
    "submission": Submission,
    "work_queue": WorkQueue,
    "collection_method": CollectionMethod,
    "assessment_status": AssessmentStatus,
    "provision_kind": ProvisionKind,
    "disclosure_class": DisclosureClass,
}.items():
    register_enum(_name, _enum)
for _name, _value in {
    "assistance_period": AssistancePeriod,
    "disability_status": DisabilityStatus,
    "line_accepted": LineAccepted,
    "line_rejected": LineRejected,
    "line_quarantined": LineQuarantined,
    "submitter_count": SubmitterCount,
    "levy_amounts": LevyAmounts,
    "installment_line": InstallmentLine,
    "erased_key": ErasedKey,
    "charge": Charge,
    "allocation": Allocation,
}.items():
    register_value(_name, _value)

import application.staff_registration  # noqa: E402,F401  (stored names of the staff enums)


def _is_new_access_record(obj: Any) -> bool:
    """An access record not yet stored: its only pending event creates it (no version to conflict on)."""
    from domain.audit.access import AccessRecord

    if not isinstance(obj, AccessRecord):
        return False
    pending = obj.pending_events
    return len(pending) == 1 and pending[0].originator_version == 1


class JuminzeiApplication(Application[UUID]):
    """Event store, repository and notification log for all juminzei aggregates."""

    name = "juminzei"

    def __init__(self, env: Mapping[str, str] | None, personal_cipher: PersonalDataCipher) -> None:
        self._personal_cipher = personal_cipher
        self._event_reader: StoredEventReader | None = None
        #: Set on a read-only replica (縮退運用, ADR 0020): allowed events go to this buffer, others are refused.
        self.degraded_journal: Any = None
        #: Per thread: the position of the last event this thread stored (server mode's write mark).
        self._recorded = threading.local()
        self._journal_group: Any = None
        super().__init__(env=env)

    def use_event_reader(self, reader: StoredEventReader | None) -> None:
        """Let ``get_many`` read many aggregates' events in one query (set by the composition root)."""
        self._event_reader = reader

    def construct_transcoder(self) -> Transcoder:
        return JuminzeiTranscoder()

    def construct_mapper(self) -> Mapper[UUID]:
        return PersonalDataMapper(
            transcoder=self.construct_transcoder(), personal_cipher=self._personal_cipher
        )

    def _record(self, processing_event: Any) -> Any:
        """Before the events are mapped, load or create every data key they need in one go (a batch of
        new subjects would otherwise cost one key-store transaction each).

        On a read-only replica nothing reaches the store: access records and certificate issuances are
        buffered durably (before the caller answers), anything else is refused (ADR 0020)."""
        if self.degraded_journal is not None:
            from application.degraded import ReadOnlyModeError, allowed_on_replica

            refused = [type(e).__name__ for e in processing_event.events if not allowed_on_replica(e)]
            if refused:
                raise ReadOnlyModeError(refused[0])
            self.degraded_journal.append([self.mapper.to_stored_event(e) for e in processing_event.events])
            return []
        prepare = getattr(self._personal_cipher, "prepare", None)
        if prepare is not None:
            prepare(
                event.personal_subject()
                for event in processing_event.events
                if getattr(type(event), "PERSONAL_FIELDS", ())
            )
        recordings = super()._record(processing_event)
        if recordings:
            self._recorded.position = recordings[-1].notification.id
        return recordings

    def group_journal_writes(self) -> None:
        """Server mode: concurrent access-journal writes share one transaction (``journal_group``)."""
        from application.journal_group import JournalGroup

        self._journal_group = JournalGroup(super().save)

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """``Application.save``; in server mode a save of new access records only goes through the group
        commit (one transaction shared with concurrent reads; each returns once its own record is stored)."""
        group = self._journal_group
        if group is None or kwargs or not objs or not all(_is_new_access_record(o) for o in objs):
            return super().save(*objs, **kwargs)
        events = [event for obj in objs for event in obj.collect_events()]
        recordings = group.save(events)
        if recordings:
            self._recorded.position = recordings[-1].notification.id
        return recordings

    def recorded_position(self) -> int:
        """Position of the last event the calling thread stored (0 if none): it changes exactly when this
        thread stores events, without asking the database (server mode, ``interfaces.bootstrap``)."""
        position: int = getattr(self._recorded, "position", 0)
        return position

    def head(self) -> int:
        """Position of the last stored event in the notification log (0 when empty)."""
        return self.recorder.max_notification_id() or 0

    def save_all(self, *aggregates: Any) -> int:
        """Save aggregates atomically; return the notification position of the last stored event."""
        recordings = self.save(*aggregates)
        return recordings[-1].notification.id if recordings else self.head()

    def originator_ids(self, topic: str, page: int = 500) -> Iterator[UUID]:
        """Ids of the aggregates that recorded an event of ``topic`` (e.g. a creation event), in log order,
        read from the notification log ``page`` at a time."""
        start = 1
        while True:
            batch = self.recorder.select_notifications(start=start, limit=page, topics=(topic,))
            for notification in batch:
                originator = notification.originator_id
                yield originator if isinstance(originator, UUID) else UUID(str(originator))
            if len(batch) < page:
                return
            start = batch[-1].id + 1

    def find(self, aggregate_id: UUID) -> Any | None:
        """The aggregate with this id as ``repository.get`` returns it, or None when none was stored."""
        try:
            return self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None

    def require(self, aggregate_id: UUID, message: str, code: str = "not_found") -> Any:
        """The aggregate with this id; a ``DomainError(message, code)`` when none was stored."""
        found = self.find(aggregate_id)
        if found is None:
            raise DomainError(message, code=code)
        return found

    def get_many(self, aggregate_ids: Iterable[UUID]) -> dict[UUID, Any]:
        """The aggregates with these ids, each exactly as ``repository.get`` returns it; ids that do not
        exist are absent.

        One event-store query for all of them when a bulk reader is configured and the repository
        neither snapshots nor caches (then ``get`` is "all events of the aggregate, mapped by the mapper,
        projected from None" — which is what this does); otherwise one ``get`` per id.
        """
        wanted = list(dict.fromkeys(aggregate_ids))
        found: dict[UUID, Any] = {}
        reader = self._event_reader
        if reader is None or self.repository.snapshot_store is not None or self.repository.cache is not None:
            for aggregate_id in wanted:
                try:
                    found[aggregate_id] = self.repository.get(aggregate_id)
                except AggregateNotFoundError:
                    continue
            return found
        stored = reader.select_events_many(wanted) if wanted else {}
        mapper = self.mapper
        in_order = [e for aggregate_id in wanted for e in stored.get(aggregate_id, ())]
        # One batch decode (the data keys of all these events loaded together), then per aggregate.
        decoded = iter(
            mapper.to_domain_events(in_order)
            if hasattr(mapper, "to_domain_events")
            else [mapper.to_domain_event(e) for e in in_order]
        )
        for aggregate_id in wanted:
            events = stored.get(aggregate_id)
            if not events:
                continue
            # ``project_aggregate`` without its per-event runtime-protocol assertion (a measurable cost
            # in bulk loads): each stored event mutates the aggregate in turn, from None.
            aggregate: Any = None
            for _ in events:
                aggregate = next(decoded).mutate(aggregate)  # type: ignore[union-attr]  # events are AuditedEvents
            if aggregate is not None:
                found[aggregate_id] = aggregate
        return found
