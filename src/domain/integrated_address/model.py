"""団体内統合宛名番号 (seed システム4-4 団体内統合宛名システム): one number per person, mapped to 宛名番号.

The ward's systems each know a person by a 宛名番号; the 団体内統合宛名番号 joins them, and the exchanges with
the 中間サーバー use it, never the My Number. Rules kept here:

* **one person, one number**: each 宛名番号 belongs to exactly one 団体内統合宛名番号 at a time. The mapping is held
  twice, consistently: on the number (:class:`IntegratedAddress`, its 宛名番号) and per 宛名番号
  (:class:`AddressLink`, id = uuid5 of the 宛名番号, so a second link for the same 宛名番号 cannot be created —
  the store refuses the duplicate id);
* **merge** (同一人と判明): every 宛名番号 of the absorbed number moves to the surviving one; the absorbed number
  is retired (統合済), never reissued, and resolves to the survivor;
* **split** (別人と判明): some 宛名番号 of a number move to a newly issued number; at least one stays;
* every change carries a reason (encrypted: it may describe the person) and the actor, purpose and command id.

Number format (ours; the 団体内統合宛名番号 is each 団体's own, no national layout): 16 digits = 全国地方公共団体
コード (6) + a random serial (9) + a check digit (1, modulus 11 with weights 2–7 from the right, 0 when the
remainder is 0 or 1, as for the 個人番号). Random, not sequential: the number says nothing about the order or
time of issue, nor about the 宛名番号 or the My Number.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.shared.events import AuditedCreated, AuditedEvent, CommandContext, DomainError
from domain.shared.ids import deterministic_id

NUMBER_LENGTH = 16
SERIAL_DIGITS = 9
ACTIVE = "有効"
MERGED = "統合済"
MAX_REASON = 200


def check_digit(digits: str) -> int:
    """Modulus 11, weights 2, 3, 4, 5, 6, 7, 2, … from the right; remainder 0 or 1 → 0."""
    total = sum(int(d) * (2 + i % 6) for i, d in enumerate(reversed(digits)))
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def compose_number(municipality_code: str, serial: int) -> str:
    if len(municipality_code) != 6 or not municipality_code.isascii() or not municipality_code.isdigit():
        raise ValueError("municipality_code must be 6 ASCII digits")
    if not 0 <= serial < 10**SERIAL_DIGITS:
        raise ValueError("serial out of range")
    body = municipality_code + f"{serial:0{SERIAL_DIGITS}d}"
    return body + str(check_digit(body))


def is_valid_number(number: str) -> bool:
    return (
        len(number) == NUMBER_LENGTH
        and number.isascii()
        and number.isdigit()
        and check_digit(number[:-1]) == int(number[-1])
    )


def require_number(number: str) -> str:
    if not is_valid_number(number):
        raise DomainError(
            "団体内統合宛名番号は16桁の半角数字（チェックデジット付き）で指定してください。",
            code="invalid_number",
        )
    return number


def integrated_address_id(number: str) -> UUID:
    return deterministic_id("integrated-address", number)


def address_link_id(address_number: str) -> UUID:
    return deterministic_id("integrated-address-link", address_number)


def _reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise DomainError("理由（--reason）を入力してください。", code="missing_reason")
    if len(text) > MAX_REASON:
        raise DomainError(f"理由は{MAX_REASON}文字以内で入力してください。", code="reason_too_long")
    return text


class IntegratedAddress(Aggregate):
    """団体内統合宛名番号 and the 宛名番号 it joins, with its history (付番・追加・統合・分割)."""

    TOPIC = "juminzei.integrated_address.IntegratedAddress"

    class Event(AuditedEvent):
        def personal_subject(self) -> str:
            return f"integrated-address:{self.originator_id}"

    class Created(Event, AuditedCreated):
        TOPIC = "juminzei.integrated_address.Created"

    class Issued(Created):
        """付番: a new number for ``address_numbers`` (one on first issue; several when split off)."""

        TOPIC = "juminzei.integrated_address.Issued"
        PERSONAL_FIELDS = ("reason",)
        number: str
        address_numbers: tuple[str, ...]
        reason: str
        split_from: str | None

        def apply(self, aggregate: IntegratedAddress) -> None:
            kind = "分割により付番" if self.split_from else "付番"
            aggregate.record(self, kind, aggregate.address_numbers, self.split_from)

    class Attached(Event):
        """宛名番号の追加: another 宛名番号 of the same person (e.g. a 住登外 record) joins the number."""

        TOPIC = "juminzei.integrated_address.Attached"
        PERSONAL_FIELDS = ("reason",)
        address_number: str
        reason: str

        def apply(self, aggregate: IntegratedAddress) -> None:
            aggregate.address_numbers = tuple(sorted({*aggregate.address_numbers, self.address_number}))
            aggregate.record(self, "追加", (self.address_number,), None)

    class Absorbed(Event):
        """統合 (survivor's side): the 宛名番号 of ``from_number`` join this number."""

        TOPIC = "juminzei.integrated_address.Absorbed"
        PERSONAL_FIELDS = ("reason",)
        from_number: str
        address_numbers: tuple[str, ...]
        reason: str

        def apply(self, aggregate: IntegratedAddress) -> None:
            aggregate.address_numbers = tuple(sorted({*aggregate.address_numbers, *self.address_numbers}))
            aggregate.record(self, "統合（吸収）", self.address_numbers, self.from_number)

    class MergedInto(Event):
        """統合 (absorbed side): this number is retired; its 宛名番号 now belong to ``into_number``."""

        TOPIC = "juminzei.integrated_address.MergedInto"
        PERSONAL_FIELDS = ("reason",)
        into_number: str
        address_numbers: tuple[str, ...]
        reason: str

        def apply(self, aggregate: IntegratedAddress) -> None:
            aggregate.address_numbers = ()
            aggregate.status = MERGED
            aggregate.merged_into = self.into_number
            aggregate.record(self, "統合（消除）", self.address_numbers, self.into_number)

    class SplitOff(Event):
        """分割: ``address_numbers`` leave this number for the newly issued ``to_number``."""

        TOPIC = "juminzei.integrated_address.SplitOff"
        PERSONAL_FIELDS = ("reason",)
        to_number: str
        address_numbers: tuple[str, ...]
        reason: str

        def apply(self, aggregate: IntegratedAddress) -> None:
            moved = set(self.address_numbers)
            aggregate.address_numbers = tuple(a for a in aggregate.address_numbers if a not in moved)
            aggregate.record(self, "分割", self.address_numbers, self.to_number)

    def __init__(
        self, number: str, address_numbers: tuple[str, ...], reason: str, split_from: str | None, **_: Any
    ) -> None:
        self.number = number
        self.address_numbers = tuple(sorted(address_numbers))
        self.status = ACTIVE
        self.merged_into: str | None = None
        self.history: tuple[dict[str, Any], ...] = ()

    def record(self, event: Any, kind: str, address_numbers: tuple[str, ...], other: str | None) -> None:
        """One line of the history (the reason is kept encrypted in the event; shown to journaled reads)."""
        self.history = (
            *self.history,
            {
                "kind": kind,
                "at": event.timestamp.isoformat(),
                "by": event.actor,
                "purpose": event.purpose.value,
                "command_id": event.command_id,
                "address_numbers": list(address_numbers),
                "other_number": other,
                "reason": event.reason,
            },
        )

    # -- behaviour ---------------------------------------------------------------------------------

    @classmethod
    def issue(
        cls,
        *,
        number: str,
        address_numbers: tuple[str, ...],
        reason: str,
        ctx: CommandContext,
        split_from: str | None = None,
    ) -> IntegratedAddress:
        require_number(number)
        if not address_numbers:
            raise DomainError("付番する宛名番号がありません。", code="no_address_number")
        return cls._create(
            cls.Issued,
            id=integrated_address_id(number),
            number=number,
            address_numbers=tuple(sorted(set(address_numbers))),
            reason=_reason(reason),
            split_from=split_from,
            **ctx.event_fields(),
        )

    def _require_active(self) -> None:
        if self.status != ACTIVE:
            raise DomainError(
                f"団体内統合宛名番号 {self.number} は統合済です（統合先 {self.merged_into}）。", code="merged"
            )

    def attach(self, address_number: str, *, reason: str, ctx: CommandContext) -> None:
        self._require_active()
        if address_number in self.address_numbers:
            raise DomainError(
                f"宛名番号 {address_number} はすでにこの番号に属しています。", code="already_linked"
            )
        self.trigger_event(
            self.Attached, address_number=address_number, reason=_reason(reason), **ctx.event_fields()
        )

    def merge_from(self, absorbed: IntegratedAddress, *, reason: str, ctx: CommandContext) -> None:
        """統合: ``absorbed`` (same person) is retired into this number. Both must be active and distinct."""
        if absorbed.number == self.number:
            raise DomainError("同じ団体内統合宛名番号どうしは統合できません。", code="same_number")
        self._require_active()
        absorbed._require_active()
        text = _reason(reason)
        moved = absorbed.address_numbers
        absorbed.trigger_event(
            self.MergedInto, into_number=self.number, address_numbers=moved, reason=text, **ctx.event_fields()
        )
        self.trigger_event(
            self.Absorbed,
            from_number=absorbed.number,
            address_numbers=moved,
            reason=text,
            **ctx.event_fields(),
        )

    def split_off(
        self, address_numbers: tuple[str, ...], *, new_number: str, reason: str, ctx: CommandContext
    ) -> IntegratedAddress:
        """分割: ``address_numbers`` (another person) move to ``new_number``; at least one 宛名番号 stays."""
        self._require_active()
        moved = tuple(sorted(set(address_numbers)))
        if not moved:
            raise DomainError("分割する宛名番号を指定してください。", code="no_address_number")
        foreign = [a for a in moved if a not in self.address_numbers]
        if foreign:
            raise DomainError(
                f"宛名番号 {'、'.join(foreign)} はこの団体内統合宛名番号に属していません。", code="not_linked"
            )
        if len(moved) == len(self.address_numbers):
            raise DomainError(
                "すべての宛名番号を分割することはできません（少なくとも1つを残してください）。",
                code="split_all",
            )
        text = _reason(reason)
        created = IntegratedAddress.issue(
            number=new_number, address_numbers=moved, reason=text, ctx=ctx, split_from=self.number
        )
        self.trigger_event(
            self.SplitOff, to_number=new_number, address_numbers=moved, reason=text, **ctx.event_fields()
        )
        return created


class AddressLink(Aggregate):
    """宛名番号 → its 団体内統合宛名番号 (id = uuid5 of the 宛名番号: at most one link per 宛名番号)."""

    TOPIC = "juminzei.integrated_address.AddressLink"

    class Event(AuditedEvent):
        def personal_subject(self) -> str:
            return f"integrated-address-link:{self.originator_id}"

    class Created(Event, AuditedCreated):
        TOPIC = "juminzei.integrated_address.LinkCreated"

    class Linked(Created):
        TOPIC = "juminzei.integrated_address.Linked"
        address_number: str
        number: str

    class Relinked(Event):
        """The 宛名番号 moved to another number (統合 or 分割)."""

        TOPIC = "juminzei.integrated_address.Relinked"
        number: str
        previous: str

        def apply(self, aggregate: AddressLink) -> None:
            aggregate.number = self.number

    def __init__(self, address_number: str, number: str, **_: Any) -> None:
        self.address_number = address_number
        self.number = number

    @classmethod
    def link(cls, *, address_number: str, number: str, ctx: CommandContext) -> AddressLink:
        return cls._create(
            cls.Linked,
            id=address_link_id(address_number),
            address_number=address_number,
            number=number,
            **ctx.event_fields(),
        )

    def relink(self, number: str, ctx: CommandContext) -> None:
        if number != self.number:
            self.trigger_event(self.Relinked, number=number, previous=self.number, **ctx.event_fields())
