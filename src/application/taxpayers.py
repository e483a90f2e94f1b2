"""Taxpayer registry commands and the journaled taxpayer query service (納税義務者管理).

Commands are idempotent: registering the same 宛名番号 again with the same data changes nothing and
returns the existing id; with different data it is refused (changes go through their own commands).
Every read of personal data goes through ``TaxpayerQueries``, which appends an access record
(使用の記録) **before** returning anything; if that append fails, the read fails (fail closed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

import structlog
from eventsourcing.application import AggregateNotFoundError

from application.app import JuminzeiApplication
from application.ports import TaxpayerDirectory, TaxpayerSearchRow
from domain.audit.access import AccessRecord
from domain.shared.events import CommandContext, DomainError
from domain.shared.person import RegistrationKind, Sex
from domain.taxpayer.model import Taxpayer, taxpayer_id


@dataclass(frozen=True)
class RegisterTaxpayer:
    """Command: 納税義務者の登録."""

    address_number: str
    name: str
    kana: str
    birth_date: date
    sex: Sex
    address: str
    registration_kind: RegistrationKind = RegistrationKind.RESIDENT


@dataclass(frozen=True)
class CommandResult:
    """What a command did: the aggregate id, whether anything changed, and the log position to wait for."""

    aggregate_id: UUID
    changed: bool
    position: int


class TaxpayerService:
    """Application service for the taxpayer registry."""

    def __init__(self, app: JuminzeiApplication) -> None:
        self.app = app

    def register(self, command: RegisterTaxpayer, ctx: CommandContext) -> CommandResult:
        taxpayer = self._prepare(command, ctx)
        if taxpayer is None:
            log.info("taxpayer.register.unchanged", command_id=ctx.command_id, actor=ctx.actor)
            return CommandResult(taxpayer_id(command.address_number), False, self.app.head())
        position = self.app.save_all(taxpayer)
        log.info(
            "taxpayer.registered", taxpayer_id=str(taxpayer.id), command_id=ctx.command_id, actor=ctx.actor
        )
        return CommandResult(taxpayer.id, True, position)

    def register_many(self, commands: list[RegisterTaxpayer], ctx: CommandContext) -> list[CommandResult]:
        """Register a batch in one transaction (one table lock on PostgreSQL)."""
        prepared: list[Taxpayer] = []
        results: list[CommandResult] = []
        for index, command in enumerate(commands):
            taxpayer = self._prepare(command, ctx.derive(str(index)))
            results.append(CommandResult(taxpayer_id(command.address_number), taxpayer is not None, 0))
            if taxpayer is not None:
                prepared.append(taxpayer)
        position = self.app.save_all(*prepared) if prepared else self.app.head()
        log.info(
            "taxpayer.register_many", command_id=ctx.command_id, registered=len(prepared), total=len(commands)
        )
        return [CommandResult(r.aggregate_id, r.changed, position) for r in results]

    def _prepare(self, command: RegisterTaxpayer, ctx: CommandContext) -> Taxpayer | None:
        try:
            existing: Taxpayer = self.app.repository.get(taxpayer_id(command.address_number))
        except AggregateNotFoundError:
            return Taxpayer.register(
                address_number=command.address_number,
                name=command.name,
                kana=command.kana,
                birth_date=command.birth_date,
                sex=command.sex,
                address=command.address,
                registration_kind=command.registration_kind,
                ctx=ctx,
            )
        same = (
            existing.name == command.name
            and existing.kana == command.kana
            and existing.birth_date == command.birth_date
            and existing.sex == command.sex
            and existing.address == command.address
        )
        if not same:
            raise DomainError(
                f"宛名番号 {command.address_number} は登録済みで、内容が異なります。"
                "変更は異動の手続きで行ってください。",
                code="already_registered",
            )
        return None


log = structlog.get_logger(__name__)

SEARCH_ITEMS = ("宛名番号", "氏名", "カナ氏名", "生年月日", "性別", "住所")


class TaxpayerQueries:
    """Journaled reads of taxpayer personal data (every call leaves an access record first)."""

    def __init__(self, app: JuminzeiApplication, directory: TaxpayerDirectory) -> None:
        self.app = app
        self.directory = directory

    def search(
        self, *, kana_prefix: str, birth_date: date | None, ctx: CommandContext, limit: int = 100
    ) -> list[TaxpayerSearchRow]:
        """宛名検索 by kana prefix (and birth date). Journals the subjects returned, then returns them."""
        if not kana_prefix.strip():
            raise DomainError("カナ氏名の前方一致条件を指定してください。", code="missing_kana")
        if limit < 1 or limit > 1000:
            raise DomainError("件数の上限は1〜1000で指定してください。", code="invalid_limit")
        rows = self.directory.search(kana_prefix.strip(), birth_date, limit)
        criteria = ("kana_prefix",) + (("birth_date",) if birth_date else ())
        record = AccessRecord.record_view(
            action="taxpayer.search",
            subject_ids=tuple(r.taxpayer_id for r in rows),
            items=SEARCH_ITEMS,
            criteria=criteria,
            ctx=ctx,
        )
        # Fail closed: if the journal cannot be written, nothing is returned.
        self.app.save(record)
        log.info(
            "personal_data.viewed",
            action="taxpayer.search",
            access_record_id=str(record.id),
            subjects=len(rows),
            actor=ctx.actor,
            purpose=ctx.purpose.name,
        )
        return rows
