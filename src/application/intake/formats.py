"""取込種別の登録簿 (format registry): every import kind declared once, as one ``FormatSpec``.

A spec says what a received file of that kind is — its kind name (``ImportKind``, stored as
``ImportBatch.kind``), the adapter's parser, the record type, which record handler takes each record,
what the importer preloads for a chunk, and whether the records are 課税資料 feeding the levy
(``filing_kind``). The importer, the levy, the CLI, HTTP and the worker all read the registry; none
of them names a kind. The concrete entries are wired in ``adapters.formats.registry`` (adapters may
import application; application never imports adapters: DESIGN §3). See docs/formats/README.md,
"Adding a format".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

from domain.filings.filing import FilingKind
from domain.intake import ParsedRecord, RecordError
from domain.shared.events import CommandContext, DomainError

if TYPE_CHECKING:
    from application.collection import CollectionService
    from application.debit import DebitService
    from application.intake.importer import IntakeService
    from application.ports import VaultBatch


class ImportKind(StrEnum):
    """取込種別: the kind names of received files. Stored in events (``ImportBatch.kind``) and read models:
    never rename a value. A StrEnum, so a member is the plain string everywhere it is stored or printed."""

    RESIDENT_REGISTRY = "resident-registry"  # 住民記録 異動データ
    EMPLOYERS = "employers"  # 特別徴収義務者台帳
    PUBLIC_ASSISTANCE = "public-assistance"  # 生活保護 受給状況
    DISABILITY = "disability"  # 障害者手帳 交付状況
    ELTAX_SALARY = FilingKind.SALARY_REPORT.value  # 給与支払報告書 (地方税法 第317条の6第1項)
    ELTAX_PENSION = FilingKind.PENSION_REPORT.value  # 公的年金等支払報告書 (同第4項)
    ETAX_RETURN = FilingKind.TAX_RETURN.value  # 確定申告書 (国税連携, 第317条の3)
    FURUSATO_NOTICE = FilingKind.FURUSATO_NOTICE.value  # 申告特例通知書 (附則第7条)
    RESIDENT_RETURN = FilingKind.RESIDENT_RETURN.value  # 住民税申告書: 窓口 entry, never a file
    BANK_PAYMENTS = "bank-payments"  # 指定金融機関 収納データ
    CVS_PAYMENTS = "cvs-payments"  # コンビニ収納代行 速報・確報
    ELTAX_PAYMENTS = "eltax-payments"  # 地方税共通納税 収納データ
    EMPLOYER_REMITTANCES = "employer-remittances"  # 特別徴収 納入データ（給与）
    PENSION_REMITTANCES = "pension-remittances"  # 特別徴収 納入データ（年金）
    DEBIT_MANDATES = "debit-mandates"  # 口座振替依頼書
    DEBIT_RESULTS = "debit-results"  # 口座振替結果（全銀 結果ファイルの振替済の行）


class Family(Enum):
    """Which command receives the kind: ``juminzei import`` (intake), ``payments import`` (receipts) or
    the 口座振替 commands (debit)."""

    INTAKE = "課税資料・宛名"
    RECEIPTS = "収納"
    DEBIT = "口座振替"


class ParsedFile(Protocol):
    """What an adapter's ``parse`` returns (``adapters.formats._base.ParseOutcome``)."""

    @property
    def sha256(self) -> str: ...

    @property
    def declared_count(self) -> int | None: ...

    @property
    def physical_records(self) -> int: ...

    @property
    def items(self) -> Sequence[ParsedRecord[Any] | RecordError]: ...

    @property
    def file_errors(self) -> Sequence[RecordError]: ...


class ChunkView(Protocol):
    """The importer's chunk as a record handler sees it: aggregates read and touched, outcomes so far."""

    vault: Any
    accepted: list[Any]
    rejected: list[Any]
    quarantined: list[Any]
    duplicates: list[int]

    def get(self, aggregate_id: UUID) -> Any | None: ...

    def add(self, aggregate: Any) -> None: ...


#: Takes one parsed record into the system: appends exactly one outcome (accepted, rejected, quarantined
#: or duplicate) to the chunk and adds every aggregate it created or changed.
RecordHandler = Callable[[ParsedRecord[Any], Any, CommandContext], None]
#: The aggregate ids a chunk of this kind will read (read ahead in one query); none by default.
Preload = Callable[[Sequence[Any], "VaultBatch"], Iterable[UUID]]


@dataclass(frozen=True)
class RecordServices:
    """The wired services a registry entry picks its record handler from (built by the composition root)."""

    intake: IntakeService
    collection: CollectionService
    debit: DebitService


@dataclass(frozen=True)
class FormatSpec:
    """One import kind, declared once.

    ``parse`` is None for a kind that never arrives as a file of its own (住民税申告書 at the 窓口; the
    debit results, read from the 全銀 result file by ``payments debit-result``). ``handler`` picks the
    record handler from the wired services; None for a filing kind (the importer's 名寄せ handles every
    課税資料) or a kind the importer refuses. ``filing_kind``: the records are 課税資料 and feed the levy."""

    kind: str
    label: str
    family: Family
    record_type: type[Any]
    parse: Callable[[Path], ParsedFile] | None = None
    handler: Callable[[RecordServices], RecordHandler] | None = None
    preload: Preload | None = None
    filing_kind: FilingKind | None = None
    #: Whether ``import_file`` takes it (False: 住民税申告書, received one at a time by its own service).
    importable: bool = True

    def __post_init__(self) -> None:
        # Plain ``str`` (not the StrEnum member): the kind is stored in events and read models as it is.
        object.__setattr__(self, "kind", str(self.kind))
        if self.filing_kind is not None and self.filing_kind.value != self.kind:
            raise ValueError(f"filing kind {self.filing_kind} must keep the kind name {self.kind!r}")

    @property
    def feeds_levy(self) -> bool:
        return self.filing_kind is not None


class FormatRegistry:
    """The import kinds a process knows, by kind name (built once in ``adapters.formats.registry``)."""

    def __init__(self, specs: Iterable[FormatSpec] = ()) -> None:
        self._specs: dict[str, FormatSpec] = {}
        for spec in specs:
            self.register(spec)

    def register(self, spec: FormatSpec) -> None:
        if spec.kind in self._specs:
            raise ValueError(f"import kind {spec.kind!r} is registered twice")
        self._specs[spec.kind] = spec

    def with_(self, *specs: FormatSpec) -> FormatRegistry:
        """A copy with more kinds (tests add a toy kind without touching the process-wide registry)."""
        return FormatRegistry([*self._specs.values(), *specs])

    def __contains__(self, kind: object) -> bool:
        return kind in self._specs

    def __iter__(self) -> Iterator[FormatSpec]:
        return iter(self._specs.values())

    def get(self, kind: str) -> FormatSpec:
        try:
            return self._specs[kind]
        except KeyError:
            raise DomainError(f"取込種別 {kind} は扱えません。", code="unknown_kind") from None

    def kinds(self, family: Family | None = None, *, files_only: bool = True) -> tuple[str, ...]:
        """Kind names (of one family), in registration order; by default only those read from a file."""
        return tuple(
            s.kind
            for s in self._specs.values()
            if (family is None or s.family is family) and (s.parse is not None or not files_only)
        )

    def record_types(self) -> Mapping[str, type[Any]]:
        """Record type of every kind that feeds the levy, by kind name (to rebuild stored filings)."""
        return {s.kind: s.record_type for s in self._specs.values() if s.feeds_levy}

    def handlers(self, services: RecordServices) -> dict[str, RecordHandler]:
        return {s.kind: s.handler(services) for s in self._specs.values() if s.handler is not None}
