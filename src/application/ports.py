"""Ports (Protocols) that adapters implement and the application depends on (DESIGN §3)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from domain.documents.models import CertificateModel


class PersonalDataCipher(Protocol):
    """Per-subject field encryption with crypto-shredding (DESIGN §6, ADR 0004)."""

    def encrypt(self, key_id: str, plaintext: bytes, associated_data: bytes) -> bytes:
        """Encrypt with the data key ``key_id`` (created on first use)."""
        ...

    def decrypt(self, key_id: str, ciphertext: bytes, associated_data: bytes) -> bytes | None:
        """Decrypt, or return ``None`` when the key has been destroyed (erased subject)."""
        ...

    def destroy(self, key_id: str) -> bool:
        """Destroy the data key for good. Returns whether a live key was destroyed."""
        ...


class StoredEventReader(Protocol):
    """The stored events of many aggregates in one round trip (adapters.persistence.bulk_events)."""

    def select_events_many(self, originator_ids: Sequence[UUID]) -> dict[UUID, list[StoredEvent]]:
        """For each id with events: its stored events in ascending version, as ``select_events`` returns
        them one aggregate at a time. Ids without events are absent."""
        ...


class VaultConflictError(ValueError):
    """The number is already linked to another taxpayer, or the taxpayer to another number (本人確認)."""


class IndividualNumberVault(Protocol):
    """The only holder of My Numbers (DESIGN §6): ciphertext plus a blind index."""

    def blind_index(self, number: str) -> str:
        """Keyed hash of a number, for lookups and pseudonymous comparisons (e.g. 扶養重複)."""
        ...

    def find(self, number: str) -> UUID | None:
        """The taxpayer the number is linked to, if any."""
        ...

    def link(self, taxpayer: UUID, number: str) -> bool:
        """Link a number; False if already linked to this taxpayer; raises on a conflict."""
        ...

    def reveal(self, taxpayer: UUID) -> str | None:
        """Decrypt (only after policy and journal, see application.individual_numbers)."""
        ...

    def is_linked(self, taxpayer: UUID) -> bool: ...

    def batch(self, numbers: Iterable[str], taxpayers: Iterable[UUID]) -> VaultBatch:
        """A batch of finds and links for one import chunk; the vault rows of ``numbers`` and
        ``taxpayers`` are read up front."""
        ...


class VaultBatch(Protocol):
    """Finds and links of one import chunk, answered as the vault's own ``find``/``link`` would answer
    them one after another (a number linked earlier in the batch is found; the same conflicts raise), but
    read in one go and written by ``commit`` in one transaction. Call ``commit`` before saving the
    chunk's events, as ``link`` wrote before them."""

    def find(self, number: str) -> UUID | None: ...

    def link(self, taxpayer: UUID, number: str) -> bool: ...

    def commit(self) -> None: ...


class Cursor(Protocol):
    """The subset of a DB-API cursor the read side uses. SQL uses ``%s`` placeholders everywhere."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class SqlDatabase(Protocol):
    """A read-model database (the same database as the event store)."""

    dialect: str

    def transaction(self, *, pipelined: bool = False) -> AbstractContextManager[Cursor]:
        """A cursor inside one transaction: committed on normal exit, rolled back on error.

        ``pipelined``: statements may be sent without waiting for each result (PostgreSQL pipeline mode;
        a fetch still waits for its own result). Same atomicity; an error may surface at a later
        statement of the transaction. Ignored where the driver has no pipeline (SQLite)."""
        ...


@dataclass(frozen=True)
class TaxpayerSearchRow:
    """One hit of the taxpayer search read model (宛名検索)."""

    taxpayer_id: UUID
    address_number: str
    name: str
    kana: str
    birth_date: date
    sex: str
    address: str
    registration_kind: str


class TaxpayerDirectory(Protocol):
    """Read model for taxpayer search (kana prefix, birth date)."""

    def search(self, kana_prefix: str, birth_date: date | None, limit: int) -> list[TaxpayerSearchRow]: ...

    def count(self) -> int: ...


class EventPositions(Protocol):
    """Notification positions, for read-your-writes."""

    def head(self) -> int: ...


def iter_chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """Split a sequence into chunks of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


class CertificateSigner(Protocol):
    """Keyed verification codes for certificates (adapters.documents.verification)."""

    def sign(self, model: CertificateModel) -> CertificateModel:
        """The model with its verification code set."""
        ...

    def verify(self, model: CertificateModel, code: str) -> bool: ...

    def normalise(self, code: str) -> str: ...
