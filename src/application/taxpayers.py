"""Taxpayer registry commands and the journaled taxpayer query service (納税義務者管理).

Commands are idempotent: registering the same 宛名番号 again with the same data changes nothing and
returns the existing id; with different data it is refused (changes go through their own commands).
Every read of personal data goes through ``TaxpayerQueries``, which appends an access record
(使用の記録) **before** returning anything; if that append fails, the read fails (fail closed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

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
    #: Start of residence (住民となった日); None = today (Asia/Tokyo).
    registered_on: date | None = None


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
                registered_on=command.registered_on or today_jst(),
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
JST = ZoneInfo("Asia/Tokyo")


def today_jst() -> date:
    """Legal dates are Japan dates (DESIGN §2.5)."""
    return datetime.now(JST).date()


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


class ResidenceQueries:
    """賦課期日の住所照会 (journaled like every read of personal data)."""

    def __init__(self, app: JuminzeiApplication) -> None:
        self.app = app

    def residence(self, *, address_number: str, fiscal_year: int, ctx: CommandContext) -> ResidenceAnswer:
        taxpayer: Taxpayer = self.app.require(
            taxpayer_id(address_number), f"宛名番号 {address_number} は登録されていません。"
        )
        record = AccessRecord.record_view(
            action="taxpayer.residence",
            subject_ids=(taxpayer.id,),
            items=("住所履歴",),
            criteria=("address_number", "fiscal_year"),
            ctx=ctx,
        )
        self.app.save(record)
        return residence_answer(taxpayer, fiscal_year)


@dataclass(frozen=True)
class ResidenceAnswer:
    """賦課期日 (1月1日) の住所: whether the person lived here, and the periods behind the answer."""

    taxpayer_id: UUID
    address_number: str
    fiscal_year: int
    levy_date: date
    resident: bool
    registration_kind: str
    periods: tuple[tuple[date, date | None], ...]


def residence_answer(taxpayer: Taxpayer, fiscal_year: int) -> ResidenceAnswer:
    return ResidenceAnswer(
        taxpayer_id=taxpayer.id,
        address_number=taxpayer.address_number,
        fiscal_year=fiscal_year,
        levy_date=date(fiscal_year, 1, 1),
        resident=taxpayer.resident_on_levy_date(fiscal_year),
        registration_kind=taxpayer.registration_kind.value,
        periods=tuple((p.start, p.end) for p in taxpayer.residence),
    )
