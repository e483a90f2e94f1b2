"""中間サーバー (Sys5): 副本 registration, 情報提供 from the 副本 and 情報照会 — through the 照会許可用照合リスト.

- ``sync_copies(年度)``: for every assessment of the 年度 whose taxpayer has a 団体内統合宛名番号, the 副本
  (our 地方税関係情報: status and levied amounts, re-read from the assessment) is registered with the
  中間サーバー when it is new or its content changed — so after a 更正 the next sync re-registers it, and an
  unchanged one is left alone. Each registration is an event (``CopyRegistration``) with a digest.
- ``provide(requester, item, number)``: another body's 情報照会 answered from our 副本. Only a pair on the
  照合リスト passes; every request is recorded as a ``DisclosureRecord`` (提供, or 拒否 with the reason) —
  the 情報提供等記録 that appears in the resident's 開示請求 pack — before anything is returned.
- ``inquire(requester, item, 宛名番号)``: our 情報照会, by the 団体内統合宛名番号 (never the My Number), through the
  same list; recorded likewise (照会).

The 中間サーバー itself is behind ``IntermediateServer`` (a port); tests use the fake peer in
``adapters/intermediate``. The real interface (中間サーバー・プラットフォーム 連携仕様) was not available (ADR 0026).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from application.app import JuminzeiApplication
from application.integrated_address import IntegratedAddressService
from domain.assessment.assessment import Assessment
from domain.audit.provision import DisclosureClass, DisclosureRecord, ProvisionKind
from domain.intermediate.copies import CopyRegistration, copy_id, digest
from domain.intermediate.matching import LOCAL_TAX_COPY, Direction, MatchingEntry, find, refusal
from domain.shared.events import CommandContext, DomainError
from domain.taxpayer.model import Taxpayer, taxpayer_id


class IntermediateServer(Protocol):
    """The 中間サーバー as this system sees it (keyed by 団体内統合宛名番号)."""

    def register_copy(
        self, integrated_number: str, fiscal_year: int, item: str, content: dict[str, Any]
    ) -> None:
        """Register (or replace) the 副本 of ``item`` for one person × 年度."""
        ...

    def copies(self, integrated_number: str, item: str) -> dict[int, dict[str, Any]]:
        """The 副本 currently held for a person, by 年度."""
        ...

    def inquire(self, integrated_number: str, item: str, provider: str) -> dict[str, Any] | None:
        """情報照会 to ``provider``: the answer, or None when the provider holds nothing for the person."""
        ...


@dataclass(frozen=True)
class SyncResult:
    registered: int  # 初回登録 + 再登録
    unchanged: int
    without_number: int  # no 団体内統合宛名番号 yet: not registered (issue one first)


def copy_content(assessment: Assessment) -> dict[str, Any]:
    """The 副本 of one assessment: 年度, 課税区分 and the levied amounts (int yen)."""
    a = assessment.amounts
    content: dict[str, Any] = {"年度": assessment.fiscal_year, "課税区分": assessment.status.value}
    if a is not None:
        content |= {
            "総所得金額等": a.total_income,
            "課税標準額": a.taxable_income,
            "市町村民税所得割額": a.municipal_income_levy,
            "市町村民税均等割額": a.municipal_per_capita,
            "道府県民税所得割額": a.prefectural_income_levy,
            "道府県民税均等割額": a.prefectural_per_capita,
            "森林環境税": a.forest_environment_tax,
            "税額合計": a.total,
        }
    return content


class IntermediateService:
    def __init__(
        self,
        app: JuminzeiApplication,
        server: IntermediateServer | None,
        numbers: IntegratedAddressService,
        assessments_of_year: Callable[[int], Iterable[UUID]],
        now: Callable[[], datetime],
    ) -> None:
        self.app = app
        self._server = server
        self.numbers = numbers
        self._assessments_of_year = assessments_of_year
        self.now = now

    @property
    def server(self) -> IntermediateServer:
        if self._server is None:
            raise DomainError("中間サーバーとの接続が設定されていません。", code="not_configured")
        return self._server

    # -- 副本 ----------------------------------------------------------------------------------------

    def sync_copies(
        self, fiscal_year: int, ctx: CommandContext, *, reason: str = "更正等による再登録"
    ) -> SyncResult:
        server = self.server
        registered = unchanged = without = 0
        for aid in self._assessments_of_year(fiscal_year):
            assessment: Assessment = self.app.repository.get(aid)
            taxpayer: Taxpayer = self.app.repository.get(assessment.taxpayer_id)
            number = self.numbers.number_of(taxpayer.address_number)
            if number is None:
                without += 1
                continue
            content = copy_content(assessment)
            fingerprint = digest(content)
            try:
                copy: CopyRegistration = self.app.repository.get(copy_id(taxpayer.id, fiscal_year))
            except AggregateNotFoundError:
                copy = CopyRegistration.first(
                    taxpayer=taxpayer.id,
                    fiscal_year=fiscal_year,
                    integrated_number=number,
                    content_digest=fingerprint,
                    ctx=ctx,
                )
            else:
                if not copy.reregister(
                    integrated_number=number, content_digest=fingerprint, reason=reason, ctx=ctx
                ):
                    unchanged += 1
                    continue
            server.register_copy(number, fiscal_year, LOCAL_TAX_COPY, content)
            self.app.save(copy)
            registered += 1
        return SyncResult(registered, unchanged, without)

    # -- 情報提供・情報照会 ------------------------------------------------------------------------------

    def _subjects(self, integrated_number: str) -> tuple[UUID, ...]:
        current = self.numbers.current(integrated_number)
        return tuple(taxpayer_id(a) for a in current.address_numbers)

    def _record(
        self, kind: ProvisionKind, entry: MatchingEntry, subjects: tuple[UUID, ...], ctx: CommandContext
    ) -> None:
        """The 情報提供等記録 of one exchange that passed the 照合リスト."""
        at = self.now()
        self.app.save(
            DisclosureRecord.provided(
                key=f"intermediate:{ctx.command_id}",
                kind=kind,
                provider=entry.provider,
                recipient=entry.requester,
                legal_basis=entry.legal_basis,
                items=(entry.item,),
                subject_ids=subjects,
                requested_at=at,
                provided_at=at,
                approver=None,
                disclosure_class=DisclosureClass.DISCLOSED,
                disclosure_basis=None,
                ctx=ctx,
            )
        )

    def _refuse(
        self,
        kind: ProvisionKind,
        direction: Direction,
        requester: str,
        item: str,
        subjects: tuple[UUID, ...],
        ctx: CommandContext,
    ) -> DomainError:
        reason = refusal(direction, requester, item)
        self.app.save(
            DisclosureRecord.refused(
                key=f"intermediate:{ctx.command_id}",
                kind=kind,
                recipient=requester,
                legal_basis="照会許可用照合リストに該当なし",
                items=(item,),
                subject_ids=subjects,
                reason=reason,
                ctx=ctx,
            )
        )
        return DomainError(reason, code="not_in_matching_list")

    def provide(
        self, requester: str, item: str, integrated_number: str, ctx: CommandContext
    ) -> dict[int, dict[str, Any]]:
        """情報提供: the 副本 of ``item`` for the person, by 年度, if the 照合リスト lists ``requester`` × ``item``."""
        subjects = self._subjects(integrated_number)
        entry = find(Direction.PROVIDE, requester, item)
        if entry is None:
            raise self._refuse(ProvisionKind.PROVISION, Direction.PROVIDE, requester, item, subjects, ctx)
        held = self.server.copies(self.numbers.current(integrated_number).number, item)
        self._record(ProvisionKind.PROVISION, entry, subjects, ctx)
        return held

    def inquire(
        self, requester: str, item: str, address_number: str, ctx: CommandContext
    ) -> dict[str, Any] | None:
        """情報照会 by the 団体内統合宛名番号 of ``address_number`` (never the My Number)."""
        number = self.numbers.number_of(address_number)
        subjects = (taxpayer_id(address_number),)
        entry = find(Direction.INQUIRE, requester, item)
        if entry is None:
            raise self._refuse(ProvisionKind.INQUIRY, Direction.INQUIRE, requester, item, subjects, ctx)
        if number is None:
            raise DomainError(
                f"宛名番号 {address_number} には団体内統合宛名番号が付番されていません。先に付番してください。",
                code="no_integrated_number",
            )
        answer = self.server.inquire(number, item, entry.provider)
        self._record(ProvisionKind.INQUIRY, entry, subjects, ctx)
        return answer
