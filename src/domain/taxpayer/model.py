"""Taxpayer aggregate (納税義務者): one per person, keyed by 宛名番号.

Seed: 特定個人情報保護評価書 別添1 flow ①–② (住民記録 → 宛名 → 個人住民税システム), II-3 (記録項目).
Personal fields (氏名, カナ, 生年月日, 住所, 続柄) are declared per event and stored encrypted under the
taxpayer's identity key (DESIGN §6). The My Number is never held here: the vault holds it, and the
aggregate only records that a number was linked.

Residence history answers "was this person a resident on 1 January of 年度 Y?" (賦課期日,
地方税法 第318条 / 第39条): each registration, move-in, move-out and death closes or opens a period.
"""

from collections.abc import Callable, Hashable
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.shared.events import AuditedCreated, AuditedEvent, CommandContext, DomainError
from domain.shared.ids import deterministic_id
from domain.shared.person import RegistrationKind, Sex
from domain.taxpayer.values import (
    AssistancePeriod,
    DisabilityStatus,
    ResidenceChange,
    ResidencePeriod,
)

# registered_on / change_date are personal too: for a birth or a death they are the birth or death date.
IDENTITY_FIELDS = ("name", "kana", "birth_date", "address", "relationship", "registered_on")


def taxpayer_id(address_number: str) -> UUID:
    """Deterministic id from the 宛名番号 (address number), so re-registration finds the same aggregate."""
    return deterministic_id("taxpayer", address_number)


def validate_identity(*, address_number: str, name: str, kana: str, birth_date: date, address: str) -> None:
    """Reject incomplete identity data before any event exists. Messages name the field, not the value."""
    if not address_number.isdigit() or not 1 <= len(address_number) <= 15:
        raise DomainError("宛名番号は1〜15桁の数字で指定してください。", code="invalid_address_number")
    if not name.strip():
        raise DomainError("氏名が空です。", code="missing_name")
    if not kana.strip():
        raise DomainError("カナ氏名が空です。", code="missing_kana")
    if not address.strip():
        raise DomainError("住所が空です。", code="missing_address")
    if birth_date.year < 1880:
        raise DomainError("生年月日が不正です。", code="invalid_birth_date")


R = TypeVar("R")


def _superseding(records: tuple[R, ...], record: R, key: Callable[[R], Hashable]) -> tuple[R, ...]:
    """``records`` with ``record`` last, replacing any earlier one with the same key (a later report wins)."""
    return (*(r for r in records if key(r) != key(record)), record)


class Taxpayer(Aggregate):
    """納税義務者 (地方税法 第294条: 市町村民税の納税義務者)."""

    TOPIC = "juminzei.taxpayer.Taxpayer"

    class Event(AuditedEvent):
        pass

    class Created(Event, AuditedCreated):
        """Base of the creation events (never triggered itself)."""

        TOPIC = "juminzei.taxpayer.Created"

    class Registered(Created):
        """登録 (住民 or 住登外). ``registered_on`` opens the first residence period for residents."""

        TOPIC = "juminzei.taxpayer.Registered"
        PERSONAL_FIELDS = IDENTITY_FIELDS
        address_number: str
        name: str
        kana: str
        birth_date: date
        sex: Sex
        address: str
        address_code: str
        household_number: str
        relationship: str
        registration_kind: RegistrationKind
        registered_on: date

    class ResidentRecordChanged(Event):
        """異動 (住民基本台帳法 第22条〜第25条): move-in, move-out, 転居, 氏名変更, death."""

        TOPIC = "juminzei.taxpayer.ResidentRecordChanged"
        PERSONAL_FIELDS = ("name", "kana", "address", "relationship", "change_date")
        change: ResidenceChange
        change_date: date
        name: str
        kana: str
        address: str
        address_code: str
        household_number: str
        relationship: str

        def apply(self, aggregate: "Taxpayer") -> None:
            aggregate.name = self.name
            aggregate.kana = self.kana
            aggregate.address = self.address
            aggregate.address_code = self.address_code
            aggregate.household_number = self.household_number
            aggregate.relationship = self.relationship
            aggregate.apply_residence_change(self.change, self.change_date)

    class IndividualNumberLinked(Event):
        """個人番号の紐付け: the number went to the vault; this event holds only the fact."""

        TOPIC = "juminzei.taxpayer.IndividualNumberLinked"
        vault_version: int

        def apply(self, aggregate: "Taxpayer") -> None:
            aggregate.individual_number_linked = True

    class PublicAssistanceRecorded(Event):
        """生活保護 受給期間 (生活福祉課からの連携). 地方税法 第295条第1項第1号 (生活扶助) for 非課税."""

        TOPIC = "juminzei.taxpayer.PublicAssistanceRecorded"
        period: AssistancePeriod

        def apply(self, aggregate: "Taxpayer") -> None:
            aggregate.assistance = _superseding(
                aggregate.assistance, self.period, lambda p: (p.case_number, p.kind, p.start_date)
            )

    class DisabilityRecorded(Event):
        """障害者手帳の状況 (障害者支援課からの連携). 地方税法 第314条の2第1項第6号."""

        TOPIC = "juminzei.taxpayer.DisabilityRecorded"
        status: DisabilityStatus

        def apply(self, aggregate: "Taxpayer") -> None:
            aggregate.disabilities = _superseding(
                aggregate.disabilities, self.status, lambda s: (s.certificate, s.issued_on)
            )

    def __init__(
        self,
        address_number: str,
        name: str,
        kana: str,
        birth_date: date,
        sex: Sex,
        address: str,
        address_code: str,
        household_number: str,
        relationship: str,
        registration_kind: RegistrationKind,
        registered_on: date,
        **_metadata: Any,
    ) -> None:
        self.address_number = address_number
        self.name = name
        self.kana = kana
        self.birth_date = birth_date
        self.sex = sex
        self.address = address
        self.address_code = address_code
        self.household_number = household_number
        self.relationship = relationship
        self.registration_kind = registration_kind
        self.individual_number_linked = False
        self.deceased_on: date | None = None
        self.assistance: tuple[AssistancePeriod, ...] = ()
        self.disabilities: tuple[DisabilityStatus, ...] = ()
        self.residence: tuple[ResidencePeriod, ...] = (
            (ResidencePeriod(registered_on, None),) if registration_kind is RegistrationKind.RESIDENT else ()
        )

    # -- commands -------------------------------------------------------------------------------
    @classmethod
    def register(
        cls,
        *,
        address_number: str,
        name: str,
        kana: str,
        birth_date: date,
        sex: Sex,
        address: str,
        registration_kind: RegistrationKind,
        ctx: CommandContext,
        registered_on: date,
        address_code: str = "",
        household_number: str = "",
        relationship: str = "",
    ) -> "Taxpayer":
        """登録: validate, then create with a deterministic id."""
        validate_identity(
            address_number=address_number, name=name, kana=kana, birth_date=birth_date, address=address
        )
        return cls._create(
            cls.Registered,
            id=taxpayer_id(address_number),
            address_number=address_number,
            name=name,
            kana=kana,
            birth_date=birth_date,
            sex=sex,
            address=address,
            address_code=address_code,
            household_number=household_number,
            relationship=relationship,
            registration_kind=registration_kind,
            registered_on=registered_on,
            **ctx.event_fields(),
        )

    def change_record(
        self,
        *,
        change: ResidenceChange,
        change_date: date,
        name: str,
        kana: str,
        address: str,
        address_code: str,
        household_number: str,
        relationship: str,
        ctx: CommandContext,
    ) -> bool:
        """異動を記録する. Returns False (and records nothing) when the row repeats the current state."""
        if self.deceased_on is not None:
            raise DomainError("死亡の記録がある宛名に異動は記録できません。", code="deceased")
        if not name.strip() or not kana.strip() or not address.strip():
            raise DomainError("異動データの氏名・カナ・住所は省略できません。", code="incomplete_change")
        unchanged = (
            name == self.name
            and kana == self.kana
            and address == self.address
            and address_code == self.address_code
            and household_number == self.household_number
            and relationship == self.relationship
            and not self._residence_changes(change, change_date)
        )
        if unchanged:
            return False
        self.trigger_event(
            self.ResidentRecordChanged,
            change=change,
            change_date=change_date,
            name=name,
            kana=kana,
            address=address,
            address_code=address_code,
            household_number=household_number,
            relationship=relationship,
            **ctx.event_fields(),
        )
        return True

    def link_individual_number(self, ctx: CommandContext, vault_version: int = 1) -> bool:
        if self.individual_number_linked:
            return False
        self.trigger_event(self.IndividualNumberLinked, vault_version=vault_version, **ctx.event_fields())
        return True

    def record_public_assistance(self, period: AssistancePeriod, ctx: CommandContext) -> bool:
        if period in self.assistance:
            return False
        if period.end_date is not None and period.end_date < period.start_date:
            raise DomainError("生活保護の廃止日が開始日より前です。", code="invalid_period")
        self.trigger_event(self.PublicAssistanceRecorded, period=period, **ctx.event_fields())
        return True

    def record_disability(self, status: DisabilityStatus, ctx: CommandContext) -> bool:
        if status in self.disabilities:
            return False
        self.trigger_event(self.DisabilityRecorded, status=status, **ctx.event_fields())
        return True

    # -- residence ------------------------------------------------------------------------------
    def _residence_changes(self, change: ResidenceChange, change_date: date) -> bool:
        open_period = bool(self.residence) and self.residence[-1].end is None
        if change in (ResidenceChange.MOVE_OUT, ResidenceChange.DEATH):
            return open_period or (change is ResidenceChange.DEATH and self.deceased_on is None)
        if change is ResidenceChange.MOVE_IN:
            return not open_period
        return False

    def apply_residence_change(self, change: ResidenceChange, change_date: date) -> None:
        """Open or close residence periods (called from event ``apply``; never triggers events)."""
        periods = list(self.residence)
        open_period = bool(periods) and periods[-1].end is None
        if change in (ResidenceChange.MOVE_OUT, ResidenceChange.DEATH) and open_period:
            periods[-1] = ResidencePeriod(periods[-1].start, change_date)
        elif change is ResidenceChange.MOVE_IN and not open_period:
            periods.append(ResidencePeriod(change_date, None))
            self.registration_kind = RegistrationKind.RESIDENT
        if change is ResidenceChange.DEATH:
            self.deceased_on = change_date
        self.residence = tuple(periods)

    def resident_on(self, day: date) -> bool:
        """住所を有していたか (賦課期日判定). A move-out on ``day`` itself means not resident that day."""
        return any(p.start <= day and (p.end is None or day < p.end) for p in self.residence)

    def resident_on_levy_date(self, fiscal_year: int) -> bool:
        """1月1日 (賦課期日) of 年度 ``fiscal_year`` (地方税法 第318条)."""
        return self.resident_on(date(fiscal_year, 1, 1))

    def on_public_assistance(self, day: date) -> bool:
        """生活扶助を受けているか on ``day`` (非課税 判定, 地方税法 第295条第1項第1号)."""
        return any(p.livelihood and p.covers(day) for p in self.assistance)
