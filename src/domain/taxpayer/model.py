"""Taxpayer aggregate (納税義務者): one per person, keyed by 宛名番号.

Seed: 特定個人情報保護評価書 別添1 flow ①–② (住民記録 → 宛名 → 個人住民税システム), II-3 (記録項目).
Personal fields (氏名, カナ, 生年月日, 住所) are declared per event and stored encrypted under the
taxpayer's identity key (DESIGN §6). The My Number is never held here (see the vault, DESIGN §6).
"""

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.shared.events import AuditedCreated, AuditedEvent, CommandContext, DomainError
from domain.shared.ids import deterministic_id
from domain.shared.person import RegistrationKind, Sex

IDENTITY_FIELDS = ("name", "kana", "birth_date", "address")


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


class Taxpayer(Aggregate):
    """納税義務者 (地方税法 第294条: 市町村民税の納税義務者)."""

    TOPIC = "juminzei.taxpayer.Taxpayer"

    class Event(AuditedEvent):
        pass

    class Created(Event, AuditedCreated):
        """Base of the creation events (never triggered itself)."""

        TOPIC = "juminzei.taxpayer.Created"

    class Registered(Created):
        """登録 (住民 or 住登外)."""

        TOPIC = "juminzei.taxpayer.Registered"
        PERSONAL_FIELDS = IDENTITY_FIELDS
        address_number: str
        name: str
        kana: str
        birth_date: date
        sex: Sex
        address: str
        registration_kind: RegistrationKind

    class AddressChanged(Event):
        """住所変更 (転居)."""

        TOPIC = "juminzei.taxpayer.AddressChanged"
        PERSONAL_FIELDS = ("address",)
        address: str
        effective_date: date

        def apply(self, aggregate: "Taxpayer") -> None:
            aggregate.address = self.address

    def __init__(
        self,
        address_number: str,
        name: str,
        kana: str,
        birth_date: date,
        sex: Sex,
        address: str,
        registration_kind: RegistrationKind,
        **_metadata: Any,
    ) -> None:
        self.address_number = address_number
        self.name = name
        self.kana = kana
        self.birth_date = birth_date
        self.sex = sex
        self.address = address
        self.registration_kind = registration_kind

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
            registration_kind=registration_kind,
            **ctx.event_fields(),
        )

    def change_address(self, address: str, effective_date: date, ctx: CommandContext) -> None:
        """転居: record the new address from ``effective_date``."""
        if not address.strip():
            raise DomainError("住所が空です。", code="missing_address")
        if address == self.address:
            return
        self.trigger_event(
            self.AddressChanged, address=address, effective_date=effective_date, **ctx.event_fields()
        )
