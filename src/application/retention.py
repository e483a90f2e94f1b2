"""Retention run (保存期間経過後の消去): destroy expired data keys, record a PII-free erasure event.

Scopes (key ids, see ADR 0004):
- ``taxpayer:<id>:<年度>`` — a taxpayer's details of one 年度 (filings, levy input/trace, documents);
  erased after the period unless held.
- ``filing:<id>`` — a filing still waiting unmatched in a queue; erased with its 年度.
- ``entry:<id>`` — a 住民税申告書 entry; erased with its 年度.
- ``taxpayer:<id>`` — identity (氏名, 住所, 生年月日 …) and the vault's My Number; erased only when the
  person is no longer a resident, has no live or held 年度 left, and the newest relevant 年度 expired.

A rerun on the same date changes nothing. Time comes from the caller (``as_of``), never the clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol
from uuid import UUID

import structlog
from eventsourcing.application import AggregateNotFoundError

from application.app import JuminzeiApplication
from domain.filings.filing import Filing
from domain.filings.resident_return import ResidentReturnEntry
from domain.retention.hold import RetentionHold, hold_id
from domain.retention.policy import DEFAULT_RETENTION_YEARS, ErasedKey, ErasureRun, is_year_expired
from domain.shared.events import CommandContext, DomainError
from domain.shared.person import RegistrationKind
from domain.taxpayer.model import Taxpayer

log = structlog.get_logger(__name__)


class KeyInventory(Protocol):
    def live_keys(self) -> list[str]: ...

    def held_keys(self) -> set[str]:
        """Holds recorded in the ``retention_holds`` table before holds became events (still honoured)."""
        ...

    def release_hold(self, key_id: str) -> int: ...

    def forget_vault_entry(self, taxpayer_id: str) -> None: ...


@dataclass
class RetentionResult:
    as_of: date
    erased: list[ErasedKey] = field(default_factory=list)
    held: int = 0
    kept: int = 0
    position: int | None = None


class RetentionHolds:
    """保存の延長: place and release holds as events (``RetentionHold``), and answer whether a key is held.

    Holds placed before they were events live in the ``retention_holds`` table; they are still honoured,
    and releasing one closes it there too.
    """

    def __init__(self, app: JuminzeiApplication, inventory: KeyInventory) -> None:
        self.app = app
        self.inventory = inventory

    def _get(self, key_id: str) -> RetentionHold | None:
        hold: RetentionHold | None = self.app.find(hold_id(key_id))
        return hold

    def place(self, key_id: str, reason: str, ctx: CommandContext) -> int | None:
        """Place a hold; returns the position of the recorded event."""
        if key_id.startswith("taxpayer:") and not self._taxpayer_exists(key_id.split(":")[1]):
            raise DomainError("指定の宛名番号の納税義務者は登録されていません。", code="taxpayer_not_found")
        if key_id in self.inventory.held_keys():
            raise DomainError("この年度は既に保存延長されています。", code="already_held")
        hold = self._get(key_id)
        if hold is None:
            hold = RetentionHold.place_new(key_id, reason, ctx)
        else:
            hold.place_again(reason, ctx)
        position: int | None = self.app.save_all(hold)
        log.info("retention.hold_placed", key_id=key_id)
        return position

    def _taxpayer_exists(self, taxpayer: str) -> bool:
        try:
            self.app.repository.get(UUID(taxpayer))
        except (AggregateNotFoundError, ValueError):
            return False
        return True

    def release(self, key_id: str, reason: str, ctx: CommandContext) -> int:
        """Release the hold on ``key_id``; returns how many were released (0 when none was active)."""
        released = 0
        hold = self._get(key_id)
        if hold is not None and hold.release(reason, ctx):
            self.app.save_all(hold)
            released = 1
        if key_id in self.inventory.held_keys():
            if not reason.strip():
                raise DomainError("保存延長の理由を入力してください。", code="reason_required")
            released += self.inventory.release_hold(key_id)
        log.info("retention.hold_released", key_id=key_id, released=released)
        return released

    def active(self) -> Callable[[str], bool]:
        """A predicate for one retention run: is this key held now?"""
        legacy = self.inventory.held_keys()

        def is_held(key_id: str) -> bool:
            if key_id in legacy:
                return True
            hold = self._get(key_id)
            return hold is not None and hold.active

        return is_held


class RetentionService:
    def __init__(
        self,
        app: JuminzeiApplication,
        inventory: KeyInventory,
        destroy_key: Callable[[str], bool],
        years: int = DEFAULT_RETENTION_YEARS,
    ) -> None:
        self.app = app
        self.inventory = inventory
        self.destroy_key = destroy_key
        self.years = years
        self.holds = RetentionHolds(app, inventory)

    def _year_of(self, key_id: str) -> tuple[str, int | None]:
        """(scope, 年度) of a key id; 年度 None for identity keys."""
        parts = key_id.split(":")
        if parts[0] == "taxpayer" and len(parts) == 3:
            return "year", int(parts[2])
        if parts[0] == "taxpayer" and len(parts) == 2:
            return "identity", None
        if parts[0] == "filing":
            try:
                filing: Filing = self.app.repository.get(UUID(parts[1]))
            except (AggregateNotFoundError, ValueError):
                return "filing", None
            return "filing", filing.fiscal_year
        if parts[0] == "entry":
            try:
                entry: ResidentReturnEntry = self.app.repository.get(UUID(parts[1]))
            except (AggregateNotFoundError, ValueError):
                return "entry", None
            return "entry", entry.tax_year + 1
        return "other", None

    def run(self, as_of: date, ctx: CommandContext) -> RetentionResult:
        result = RetentionResult(as_of)
        is_held = self.holds.active()
        live = self.inventory.live_keys()
        remaining_years: dict[str, list[int]] = {}
        identities: list[str] = []
        for key_id in live:
            scope, fiscal_year = self._year_of(key_id)
            if scope == "identity":
                identities.append(key_id)
                continue
            if scope == "other" or fiscal_year is None:
                result.kept += 1
                continue
            if not is_year_expired(fiscal_year, as_of, self.years):
                result.kept += 1
            elif is_held(key_id):
                result.held += 1
            elif self.destroy_key(key_id):
                result.erased.append(ErasedKey(key_id, scope))
                continue
            if scope == "year":
                remaining_years.setdefault(key_id.rsplit(":", 1)[0], []).append(fiscal_year)
        for key_id in identities:
            if remaining_years.get(key_id):
                result.kept += 1
                continue
            if not self._identity_expired(key_id, as_of):
                result.kept += 1
            elif is_held(key_id):
                result.held += 1
            elif self.destroy_key(key_id):
                self.inventory.forget_vault_entry(key_id.split(":", 1)[1])
                result.erased.append(ErasedKey(key_id, "identity"))
            else:
                result.kept += 1
        if result.erased:
            run = ErasureRun.record(
                as_of=as_of,
                retention_years=self.years,
                erased=tuple(result.erased),
                held=result.held,
                ctx=ctx,
            )
            result.position = self.app.save_all(run)
        log.info("retention.run", as_of=as_of.isoformat(), erased=len(result.erased), held=result.held)
        return result

    def _identity_expired(self, key_id: str, as_of: date) -> bool:
        try:
            taxpayer: Taxpayer = self.app.repository.get(UUID(key_id.split(":", 1)[1]))
        except (AggregateNotFoundError, ValueError):
            return False
        if taxpayer.residence and taxpayer.residence[-1].end is None:
            return False  # still a resident
        if taxpayer.registration_kind is RegistrationKind.NON_RESIDENT and not taxpayer.residence:
            last = taxpayer.created_on.year  # 住登外: kept as long as its registration year's data
        elif taxpayer.residence:
            end = taxpayer.residence[-1].end
            last = end.year + 1 if isinstance(end, date) else as_of.year
        else:
            return False
        return is_year_expired(last, as_of, self.years)


def describe(result: RetentionResult) -> dict[str, Any]:
    return {
        "as_of": result.as_of.isoformat(),
        "erased": len(result.erased),
        "erased_by_scope": {
            scope: sum(1 for k in result.erased if k.scope == scope)
            for scope in sorted({k.scope for k in result.erased})
        },
        "held": result.held,
        "kept": result.kept,
    }
