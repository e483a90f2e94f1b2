"""Reading the My Number (個人番号の表示): policy first, journal second, number last (fail closed).

1. The policy (``domain.audit.policy``) must allow the principal and purpose; a denial is itself
   journaled (an attempted reveal is what an inspector most wants to see).
2. The access record is stored **before** the vault is asked; if storing fails, nothing is revealed.
3. Only then is the number decrypted and returned.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

import structlog

from application.app import JuminzeiApplication
from application.ports import IndividualNumberVault
from domain.audit.access import AccessRecord
from domain.audit.policy import may_reveal_individual_number
from domain.shared.events import CommandContext, DomainError

log = structlog.get_logger(__name__)


class IndividualNumberService:
    def __init__(
        self, app: JuminzeiApplication, vault: IndividualNumberVault, is_designated: Callable[[str], bool]
    ) -> None:
        self.app = app
        self.vault = vault
        self.is_designated = is_designated

    def reveal(self, taxpayer: UUID, ctx: CommandContext) -> str:
        decision = may_reveal_individual_number(designated=self.is_designated(ctx.actor), purpose=ctx.purpose)
        action = "individual_number.reveal" if decision.allowed else "individual_number.reveal_denied"
        record = AccessRecord.record_view(
            action=action, subject_ids=(taxpayer,), items=("個人番号",), criteria=("taxpayer_id",), ctx=ctx
        )
        self.app.save(record)  # fail closed: no journal entry, no number
        log.info(
            "individual_number.requested", allowed=decision.allowed, actor=ctx.actor, purpose=ctx.purpose.name
        )
        if not decision.allowed:
            raise DomainError(decision.reason, code="forbidden")
        number = self.vault.reveal(taxpayer)
        if number is None:
            raise DomainError(
                "この宛名には個人番号が登録されていません（または消去済みです）。", code="not_linked"
            )
        return number
