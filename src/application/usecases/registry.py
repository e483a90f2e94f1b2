"""宛名管理: register a taxpayer, 宛名検索, 賦課期日の住所照会, 個人番号の表示 — one handler each for every entry point.

Reads of personal data go through the journaled query services (``TaxpayerQueries``, ``ResidenceQueries``,
``IndividualNumberService``): the access record is stored before anything is returned (番号法 第29条の3 /
特定個人情報保護評価書 III-3 使用の記録).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar, Protocol

from application.app import JuminzeiApplication
from application.individual_numbers import IndividualNumberService
from application.ports import TaxpayerSearchRow
from application.taxpayer_file import TaxpayerFile, TaxpayerFileQueries
from application.taxpayers import (
    CommandResult,
    RegisterTaxpayer,
    ResidenceAnswer,
    ResidenceQueries,
    TaxpayerQueries,
    TaxpayerService,
)
from application.usecases.base import Call, Command, InvalidCommandError, Query, UseCases
from domain.shared.person import RegistrationKind, Sex
from domain.shared.purpose import Purpose
from domain.taxpayer.model import taxpayer_id


@dataclass(frozen=True)
class RegisterTaxpayerCommand(Command[CommandResult]):
    """納税義務者の登録 (住民登録者 or 住登外)."""

    purpose: ClassVar[Purpose] = Purpose.REGISTRY
    reads_read_models: ClassVar[bool] = False

    address_number: str
    name: str
    kana: str
    birth_date: date
    sex: str
    address: str
    non_registered: bool = False

    def to_registration(self) -> RegisterTaxpayer:
        if self.sex not in ("M", "F"):
            raise InvalidCommandError("性別は M または F で指定してください。", field="sex")
        return RegisterTaxpayer(
            address_number=self.address_number.strip(),
            name=self.name.strip(),
            kana=self.kana.strip(),
            birth_date=self.birth_date,
            sex=Sex(self.sex),
            address=self.address.strip(),
            registration_kind=RegistrationKind.NON_RESIDENT
            if self.non_registered
            else RegistrationKind.RESIDENT,
        )


@dataclass(frozen=True)
class SearchTaxpayers(Query[list[TaxpayerSearchRow]]):
    """宛名検索: kana prefix (and birth date), continued after a row key for paging (journaled)."""

    purpose: ClassVar[Purpose] = Purpose.REGISTRY

    kana: str
    birth_date: date | None = None
    limit: int = 100
    as_purpose: Purpose = Purpose.REGISTRY
    #: (kana, birth_date ISO, 宛名番号) of the last row of the previous page.
    after: tuple[str, str, str] | None = None


@dataclass(frozen=True)
class ResidenceOnLevyDate(Query[ResidenceAnswer]):
    """賦課期日 (1月1日, 地方税法 第318条) に住所を有していたか (journaled)."""

    purpose: ClassVar[Purpose] = Purpose.REGISTRY
    reads_read_models: ClassVar[bool] = False

    address_number: str
    fiscal_year: int
    as_purpose: Purpose = Purpose.REGISTRY


@dataclass(frozen=True)
class RevealIndividualNumber(Query[str]):
    """個人番号の表示: 個人番号利用事務実施者 only, for a 個人番号利用事務 only (番号法 第9条); journaled first."""

    purpose: ClassVar[Purpose] = Purpose.REGISTRY
    reads_read_models: ClassVar[bool] = False

    address_number: str
    as_purpose: Purpose


@dataclass(frozen=True)
class ShowTaxpayerFile(Query[TaxpayerFile]):
    """納税義務者照会: identity, residence history, 課税資料, 賦課, 収納状況 and documents (journaled)."""

    purpose: ClassVar[Purpose] = Purpose.REGISTRY

    address_number: str
    as_purpose: Purpose = Purpose.REGISTRY


class PagedTaxpayerDirectory(Protocol):
    """The 宛名検索 read model, with keyset paging."""

    def search(self, kana_prefix: str, birth_date: date | None, limit: int) -> list[TaxpayerSearchRow]: ...

    def search_after(
        self, kana_prefix: str, birth_date: date | None, limit: int, after: tuple[str, str, str] | None
    ) -> list[TaxpayerSearchRow]: ...

    def count(self) -> int: ...


class _ContinuedDirectory:
    """The directory continued after a row key — still read through ``TaxpayerQueries`` (journaled)."""

    def __init__(self, inner: PagedTaxpayerDirectory, after: tuple[str, str, str] | None) -> None:
        self._inner = inner
        self._after = after

    def search(self, kana_prefix: str, birth_date: date | None, limit: int) -> list[TaxpayerSearchRow]:
        return self._inner.search_after(kana_prefix, birth_date, limit, self._after)

    def count(self) -> int:
        return self._inner.count()


class RegistryHandlers:
    def __init__(
        self,
        app: JuminzeiApplication,
        taxpayers: TaxpayerService,
        directory: PagedTaxpayerDirectory,
        residence: ResidenceQueries,
        individual_numbers: IndividualNumberService,
        files: TaxpayerFileQueries | None = None,
    ) -> None:
        self._app = app
        self._files = files
        self._taxpayers = taxpayers
        self._directory = directory
        self._residence = residence
        self._numbers = individual_numbers

    def register(self, command: RegisterTaxpayerCommand, call: Call) -> CommandResult:
        return self._taxpayers.register(command.to_registration(), call.context)

    def search(self, query: SearchTaxpayers, call: Call) -> list[TaxpayerSearchRow]:
        directory = (
            self._directory if query.after is None else _ContinuedDirectory(self._directory, query.after)
        )
        return TaxpayerQueries(self._app, directory).search(
            kana_prefix=query.kana, birth_date=query.birth_date, ctx=call.context, limit=query.limit
        )

    def residence(self, query: ResidenceOnLevyDate, call: Call) -> ResidenceAnswer:
        return self._residence.residence(
            address_number=query.address_number, fiscal_year=query.fiscal_year, ctx=call.context
        )

    def reveal(self, query: RevealIndividualNumber, call: Call) -> str:
        return self._numbers.reveal(taxpayer_id(query.address_number), call.context)

    def file(self, query: ShowTaxpayerFile, call: Call) -> TaxpayerFile:
        if self._files is None:
            raise LookupError("ShowTaxpayerFile needs the taxpayer file queries (wire_use_cases)")
        if not query.address_number.strip():
            raise InvalidCommandError("宛名番号を指定してください。", field="address_number")
        return self._files.show(query.address_number, call.context)


def register(bus: UseCases, handlers: RegistryHandlers) -> None:
    bus.register_handlers(handlers)
