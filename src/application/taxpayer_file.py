"""納税義務者照会: one person's file as a clerk sees it — identity, residence history, 課税資料 with their
source file and line, assessments per 年度, 収納状況 per 期別 and the documents issued (journaled).

The console's 納税義務者 screen reads it through ``ShowTaxpayerFile`` (``application.usecases.registry``).
The access record is stored before anything is returned; the 収納状況 of each 年度 is read through
``CollectionQueries.status``, which journals its own record. The My Number is never part of the file
(it is revealed only through ``RevealIndividualNumber``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol, TypedDict
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from application.app import JuminzeiApplication
from domain.audit.access import AccessRecord
from domain.shared.events import CommandContext, DomainError
from domain.taxpayer.model import Taxpayer, taxpayer_id

FILE_ITEMS = ("氏名", "カナ氏名", "生年月日", "性別", "住所", "住所履歴", "課税資料", "賦課", "発行文書")


class FileFiling(TypedDict):
    """A 課税資料 of the person with where it came from (the received file and its line)."""

    kind: str
    tax_year: int
    fiscal_year: int
    status: str
    submitter: str
    file_name: str | None
    line: int
    queue: str | None
    reason: str | None


class FileAssessment(TypedDict):
    fiscal_year: int
    status: str
    method: str
    total: int
    payable: int


class FileDocument(TypedDict):
    fiscal_year: int
    kind: str
    issued_at: str
    verification_code: str | None


class TaxpayerFileRecords(Protocol):
    """The read models behind the file (``projections.taxpayer_file``)."""

    def filings(self, taxpayer: UUID) -> list[FileFiling]: ...

    def assessments(self, taxpayer: UUID) -> list[FileAssessment]: ...

    def documents(self, taxpayer: UUID) -> list[FileDocument]: ...


@dataclass(frozen=True)
class TaxpayerFile:
    address_number: str
    name: str
    kana: str
    birth_date: date
    sex: str
    address: str
    registration_kind: str
    residence: tuple[tuple[date, date | None], ...]
    individual_number_linked: bool
    filings: list[FileFiling]
    assessments: list[FileAssessment]
    #: 収納状況 per 年度 (``CollectionQueries.status``), for the years with a 収納台帳.
    payments: dict[int, dict[str, Any]]
    documents: list[FileDocument]


PaymentStatusReader = Callable[[str, int, CommandContext], dict[str, Any]]


class TaxpayerFileQueries:
    def __init__(
        self, app: JuminzeiApplication, records: TaxpayerFileRecords, payments: PaymentStatusReader
    ) -> None:
        self._app = app
        self._records = records
        self._payments = payments

    def show(self, address_number: str, ctx: CommandContext) -> TaxpayerFile:
        tid = taxpayer_id(address_number.strip())
        try:
            person: Taxpayer = self._app.repository.get(tid)
        except AggregateNotFoundError:
            raise DomainError(f"宛名番号 {address_number} は登録されていません。", code="not_found") from None
        self._app.save(
            AccessRecord.record_view(
                action="taxpayer.file",
                subject_ids=(tid,),
                items=FILE_ITEMS,
                criteria=("address_number",),
                ctx=ctx,
            )
        )
        assessments = self._records.assessments(tid)
        payments: dict[int, dict[str, Any]] = {}
        for row in assessments:
            try:
                payments[row["fiscal_year"]] = self._payments(
                    person.address_number, row["fiscal_year"], ctx.derive(f"payments-{row['fiscal_year']}")
                )
            except DomainError as error:
                if error.code != "not_found":
                    raise
        return TaxpayerFile(
            address_number=person.address_number,
            name=person.name,
            kana=person.kana,
            birth_date=person.birth_date,
            sex=person.sex.value,
            address=person.address,
            registration_kind=person.registration_kind.value,
            residence=tuple((p.start, p.end) for p in person.residence),
            individual_number_linked=person.individual_number_linked,
            filings=self._records.filings(tid),
            assessments=assessments,
            payments=payments,
            documents=self._records.documents(tid),
        )
