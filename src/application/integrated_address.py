"""団体内統合宛名番号 (Sys4-4): issue, attach, merge, split and show — rules in ``domain.integrated_address``.

The number and the per-宛名番号 link are saved together in one atomic save, so the two sides of the mapping
never disagree. Every 宛名番号 must belong to a registered taxpayer. Issuing for a 宛名番号 that already has a
number gives that number back (a retried command issues once). Reading a number's 宛名番号 and history is a
read of personal data: ``show`` journals an access record first. ``number_of`` is for the exchanges that
must use the number instead of the My Number (中間サーバー); its callers journal their own exchange.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from application.app import JuminzeiApplication
from domain.audit.access import AccessRecord
from domain.integrated_address.model import (
    SERIAL_DIGITS,
    AddressLink,
    IntegratedAddress,
    address_link_id,
    compose_number,
    integrated_address_id,
    require_number,
)
from domain.shared.events import CommandContext, DomainError
from domain.taxpayer.model import taxpayer_id

#: Attempts at drawing a number not yet used before giving up (10⁹ serials: a clash is already rare).
MAX_DRAWS = 20


def random_serial() -> int:
    return secrets.randbelow(10**SERIAL_DIGITS)


class IntegratedAddressService:
    """団体内統合宛名番号の付番・統合・分割と照会."""

    def __init__(
        self, app: JuminzeiApplication, municipality_code: str, draw: Callable[[], int] = random_serial
    ) -> None:
        self.app = app
        self.municipality_code = municipality_code
        self._draw = draw

    # -- lookups -----------------------------------------------------------------------------------

    def _require_taxpayer(self, address_number: str) -> UUID:
        tid = taxpayer_id(address_number)
        if tid not in self.app.repository:
            raise DomainError(f"宛名番号 {address_number} は登録されていません。", code="not_found")
        return tid

    def _link(self, address_number: str) -> AddressLink | None:
        try:
            link: AddressLink = self.app.repository.get(address_link_id(address_number))
        except AggregateNotFoundError:
            return None
        return link

    def get(self, number: str) -> IntegratedAddress:
        require_number(number)
        try:
            found: IntegratedAddress = self.app.repository.get(integrated_address_id(number))
        except AggregateNotFoundError:
            raise DomainError(
                f"団体内統合宛名番号 {number} は付番されていません。", code="not_found"
            ) from None
        return found

    def current(self, number: str) -> IntegratedAddress:
        """The number in force for ``number``: itself, or the survivor it was merged into (followed)."""
        found = self.get(number)
        seen = {found.number}
        while found.merged_into is not None and found.merged_into not in seen:
            found = self.get(found.merged_into)
            seen.add(found.number)
        return found

    def number_of(self, address_number: str) -> str | None:
        """The 団体内統合宛名番号 of a 宛名番号, or None if none was issued (not journaled: see module doc)."""
        link = self._link(address_number)
        return None if link is None else link.number

    def _fresh_number(self) -> str:
        for _ in range(MAX_DRAWS):
            number = compose_number(self.municipality_code, self._draw())
            if integrated_address_id(number) not in self.app.repository:
                return number
        raise DomainError("団体内統合宛名番号を採番できませんでした。再実行してください。", code="exhausted")

    # -- commands ----------------------------------------------------------------------------------

    def issue(self, address_number: str, *, reason: str, ctx: CommandContext) -> IntegratedAddress:
        self._require_taxpayer(address_number)
        existing = self._link(address_number)
        if existing is not None:
            return self.get(existing.number)  # one person, one number: issued once
        number = self._fresh_number()
        created = IntegratedAddress.issue(
            number=number, address_numbers=(address_number,), reason=reason, ctx=ctx
        )
        self.app.save(created, AddressLink.link(address_number=address_number, number=number, ctx=ctx))
        return created

    def attach(
        self, number: str, address_number: str, *, reason: str, ctx: CommandContext
    ) -> IntegratedAddress:
        self._require_taxpayer(address_number)
        target = self.get(number)
        existing = self._link(address_number)
        if existing is not None:
            if existing.number == target.number:
                return target
            raise DomainError(
                f"宛名番号 {address_number} はすでに団体内統合宛名番号 {existing.number} に属しています。"
                "同一人であれば統合（merge）してください。",
                code="already_linked",
            )
        target.attach(address_number, reason=reason, ctx=ctx)
        self.app.save(target, AddressLink.link(address_number=address_number, number=target.number, ctx=ctx))
        return target

    def merge(self, survivor: str, absorbed: str, *, reason: str, ctx: CommandContext) -> IntegratedAddress:
        keep, retire = self.get(survivor), self.get(absorbed)
        if retire.merged_into == keep.number:
            return keep  # already merged (a retried command)
        moved = retire.address_numbers
        keep.merge_from(retire, reason=reason, ctx=ctx)
        links = self._relinked(moved, keep.number, ctx)
        self.app.save(keep, retire, *links)
        return keep

    def split(
        self, number: str, address_numbers: tuple[str, ...], *, reason: str, ctx: CommandContext
    ) -> IntegratedAddress:
        """分割: returns the newly issued number holding ``address_numbers``."""
        source = self.get(number)
        created = source.split_off(address_numbers, new_number=self._fresh_number(), reason=reason, ctx=ctx)
        links = self._relinked(created.address_numbers, created.number, ctx)
        self.app.save(source, created, *links)
        return created

    def _relinked(
        self, address_numbers: tuple[str, ...], number: str, ctx: CommandContext
    ) -> list[AddressLink]:
        links = []
        for address_number in address_numbers:
            link = self._link(address_number)
            if link is None:  # cannot happen while both sides are saved together; repair it if it did
                link = AddressLink.link(address_number=address_number, number=number, ctx=ctx)
            else:
                link.relink(number, ctx)
            links.append(link)
        return links

    # -- queries -----------------------------------------------------------------------------------

    def show(
        self, ctx: CommandContext, *, number: str | None = None, address_number: str | None = None
    ) -> dict[str, Any]:
        """The number, its status, its 宛名番号 and its history with reasons (journaled first)."""
        if (number is None) == (address_number is None):
            raise DomainError(
                "団体内統合宛名番号か宛名番号のどちらか一方を指定してください。", code="invalid_query"
            )
        if address_number is not None:
            self._require_taxpayer(address_number)
            link = self._link(address_number)
            if link is None:
                raise DomainError(
                    f"宛名番号 {address_number} には団体内統合宛名番号が付番されていません。",
                    code="not_found",
                )
            number = link.number
        assert number is not None
        found = self.get(number)
        involved = sorted(
            {a for line in found.history for a in line["address_numbers"]} | set(found.address_numbers)
        )
        self.app.save(
            AccessRecord.record_view(
                action="integrated_address.show",
                subject_ids=tuple(taxpayer_id(a) for a in involved),
                items=("団体内統合宛名番号", "宛名番号", "付番・統合・分割の履歴"),
                criteria=("integrated-address",),
                ctx=ctx,
            )
        )
        return {
            "number": found.number,
            "status": found.status,
            "merged_into": found.merged_into,
            "current": self.current(found.number).number,
            "address_numbers": list(found.address_numbers),
            "history": [dict(line) for line in found.history],
        }
