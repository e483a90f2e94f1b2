"""住基ネット 本人確認 (Sys9, ⑪): 4情報照会, 番号照会 and the 本人確認 of a quarantined filing before 住登外登録.

Rules and journal entries are in ``application.juki``; the 全国サーバー is a port (a fake peer in tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar
from uuid import UUID

from application.juki import Confirmation, JukiService
from application.usecases.base import Call, Command, Query, UseCases
from domain.juki.identity import FourItems, JukiRecord
from domain.shared.person import Sex
from domain.shared.purpose import Purpose


@dataclass(frozen=True)
class QueryJukiFourItems(Query[list[JukiRecord]]):
    """4情報照会: 本人確認情報 of the persons with this 氏名・生年月日 (journaled with the declared purpose)."""

    purpose: ClassVar[Purpose] = Purpose.INTAKE
    reads_read_models: ClassVar[bool] = False

    name: str
    address: str
    birth_date: date
    sex: Sex = Sex.UNKNOWN
    as_purpose: Purpose = Purpose.INTAKE


@dataclass(frozen=True)
class QueryJukiNumber(Query[JukiRecord | None]):
    """番号照会: 本人確認情報 for a 個人番号 (番号法 第14条第2項; journaled, the number not recorded)."""

    purpose: ClassVar[Purpose] = Purpose.INTAKE
    reads_read_models: ClassVar[bool] = False

    individual_number: str
    as_purpose: Purpose = Purpose.INTAKE


@dataclass(frozen=True)
class ConfirmFilingIdentity(Command[Confirmation]):
    """本人確認: a quarantined filing's 4情報 against the 全国サーバー (before 住登外登録); a mismatch → 本人確認 queue."""

    purpose: ClassVar[Purpose] = Purpose.INTAKE
    reads_read_models: ClassVar[bool] = False

    filing_id: UUID


class JukiHandlers:
    def __init__(self, service: JukiService) -> None:
        self._service = service

    def four_items(self, query: QueryJukiFourItems, call: Call) -> list[JukiRecord]:
        items = FourItems(query.name, query.address, query.birth_date, query.sex)
        return self._service.query_four_items(items, call.context)

    def number(self, query: QueryJukiNumber, call: Call) -> JukiRecord | None:
        return self._service.query_number(query.individual_number, call.context)

    def confirm(self, command: ConfirmFilingIdentity, call: Call) -> Confirmation:
        return self._service.confirm_filing(command.filing_id, call.context)


def register(bus: UseCases, handlers: JukiHandlers) -> None:
    bus.register(QueryJukiFourItems, handlers.four_items)
    bus.register(QueryJukiNumber, handlers.number)
    bus.register(ConfirmFilingIdentity, handlers.confirm)
