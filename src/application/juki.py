"""住基ネット 本人確認 (seed システム9, 別添1 ⑪): 4情報 and 番号 queries to the 全国サーバー, journaled.

- ``query_four_items``: 本人確認情報 of the persons the 全国サーバー holds under the given 氏名・生年月日 (its
  4情報検索), journaled first (``AccessRecord`` action ``juki.four_items``, the purpose in the context).
- ``query_number``: the 本人確認情報 for a 個人番号 (番号法 第14条第2項: 機構保存本人確認情報の提供), journaled first;
  the number is never written to the journal, the log or an event.
- ``confirm_filing``: before a 住登外登録 — the quarantined filing's 4情報 are compared with the answer. Exactly
  one person whose 4情報 all agree → ``Filing.IdentityConfirmed``; anything else (該当なし, 複数該当, 不一致 with
  the differing items) → the filing goes to the 本人確認 保留 queue with that reason.

The 全国サーバー is behind ``ResidentNetwork`` (a port). ``adapters/juki/fake.py`` is a fake peer (tests and
the demo); ``adapters/juki/http.py`` is a configurable endpoint adapter that could not be verified against the
real 住基ネット interface (not public; ADR 0028).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar
from uuid import UUID

import structlog

from application.app import JuminzeiApplication
from domain.audit.access import AccessRecord
from domain.filings.filing import Filing, FilingStatus, WorkQueue
from domain.juki.identity import FourItems, JukiRecord, mismatches
from domain.shared.events import CommandContext, DomainError
from domain.shared.person import Sex

log = structlog.get_logger(__name__)
T = TypeVar("T")

FOUR_ITEMS = ("氏名", "住所", "生年月日", "性別")
ANSWER_ITEMS = (*FOUR_ITEMS, "住民票コード")
CONFIRMED_BY = "住基ネット4情報照会"


class ResidentNetwork(Protocol):
    """The 住基ネット 全国サーバー as this system sees it (本人確認情報 only)."""

    def search_four_items(self, items: FourItems) -> list[JukiRecord]:
        """Persons whose 氏名 and 生年月日 are those given (the caller compares 住所・性別)."""
        ...

    def by_individual_number(self, number: str) -> JukiRecord | None:
        """The person the 個人番号 belongs to, or None."""
        ...


class ResidentNetworkError(RuntimeError):
    """The 全国サーバー could not be reached or answered malformed data (the adapter says which)."""


@dataclass(frozen=True)
class Confirmation:
    confirmed: bool
    reason: str  # Japanese; empty when confirmed
    candidates: int


def four_items_of(filing: Filing) -> FourItems:
    content = filing.content
    birth = content.get("birth_date")
    if not birth:
        raise DomainError(
            f"課税資料 {filing.id} に生年月日がないため住基ネットに照会できません。",
            code="missing_birth_date",
        )
    sex_text = content.get("sex")
    return FourItems(
        name=str(content.get("name", "")),
        address=str(content.get("address", "")),
        birth_date=date.fromisoformat(str(birth)),
        sex=Sex(sex_text) if sex_text in ("M", "F") else Sex.UNKNOWN,
    )


class JukiService:
    def __init__(self, app: JuminzeiApplication, network: ResidentNetwork | None) -> None:
        self.app = app
        self._network = network

    @property
    def configured(self) -> bool:
        return self._network is not None

    @property
    def network(self) -> ResidentNetwork:
        if self._network is None:
            raise DomainError(
                "住基ネット（全国サーバー）との接続が設定されていません（JUMINZEI_JUKI_ROSTER または JUMINZEI_JUKI_URL）。",
                code="not_configured",
            )
        return self._network

    def _journal(
        self, action: str, subjects: tuple[UUID, ...], criteria: tuple[str, ...], ctx: CommandContext
    ) -> None:
        self.app.save(
            AccessRecord.record_view(
                action=action,
                subject_ids=subjects,
                items=ANSWER_ITEMS,
                criteria=(*criteria, f"目的={ctx.purpose.value}"),
                ctx=ctx,
            )
        )

    @staticmethod
    def _ask(call: str, fn: Callable[[], T]) -> T:
        try:
            return fn()
        except ResidentNetworkError as e:
            raise DomainError(
                f"住基ネットへの照会に失敗しました（{call}）: {e}", code="juki_unavailable"
            ) from e

    def query_four_items(
        self, items: FourItems, ctx: CommandContext, subjects: tuple[UUID, ...] = ()
    ) -> list[JukiRecord]:
        """4情報照会 (journaled before the query is sent)."""
        network = self.network
        self._journal("juki.four_items", subjects, ("照会=4情報",), ctx)
        found = self._ask("4情報", lambda: network.search_four_items(items))
        log.info("juki.four_items", candidates=len(found), actor=ctx.actor)
        return list(found)

    def query_number(
        self, number: str, ctx: CommandContext, subject: UUID | None = None
    ) -> JukiRecord | None:
        """番号照会: 本人確認情報 for a 個人番号 (journaled before; the number itself is not recorded)."""
        if not (len(number) == 12 and number.isdigit()):
            raise DomainError("個人番号は12桁の数字で指定してください。", code="invalid_individual_number")
        network = self.network
        self._journal("juki.individual_number", (subject,) if subject else (), ("照会=個人番号",), ctx)
        found = self._ask("個人番号", lambda: network.by_individual_number(number))
        log.info("juki.individual_number", found=found is not None, actor=ctx.actor)
        return found

    def confirm_filing(self, filing_id: UUID, ctx: CommandContext) -> Confirmation:
        """本人確認 of a quarantined filing's person against the 全国サーバー (before 住登外登録)."""
        filing: Filing = self.app.require(filing_id, f"課税資料 {filing_id} が見つかりません。")
        if filing.status is not FilingStatus.QUARANTINED:
            raise DomainError(
                f"課税資料 {filing_id} は保留中ではありません（状態: {filing.status.value}）。",
                code="not_quarantined",
            )
        if filing.identity_confirmed:
            return Confirmation(True, "", 1)
        filed = four_items_of(filing)
        candidates = self.query_four_items(filed, ctx.derive("juki-query"), (filing.id,))
        agreeing = [c for c in candidates if not mismatches(filed, c)]
        if len(agreeing) == 1:
            filing.confirm_identity(CONFIRMED_BY, ctx)
            self.app.save(filing)
            return Confirmation(True, "", len(candidates))
        if not candidates:
            reason = "住基ネット照会: 該当者なし（氏名・生年月日）"
        elif len(agreeing) > 1:
            reason = f"住基ネット照会: 4情報が一致する者が複数（{len(agreeing)}件）"
        elif len(candidates) == 1:
            reason = f"住基ネット照会: 4情報不一致（{'・'.join(mismatches(filed, candidates[0]))}）"
        else:
            reason = f"住基ネット照会: 候補{len(candidates)}件、4情報がすべて一致する者なし"
        filing.quarantine(WorkQueue.IDENTITY, reason, ctx)
        self.app.save(filing)
        log.info("juki.unconfirmed", filing_id=str(filing_id), candidates=len(candidates), actor=ctx.actor)
        return Confirmation(False, reason, len(candidates))
