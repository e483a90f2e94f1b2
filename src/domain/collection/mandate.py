"""DirectDebitMandate aggregate (口座振替): one per taxpayer — register, change, cancel, requests, results.

Seed: 口座管理システム (口座情報登録・照会, 口座振替依頼作成, 振替結果受入). The account number and holder name
are personal data, sealed under the taxpayer's identity key (erasure shreds them).
"""

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.shared.events import AuditedCreated, AuditedEvent, CommandContext, DomainError
from domain.shared.ids import deterministic_id


def mandate_id(taxpayer_id: UUID) -> UUID:
    return deterministic_id("debit-mandate", str(taxpayer_id))


class DirectDebitMandate(Aggregate):
    """口座振替依頼."""

    TOPIC = "juminzei.collection.DirectDebitMandate"

    class Event(AuditedEvent):
        def personal_subject(self) -> str:
            return f"taxpayer:{vars(self)['taxpayer_id']}"

    class Created(Event, AuditedCreated):
        TOPIC = "juminzei.collection.DirectDebitMandate.Created"

    class Registered(Created):
        TOPIC = "juminzei.collection.MandateRegistered"
        PERSONAL_FIELDS = ("account_number", "holder_kana")
        taxpayer_id: UUID
        bank_code: str
        branch_code: str
        account_type: str
        account_number: str
        holder_kana: str
        start_date: date

    class Changed(Event):
        TOPIC = "juminzei.collection.MandateChanged"
        PERSONAL_FIELDS = ("account_number", "holder_kana")
        taxpayer_id: UUID
        bank_code: str
        branch_code: str
        account_type: str
        account_number: str
        holder_kana: str
        start_date: date

        def apply(self, aggregate: "DirectDebitMandate") -> None:
            aggregate.bank_code = self.bank_code
            aggregate.branch_code = self.branch_code
            aggregate.account_type = self.account_type
            aggregate.account_number = self.account_number
            aggregate.holder_kana = self.holder_kana
            aggregate.start_date = self.start_date
            aggregate.cancelled_from = None

    class Cancelled(Event):
        TOPIC = "juminzei.collection.MandateCancelled"
        taxpayer_id: UUID
        from_date: date

        def apply(self, aggregate: "DirectDebitMandate") -> None:
            aggregate.cancelled_from = self.from_date

    class DebitRequested(Event):
        """口座振替依頼 for one 納期 (顧客番号 = the key the bank returns)."""

        TOPIC = "juminzei.collection.DebitRequested"
        taxpayer_id: UUID
        customer_number: str
        amount: int
        debit_date: date

        def apply(self, aggregate: "DirectDebitMandate") -> None:
            aggregate.requests = (*aggregate.requests, self.customer_number)

    class DebitFailed(Event):
        """振替不能 (振替結果コード ≠ 0): feeds 督促."""

        TOPIC = "juminzei.collection.DebitFailed"
        taxpayer_id: UUID
        customer_number: str
        result_code: int
        meaning: str

    def __init__(
        self,
        taxpayer_id: UUID,
        bank_code: str,
        branch_code: str,
        account_type: str,
        account_number: str,
        holder_kana: str,
        start_date: date,
        **_: Any,
    ) -> None:
        self.taxpayer_id = taxpayer_id
        self.bank_code = bank_code
        self.branch_code = branch_code
        self.account_type = account_type
        self.account_number = account_number
        self.holder_kana = holder_kana
        self.start_date = start_date
        self.cancelled_from: date | None = None
        self.requests: tuple[str, ...] = ()

    def active_on(self, day: date) -> bool:
        return self.start_date <= day and (self.cancelled_from is None or day < self.cancelled_from)

    @classmethod
    def register(
        cls,
        *,
        taxpayer_id: UUID,
        bank_code: str,
        branch_code: str,
        account_type: str,
        account_number: str,
        holder_kana: str,
        start_date: date,
        ctx: CommandContext,
    ) -> "DirectDebitMandate":
        return cls._create(
            cls.Registered,
            id=mandate_id(taxpayer_id),
            taxpayer_id=taxpayer_id,
            bank_code=bank_code,
            branch_code=branch_code,
            account_type=account_type,
            account_number=account_number,
            holder_kana=holder_kana,
            start_date=start_date,
            **ctx.event_fields(),
        )

    def change(
        self,
        *,
        bank_code: str,
        branch_code: str,
        account_type: str,
        account_number: str,
        holder_kana: str,
        start_date: date,
        ctx: CommandContext,
    ) -> bool:
        same = (bank_code, branch_code, account_type, account_number, holder_kana, start_date) == (
            self.bank_code,
            self.branch_code,
            self.account_type,
            self.account_number,
            self.holder_kana,
            self.start_date,
        )
        if same and self.cancelled_from is None:
            return False
        self.trigger_event(
            self.Changed,
            taxpayer_id=self.taxpayer_id,
            bank_code=bank_code,
            branch_code=branch_code,
            account_type=account_type,
            account_number=account_number,
            holder_kana=holder_kana,
            start_date=start_date,
            **ctx.event_fields(),
        )
        return True

    def cancel(self, from_date: date, ctx: CommandContext) -> bool:
        if self.cancelled_from is not None:
            return False
        self.trigger_event(
            self.Cancelled, taxpayer_id=self.taxpayer_id, from_date=from_date, **ctx.event_fields()
        )
        return True

    def request(self, *, customer_number: str, amount: int, debit_date: date, ctx: CommandContext) -> bool:
        if customer_number in self.requests:
            return False
        if not self.active_on(debit_date):
            raise DomainError("口座振替の有効期間外です。", code="inactive")
        self.trigger_event(
            self.DebitRequested,
            taxpayer_id=self.taxpayer_id,
            customer_number=customer_number,
            amount=amount,
            debit_date=debit_date,
            **ctx.event_fields(),
        )
        return True

    def failed(self, *, customer_number: str, result_code: int, meaning: str, ctx: CommandContext) -> None:
        self.trigger_event(
            self.DebitFailed,
            taxpayer_id=self.taxpayer_id,
            customer_number=customer_number,
            result_code=result_code,
            meaning=meaning,
            **ctx.event_fields(),
        )
