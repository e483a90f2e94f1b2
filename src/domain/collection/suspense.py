"""Suspense receipt (収納保留): money that could not be matched to a ledger — never lost.

Each unmatched receipt is its own aggregate (keyed by channel and receipt id) with the reason; a clerk
resolves it by assigning it to a ledger (the receipt is then posted there) or by refunding it.
"""

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.shared.events import AuditedCreated, AuditedEvent, CommandContext, DomainError
from domain.shared.ids import deterministic_id

#: How a 収納保留 ends: posted to a ledger (消込) or paid back to the payer (還付).
RESOLUTIONS = ("消込", "還付")


def suspense_id(receipt_key: str) -> UUID:
    return deterministic_id("suspense", receipt_key)


class SuspenseReceipt(Aggregate):
    """収納保留."""

    TOPIC = "juminzei.collection.SuspenseReceipt"

    class Event(AuditedEvent):
        pass

    class Created(Event, AuditedCreated):
        TOPIC = "juminzei.collection.SuspenseReceipt.Created"

    class Held(Created):
        TOPIC = "juminzei.collection.SuspenseHeld"
        receipt_key: str
        channel: str
        paid_on: date
        amount: int
        reference: str
        reason: str

    class Resolved(Event):
        TOPIC = "juminzei.collection.SuspenseResolved"
        ledger: UUID | None
        outcome: str  # 消込 | 還付
        reason: str = ""  # why (再照合で一致, the clerk's note); absent on events before it was recorded

        def apply(self, aggregate: "SuspenseReceipt") -> None:
            aggregate.resolved = True

    def __init__(
        self,
        receipt_key: str,
        channel: str,
        paid_on: date,
        amount: int,
        reference: str,
        reason: str,
        **_: Any,
    ) -> None:
        self.receipt_key = receipt_key
        self.channel = channel
        self.paid_on = paid_on
        self.amount = amount
        self.reference = reference
        self.reason = reason
        self.resolved = False

    @classmethod
    def hold(
        cls,
        *,
        receipt_key: str,
        channel: str,
        paid_on: date,
        amount: int,
        reference: str,
        reason: str,
        ctx: CommandContext,
    ) -> "SuspenseReceipt":
        return cls._create(
            cls.Held,
            id=suspense_id(receipt_key),
            receipt_key=receipt_key,
            channel=channel,
            paid_on=paid_on,
            amount=amount,
            reference=reference,
            reason=reason,
            **ctx.event_fields(),
        )

    def resolve(self, ledger: UUID | None, outcome: str, ctx: CommandContext, reason: str = "") -> None:
        """Close the suspense: 消込 (posted to ``ledger``) or 還付 (returned to the payer)."""
        if self.resolved:
            raise DomainError("この保留収納は処理済みです。", code="resolved")
        if outcome not in RESOLUTIONS:
            raise DomainError(f"処理区分は {'・'.join(RESOLUTIONS)} のいずれかです。", code="invalid_outcome")
        if (outcome == "消込") != (ledger is not None):
            raise DomainError(
                "消込には収納台帳の指定が必要です（還付では指定しません）。", code="invalid_ledger"
            )
        self.trigger_event(self.Resolved, ledger=ledger, outcome=outcome, reason=reason, **ctx.event_fields())
