"""Composition root: build the application, stores and services from settings (DESIGN §3).

Only this module (and the interfaces that call it) knows every concrete adapter.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.resources.abc import Traversable
from pathlib import Path
from uuid import UUID

from adapters.auth.passwords import Argon2PasswordHasher
from adapters.auth.sessions import SqlSessionActivity, SqlSignInAttempts
from adapters.auth.totp import PyotpTotp
from adapters.crypto.keystore import (
    SqlKeyInventory,
    SqlKeyStore,
    decode_master_key,
    load_or_create_dev_master_key,
)
from adapters.crypto.shred_list import ShredList
from adapters.crypto.vault import SqlIndividualNumberVault
from adapters.documents.signer import HmacCertificateSigner
from adapters.formats.registry import FORMATS, PAYMENT_KINDS, read_file
from adapters.formats.zengin import read_debit_result_file
from adapters.images.sql_store import SqlImageStore
from adapters.jp_calendar import is_public_holiday_or_closed
from adapters.migration.legacy_csv import LAYOUT as LEGACY_LAYOUT
from adapters.migration.legacy_csv import read_legacy_file
from adapters.persistence.batch_lock import FileBatchLock, PostgresBatchLock
from adapters.persistence.bulk_events import binary_event_inserts, stored_event_reader
from adapters.persistence.database import PostgresDatabase, SqliteDatabase, open_database
from adapters.persistence.degraded_journal import EncryptedFileJournal, journal_key
from adapters.persistence.migrations import (
    MigrationsMissingError,
    apply_migrations,
    default_migrations_dir,
    discover,
)
from adapters.persistence.numbering import SqlNonResidentNumbers
from adapters.persistence.stores import StoreConfig, parse_database_url
from adapters.persistence.transfer_deliveries import SqlTransferDeliveries
from adapters.settings import Settings
from application.anomalies import AnomalyService
from application.app import JuminzeiApplication
from application.assessment.changes import AssessmentQueries, AssessmentService
from application.assessment.documents import DocumentService, notice_number
from application.assessment.levy import LevyRunResult, LevyService
from application.backups import BackupResult
from application.collection import (
    ArrearsService,
    CollectionQueries,
    CollectionService,
    OverpaymentService,
)
from application.contracts import ContractService
from application.convenience import ConvenienceCertificateService
from application.debit import DebitService
from application.images import FilingImageService
from application.individual_numbers import IndividualNumberService
from application.inquiries import InquiryService
from application.inspection import DisclosureService, InspectionService
from application.intake.formats import FormatRegistry, ImportKind, RecordServices
from application.intake.importer import IntakeService
from application.intake.queues import QueueService
from application.intake.returns import ResidentReturnService
from application.integrated_address import IntegratedAddressService
from application.intermediate import IntermediateServer, IntermediateService
from application.juki import JukiService, ResidentNetwork
from application.migration import MigrationService
from application.provision import ExportService, ProvisionService
from application.retention import RetentionService
from application.staff import StaffService
from application.taxpayer_file import TaxpayerFileQueries
from application.taxpayers import ResidenceQueries, TaxpayerQueries, TaxpayerService, today_jst
from application.usecases import UseCases
from application.usecases import assessments as assessment_use_cases
from application.usecases import collection as collection_use_cases
from application.usecases import compliance as compliance_use_cases
from application.usecases import contracts as contract_use_cases
from application.usecases import convenience as convenience_use_cases
from application.usecases import documents as document_use_cases
from application.usecases import images as image_use_cases
from application.usecases import inquiries as inquiry_use_cases
from application.usecases import inspection as inspection_use_cases
from application.usecases import intake as intake_use_cases
from application.usecases import integrated_address as integrated_address_use_cases
from application.usecases import intermediate as intermediate_use_cases
from application.usecases import juki as juki_use_cases
from application.usecases import levy as levy_use_cases
from application.usecases import migration as migration_use_cases
from application.usecases import operations as operations_use_cases
from application.usecases import provisions as provision_use_cases
from application.usecases import registry as registry_use_cases
from application.usecases import reports as report_use_cases
from application.usecases.assessments import AssessmentHandlers
from application.usecases.collection import CollectionHandlers, DebitResultHandler
from application.usecases.compliance import ComplianceHandlers
from application.usecases.contracts import ContractHandlers
from application.usecases.convenience import ConvenienceHandlers
from application.usecases.documents import DocumentHandlers
from application.usecases.images import ImageHandlers
from application.usecases.inquiries import InquiryHandlers
from application.usecases.inspection import InspectionHandlers
from application.usecases.intake import IntakeHandlers
from application.usecases.integrated_address import IntegratedAddressHandlers
from application.usecases.intermediate import IntermediateHandlers
from application.usecases.juki import JukiHandlers
from application.usecases.levy import LevyHandlers
from application.usecases.migration import MigrationHandlers
from application.usecases.provisions import ProvisionHandlers
from application.usecases.registry import RegistryHandlers
from application.usecases.reports import ReportHandlers
from domain.shared.events import CommandContext
from interfaces.bootstrap.unit_of_work import Handoff
from projections.access_log import AccessLogProjection, SqlAccessLog
from projections.base import ProjectionRunner
from projections.collection import CollectionProjection, SqlCollection
from projections.disclosure import SqlHeldRecords
from projections.intake import IntakeProjection, SqlIntakeIndex
from projections.levy_ledger import LevyLedgerProjection, SqlLevyLedger
from projections.provisions import ProvisionsProjection, SqlProvisions
from projections.taxpayer_file import SqlTaxpayerFile
from projections.taxpayer_search import SqlTaxpayerDirectory, TaxpayerSearchProjection


class SchemaNotReadyError(RuntimeError):
    """The database has pending migrations; ``juminzei db upgrade`` must run first."""


__all__ = [
    "Container",
    "DatabaseUnavailableError",
    "MigrationsMissingError",
    "SchemaNotReadyError",
    "build",
    "pending_migrations",
]


@dataclass
class Container:
    """Everything a command needs, wired once per process."""

    settings: Settings
    store: StoreConfig
    db: SqliteDatabase | PostgresDatabase
    keystore: SqlKeyStore
    shred_list: ShredList
    batch_lock: PostgresBatchLock | FileBatchLock
    degraded_journal: EncryptedFileJournal
    read_only: bool
    app: JuminzeiApplication
    runner: ProjectionRunner
    formats: FormatRegistry
    taxpayers: TaxpayerService
    taxpayer_queries: TaxpayerQueries
    residence: ResidenceQueries
    vault: SqlIndividualNumberVault
    intake_index: SqlIntakeIndex
    intake: IntakeService
    queues: QueueService
    returns: ResidentReturnService
    individual_numbers: IndividualNumberService
    ledger: SqlLevyLedger
    levy: LevyService
    assessments: AssessmentService
    assessment_queries: AssessmentQueries
    documents: DocumentService
    inspection: InspectionService
    disclosure: DisclosureService
    access_log: SqlAccessLog
    key_inventory: SqlKeyInventory
    retention: RetentionService
    provisions: ProvisionService
    exports: ExportService
    provision_log: SqlProvisions
    transfer_deliveries: SqlTransferDeliveries
    collection: CollectionService
    collection_index: SqlCollection
    debit: DebitService
    overpayments: OverpaymentService
    arrears: ArrearsService
    collection_queries: CollectionQueries
    staff: StaffService
    anomalies: AnomalyService
    contracts: ContractService
    inquiries: InquiryService
    integrated_addresses: IntegratedAddressService
    intermediate: IntermediateService
    juki: JukiService
    images: FilingImageService
    convenience: ConvenienceCertificateService
    warnings: list[str] = field(default_factory=list)
    applied_migrations: list[str] = field(default_factory=list)
    #: Server mode (issue 15): committed positions are handed to the sealer and projection follower
    #: instead of being sealed and projected on the request path (``unit_of_work.Handoff``).
    handoff: Handoff | None = None
    #: The use cases every entry point calls (``application.usecases``), each in the unit of work.
    use_cases: UseCases = field(init=False)

    def close(self) -> None:
        self.app.close()
        self.db.close()


def pending_migrations(
    db: SqliteDatabase | PostgresDatabase, directory: Path | Traversable | None = None
) -> list[str]:
    """Versions among the shipped migrations not yet applied to ``db``."""
    versions = [m.version for m in discover(directory or default_migrations_dir(), db.dialect)]
    try:
        with db.transaction() as cur:
            cur.execute("SELECT version FROM schema_migrations")
            done = {row[0] for row in cur.fetchall()}
    except Exception:
        return versions
    return [v for v in versions if v not in done]


class DatabaseUnavailableError(RuntimeError):
    """The configured database cannot be reached; the message says which and why, for the operator."""


def _probe_postgres(url: str, described: str) -> None:
    """One quick connection before the pools start (they would retry for tens of seconds, noisily)."""
    import psycopg

    try:
        psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1), connect_timeout=5).close()
    except psycopg.Error as error:
        first = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
        raise DatabaseUnavailableError(f"データベースに接続できません: {described}: {first}") from error


def in_recovery(db: SqliteDatabase | PostgresDatabase) -> bool:
    """Whether the database is a PostgreSQL standby (``pg_is_in_recovery()``): then run read-only."""
    if db.dialect != "postgres":
        return False
    with db.transaction() as cur:
        cur.execute("SELECT pg_is_in_recovery()")
        row = cur.fetchone()
    return bool(row and row[0])


def certificate_key(settings: Settings, master_key: bytes) -> bytes:
    """Key for certificate verification codes: configured, or derived from the master key (HKDF)."""
    if settings.certificate_key:
        return decode_master_key(settings.certificate_key)
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"juminzei", info=b"juminzei/certificate/v1"
    ).derive(master_key)


def _events_table_exists(db: SqliteDatabase | PostgresDatabase, app: JuminzeiApplication) -> bool:
    """Whether the event store's table has been created (by ``db upgrade`` or an earlier start)."""
    name = app.recorder.events_table_name  # type: ignore[attr-defined]
    with db.transaction() as cur:
        if db.dialect == "postgres":
            cur.execute("SELECT to_regclass(%s) IS NOT NULL", (name,))
        else:
            cur.execute("SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = %s", (name,))
        row = cur.fetchone()
    return bool(row and row[0])


def _open_store(
    settings: Settings, upgrade: bool
) -> tuple[StoreConfig, SqliteDatabase | PostgresDatabase, bool, list[str]]:
    """Open the configured store and check its schema: (store, database, read-only?, migrations applied).

    A read-only store (縮退運用・副系) is never migrated; any other store must be at the latest schema
    (``upgrade=True`` and the in-memory store migrate it first)."""
    store = parse_database_url(settings.database_url)
    if store.kind == "sqlite" and store.sqlite_path is not None:
        store.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    if store.kind == "postgres":
        _probe_postgres(settings.database_url, store.describe())
    db = open_database(store, pool_size=settings.db_pool_size)
    read_only = settings.read_only or in_recovery(db)
    if read_only and upgrade:
        db.close()
        raise SchemaNotReadyError(
            "読み取り専用（縮退運用・副系）のデータベースではマイグレーションできません。主系で実行してください。"
        )
    applied: list[str] = []
    if (store.kind == "memory" and not read_only) or upgrade:
        applied = apply_migrations(db)
        behind = pending_migrations(db)
        if behind:  # pragma: no cover - would mean a migration recorded nothing
            db.close()
            raise SchemaNotReadyError(
                f"マイグレーション後もスキーマが最新ではありません（未適用: {', '.join(behind)}）。"
                f" ({store.describe()})"
            )
    elif pending_migrations(db):
        db.close()
        raise SchemaNotReadyError(
            "データベースのスキーマが最新ではありません。先に `juminzei db upgrade` を実行してください。"
            f" ({store.describe()})"
        )
    return store, db, read_only, applied


def _master_key(settings: Settings, warnings: list[str]) -> bytes:
    """The configured master key, or (development only) one generated under ``var_dir``, with a warning."""
    if settings.master_key:
        return decode_master_key(settings.master_key)
    master_key, created = load_or_create_dev_master_key(settings.var_dir)
    if created:
        warnings.append(
            f"WARNING: JUMINZEI_MASTER_KEY is not set; generated a development master key in "
            f"{settings.var_dir / 'master.key'}. Never use it for real data."
        )
    return master_key


def _batch_lock(settings: Settings, store: StoreConfig) -> PostgresBatchLock | FileBatchLock:
    """One run at a time per batch (ADR 0021): advisory locks on PostgreSQL, lock files beside SQLite."""
    if store.kind == "postgres":
        return PostgresBatchLock(settings.database_url)
    return FileBatchLock(
        store.sqlite_path.with_name(store.sqlite_path.name + ".locks")
        if store.sqlite_path is not None
        else settings.var_dir / "locks"
    )


def _juki_network(settings: Settings) -> ResidentNetwork | None:
    """The configured 住基ネット peer: a roster file (fake 全国サーバー) or an endpoint URL (unverified)."""
    if settings.juki_roster is not None:
        from adapters.juki.fake import FakeNationalServer

        return FakeNationalServer.from_file(settings.juki_roster)
    if settings.juki_url:
        from adapters.juki.http import HttpResidentNetwork

        return HttpResidentNetwork(settings.juki_url, settings.juki_token)
    return None


def build(
    settings: Settings | None = None,
    *,
    upgrade: bool = False,
    create_tables: bool = True,
    formats: FormatRegistry = FORMATS,
    intermediate_server: IntermediateServer | None = None,
    juki_network: ResidentNetwork | None = None,
) -> Container:
    """Wire the container. ``upgrade=True`` applies migrations first (``db upgrade``, ``demo``).

    ``formats``: the import kinds this process knows (``adapters.formats.registry.FORMATS``; a test may pass
    one with a toy kind added).

    ``intermediate_server``: the 中間サーバー peer (``application.intermediate.IntermediateServer``); none is
    configured by default (its commands then refuse: not connected); tests pass
    ``adapters.intermediate.fake.FakeIntermediateServer``.

    ``juki_network``: the 住基ネット 全国サーバー (``application.juki.ResidentNetwork``); when none is passed it
    comes from settings (``juki_roster``: the fake peer over a roster file; ``juki_url``: the unverified
    endpoint adapter), else not connected (住登外登録 then proceeds without 本人確認, as before; ADR 0028).

    ``create_tables=False``: the event store's tables exist already; do not issue their ``CREATE TABLE IF
    NOT EXISTS`` (worker processes starting together would race on PostgreSQL's catalog: "tuple
    concurrently updated")."""
    settings = settings or Settings()
    store, db, read_only, applied = _open_store(settings, upgrade)
    if read_only:
        create_tables = False
    warnings: list[str] = []
    master_key = _master_key(settings, warnings)
    shred_list = ShredList(settings.shred_list_file())
    keystore = SqlKeyStore(db, master_key, on_destroyed=shred_list.append)
    # Once the event store's tables exist, processes starting together must not each issue ``CREATE TABLE
    # IF NOT EXISTS``: on PostgreSQL they race on the catalog ("tuple concurrently updated").
    env = store.eventsourcing_env(pool_size=max(2, settings.db_pool_size // 2)) | {"CREATE_TABLE": "n"}
    app = JuminzeiApplication(env=env, personal_cipher=keystore)
    if create_tables and store.kind != "memory" and not _events_table_exists(db, app):
        app.recorder.create_table()  # type: ignore[attr-defined]
    app.use_event_reader(stored_event_reader(app.recorder))
    binary_event_inserts(app.recorder)
    directory = SqlTaxpayerDirectory(db)
    runner = ProjectionRunner(
        app,
        db,
        [
            TaxpayerSearchProjection(),
            IntakeProjection(),
            LevyLedgerProjection(),
            AccessLogProjection(),
            ProvisionsProjection(),
            CollectionProjection(),
        ],
    )
    transfer_deliveries = SqlTransferDeliveries(db)
    provisions = ProvisionService(app, lambda: datetime.now(UTC), transfer_deliveries)
    ledger = SqlLevyLedger(db)
    # Derived keys come from a wrapped root, so rotating the master key leaves them unchanged (ADR 0019).
    derivation_root = keystore.derivation_root()
    vault = SqlIndividualNumberVault(db, keystore, derivation_root)
    degraded_journal = EncryptedFileJournal(settings.degraded_journal_file(), journal_key(derivation_root))
    if read_only:
        app.degraded_journal = degraded_journal
        runner.read_only = True
    intake_index = SqlIntakeIndex(db)
    staff = StaffService(
        app, Argon2PasswordHasher(), PyotpTotp(), SqlSessionActivity(db), attempts=SqlSignInAttempts(db)
    )

    def designated(actor: str) -> bool:
        """個人番号利用事務実施者: a grant in force in the staff registry (nothing else designates)."""
        return staff.is_designated(actor, datetime.now(UTC))

    collection_index = SqlCollection(db, ledger)
    collection = CollectionService(app, collection_index, notice_number)
    documents = DocumentService(app, HmacCertificateSigner(certificate_key(settings, derivation_root)))
    integrated_addresses = IntegratedAddressService(app, documents.issuer.municipality_code)
    debit = DebitService(app, collection_index)
    intake = IntakeService(app, vault, intake_index, formats=formats)
    juki = JukiService(app, juki_network or _juki_network(settings))
    intake.bind(RecordServices(intake=intake, collection=collection, debit=debit))
    for warning in warnings:
        print(warning, file=sys.stderr)
    built = Container(
        settings=settings,
        store=store,
        db=db,
        keystore=keystore,
        shred_list=shred_list,
        batch_lock=_batch_lock(settings, store),
        degraded_journal=degraded_journal,
        read_only=read_only,
        app=app,
        runner=runner,
        formats=formats,
        taxpayers=TaxpayerService(app),
        taxpayer_queries=TaxpayerQueries(app, directory),
        residence=ResidenceQueries(app),
        vault=vault,
        intake_index=intake_index,
        intake=intake,
        queues=QueueService(app, keystore, SqlNonResidentNumbers(db), juki),
        returns=ResidentReturnService(app, vault, intake),
        individual_numbers=IndividualNumberService(app, vault, designated),
        ledger=ledger,
        levy=LevyService(app, ledger, is_public_holiday_or_closed, formats.record_types()),
        assessments=AssessmentService(app, is_public_holiday_or_closed),
        assessment_queries=AssessmentQueries(app),
        documents=documents,
        inspection=InspectionService(app),
        disclosure=DisclosureService(
            app, SqlAccessLog(db), ledger, SqlHeldRecords(db), SqlProvisions(db), InquiryService(app)
        ),
        access_log=SqlAccessLog(db),
        key_inventory=SqlKeyInventory(db),
        retention=RetentionService(app, SqlKeyInventory(db), keystore.destroy),
        provisions=provisions,
        exports=ExportService(app, provisions, lambda: datetime.now(UTC)),
        provision_log=SqlProvisions(db),
        transfer_deliveries=transfer_deliveries,
        collection=collection,
        collection_index=collection_index,
        debit=debit,
        overpayments=OverpaymentService(app, collection_index),
        arrears=ArrearsService(app, collection_index, documents),
        collection_queries=CollectionQueries(app, collection_index),
        staff=staff,
        anomalies=AnomalyService(app, SqlAccessLog(db), staff, is_public_holiday_or_closed),
        contracts=ContractService(app, staff),
        inquiries=InquiryService(app),
        integrated_addresses=integrated_addresses,
        intermediate=IntermediateService(
            app, intermediate_server, integrated_addresses, ledger.assessments, lambda: datetime.now(UTC)
        ),
        juki=juki,
        images=FilingImageService(app, SqlImageStore(db), keystore),
        convenience=ConvenienceCertificateService(app, documents),
        warnings=warnings,
        applied_migrations=applied,
    )
    built.use_cases = wire_use_cases(built)
    return built


def _aggregate_version(c: Container, aggregate: UUID) -> int | None:
    """Current version of an aggregate from its last stored event (nothing is decrypted)."""
    events = c.app.recorder.select_events(aggregate, desc=True, limit=1)
    return int(events[0].originator_version) if events else None


def wire_use_cases(c: Container) -> UseCases:
    """Register every handler with its dependencies; the unit of work wraps each call (issue 21)."""
    from application.access import AccessPolicy
    from interfaces.bootstrap.unit_of_work import ContainerUnitOfWork, catch_up

    bus = UseCases(ContainerUnitOfWork(c), AccessPolicy(c.staff, lambda: datetime.now(UTC)))

    def levy_executor(
        fiscal_year: int,
        ctx: CommandContext,
        *,
        workers: int,
        only: Sequence[UUID] | None,
        progress: Callable[[int, int], None] | None,
    ) -> LevyRunResult:
        from interfaces.parallel_levy import run_levy

        return run_levy(c, fiscal_year, ctx, workers=workers, only=only, progress=progress)

    assessment_use_cases.register(bus, AssessmentHandlers(c.assessments, c.assessment_queries, c.ledger))
    registry_use_cases.register(
        bus,
        RegistryHandlers(
            c.app,
            c.taxpayers,
            SqlTaxpayerDirectory(c.db),
            c.residence,
            c.individual_numbers,
            TaxpayerFileQueries(c.app, SqlTaxpayerFile(c.db), c.collection_queries.status),
        ),
    )
    document_use_cases.register(bus, DocumentHandlers(c.app, c.documents, c.ledger))
    intake_use_cases.register(
        bus,
        IntakeHandlers(
            c.intake,
            c.queues,
            c.returns,
            c.intake_index,
            lambda kind, path: read_file(kind, path, c.formats),
            lambda aggregate: _aggregate_version(c, aggregate),
        ),
    )
    operations_use_cases.register(bus, lambda: catch_up(c))
    operations_use_cases.register_retention(bus, c.retention)
    operations_use_cases.register_holds(bus, c.retention.holds)
    operations_use_cases.register_drain(bus, c.app, c.degraded_journal, c.read_only)

    def take_backup(out: Path, ctx: CommandContext) -> BackupResult:
        from interfaces.bootstrap.backup import take_backup as take

        return take(c, out, ctx)

    operations_use_cases.register_backup(bus, take_backup)
    collection_use_cases.register(
        bus,
        CollectionHandlers(
            c.app.repository,
            c.collection,
            c.collection_queries,
            c.debit,
            c.arrears,
            c.overpayments,
            c.collection_index,
            c.intake_index,
            (*PAYMENT_KINDS, ImportKind.DEBIT_RESULTS),
            lambda: catch_up(c),
        ),
        DebitResultHandler(
            read_debit_result_file,
            c.intake,
            c.debit,
            c.collection_index.ledger_by_notice,
            lambda: catch_up(c),
            today_jst,
        ),
    )
    inspection_use_cases.register(
        bus, InspectionHandlers(c.inspection, c.disclosure, c.access_log, c.provision_log)
    )
    provision_use_cases.register(bus, ProvisionHandlers(c.provisions, c.exports, c.ledger, c.provision_log))
    compliance_use_cases.register(bus, ComplianceHandlers(c.anomalies, lambda: datetime.now(UTC)))
    contract_use_cases.register(bus, ContractHandlers(c.contracts, c.access_log, lambda: datetime.now(UTC)))
    inquiry_use_cases.register(bus, InquiryHandlers(c.inquiries, lambda: datetime.now(UTC)))
    integrated_address_use_cases.register(bus, IntegratedAddressHandlers(c.integrated_addresses))
    juki_use_cases.register(bus, JukiHandlers(c.juki))
    image_use_cases.register(bus, ImageHandlers(c.images))
    convenience_use_cases.register(bus, ConvenienceHandlers(c.convenience))
    intermediate_use_cases.register(bus, IntermediateHandlers(c.intermediate))
    migration_use_cases.register(
        bus, MigrationHandlers(MigrationService(c.app, c.taxpayers), read_legacy_file, LEGACY_LAYOUT)
    )
    report_use_cases.register(bus, ReportHandlers(c.ledger))
    levy_use_cases.register(
        bus,
        LevyHandlers(
            c.levy, lambda uid: uid in c.app.repository, levy_executor, c.intermediate.after_reassessment
        ),
    )
    return bus
