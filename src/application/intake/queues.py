"""Work-queue resolution (保留キューの処理): 本人確認 and 税務調査 (seed III-2 リスク3).

A clerk resolves a quarantined filing in one of three ways:
- **match** it to an existing taxpayer (宛名番号) — the content is re-sealed under that taxpayer's key
  for the 年度 and the filing's temporary key is destroyed;
- **register** the person as 住登外 with a system-issued 住登外者宛名番号, then match;
- **forward** (回送) it to the municipality of 1 January residence; the forwarding file lists it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID

import structlog

from application.app import JuminzeiApplication
from application.juki import JukiService
from application.ports import PersonalDataCipher
from domain.audit.access import AccessRecord
from domain.filings.filing import Filing, FilingStatus
from domain.shared.events import CommandContext, DomainError
from domain.shared.person import RegistrationKind, Sex
from domain.taxpayer.model import Taxpayer, taxpayer_id

log = structlog.get_logger(__name__)


class QueueService:
    def __init__(
        self,
        app: JuminzeiApplication,
        keys: PersonalDataCipher,
        issue_non_resident_number: Callable[[UUID], str],
        juki: JukiService | None = None,
    ) -> None:
        self.app = app
        self.keys = keys
        self.issue_non_resident_number = issue_non_resident_number
        self.juki = juki

    def _filing(self, filing_id: UUID) -> Filing:
        filing: Filing = self.app.require(filing_id, f"課税資料 {filing_id} が見つかりません。")
        if filing.status is not FilingStatus.QUARANTINED:
            raise DomainError(
                f"課税資料 {filing_id} は保留中ではありません（状態: {filing.status.value}）。",
                code="not_quarantined",
            )
        return filing

    def match(self, filing_id: UUID, address_number: str, ctx: CommandContext) -> UUID:
        filing = self._filing(filing_id)
        tid = taxpayer_id(address_number)
        if tid not in self.app.repository:
            raise DomainError(f"宛名番号 {address_number} は登録されていません。", code="unknown_taxpayer")
        temporary_key = filing.subject_key
        filing.match(tid, "clerk", ctx)
        self.app.save(filing)
        self.keys.destroy(temporary_key)
        log.info("filing.matched", filing_id=str(filing_id), actor=ctx.actor)
        return tid

    def register_non_resident(self, filing_id: UUID, ctx: CommandContext) -> str:
        """住登外登録: a new taxpayer from the filing's identity, with a system-issued 宛名番号.

        When 住基ネット is connected the person's 4情報 are confirmed against the 全国サーバー first
        (``application.juki``); an unconfirmed person is not registered — the filing goes to the 本人確認
        queue with the reason, and the registration is refused with it."""
        filing = self._filing(filing_id)
        if self.juki is not None and self.juki.configured and not filing.identity_confirmed:
            outcome = self.juki.confirm_filing(filing_id, ctx.derive("juki-confirm"))
            if not outcome.confirmed:
                raise DomainError(
                    f"住登外登録できません: {outcome.reason}。本人確認キューに保留しました。",
                    code="identity_unconfirmed",
                )
            filing = self._filing(filing_id)
        content = filing.content
        number = self.issue_non_resident_number(filing_id)
        sex_text = content.get("sex")
        taxpayer = Taxpayer.register(
            address_number=number,
            name=str(content.get("name", "")),
            kana=str(content.get("kana", "")),
            birth_date=date.fromisoformat(str(content.get("birth_date"))),
            sex=Sex(sex_text) if sex_text in ("M", "F") else Sex.UNKNOWN,
            address=str(content.get("address", "")),
            registration_kind=RegistrationKind.NON_RESIDENT,
            registered_on=date(filing.fiscal_year, 1, 1),
            ctx=ctx,
        )
        temporary_key = filing.subject_key
        filing.match(taxpayer.id, "non_resident_registration", ctx)
        self.app.save(taxpayer, filing)
        self.keys.destroy(temporary_key)
        log.info("filing.registered_non_resident", filing_id=str(filing_id), actor=ctx.actor)
        return number

    def forward(self, filing_id: UUID, municipality_code: str, reason: str, ctx: CommandContext) -> None:
        filing = self._filing(filing_id)
        filing.forward(municipality_code, reason, ctx)
        self.app.save(filing)
        log.info("filing.forwarded", filing_id=str(filing_id), actor=ctx.actor)

    def forwarding_export(self, filing_ids: list[UUID], ctx: CommandContext) -> list[dict[str, str]]:
        """回送ファイルの内容: identity and filing facts of forwarded filings (journaled first)."""
        filings: list[Filing] = [self.app.repository.get(i) for i in filing_ids]
        forwarded = [f for f in filings if f.status is FilingStatus.FORWARDED]
        record = AccessRecord.record_view(
            action="filing.forwarding_export",
            subject_ids=tuple(f.id for f in forwarded),
            items=("氏名", "カナ氏名", "生年月日", "住所", "課税資料種別", "年分"),
            criteria=("status=回送",),
            ctx=ctx,
        )
        self.app.save(record)
        return [
            {
                "回送先団体コード": f.forwarded_to or "",
                "課税資料ID": str(f.id),
                "資料種別": f.kind.value,
                "年分": str(f.tax_year),
                "氏名": str(f.content.get("name", "")),
                "カナ": str(f.content.get("kana", "")),
                "生年月日": str(f.content.get("birth_date", "")),
                "住所": str(f.content.get("address", "")),
            }
            for f in forwarded
        ]
