"""Provision and transfer of 地方税関係情報 (提供・移転) — only along an allowlist (番号法 第19条, 第9条第2項).

Seed: 特定個人情報保護評価書 II-5 (提供先1〜4, 移転先 別表2) and III-5 (提供・移転の記録). Every provision or
internal transfer is a ``DisclosureRecord`` carrying what 番号法 第23条 requires (both parties, the times
it was requested and provided, the items) plus legal basis, requester, approver, terminal, subjects and a
disclosure class. Anything not on the allowlist is refused with the reason, and the refusal is recorded.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.audit.policy import PolicyDecision
from domain.shared.events import AuditedCreated, AuditedEvent, CommandContext
from domain.shared.ids import deterministic_id

LOCAL_TAX_INFO = "地方税関係情報"
#: 番号法第19条第8号に基づく主務省令第2条の表: the items the seed lists as 情報提供の根拠.
NETWORK_TABLE_ITEMS = (
    1,
    2,
    3,
    4,
    5,
    7,
    13,
    28,
    37,
    39,
    42,
    48,
    49,
    57,
    58,
    59,
    63,
    65,
    66,
    69,
    73,
    75,
    81,
    83,
    84,
    86,
    87,
    88,
    89,
    90,
    91,
    92,
    96,
    98,
    106,
    108,
    115,
    124,
    125,
    129,
    130,
    132,
    137,
    138,
    140,
    141,
    142,
    147,
    151,
    152,
    156,
    158,
    160,
    161,
    163,
    164,
    165,
    166,
    167,
    168,
    169,
    170,
    171,
    172,
    173,
)
TRANSFER_BASIS = "番号法第9条第2項・区個人番号利用条例（庁内移転）"
#: 別表2 移転先 (departments that depend on 地方税関係情報).
TRANSFER_DEPARTMENTS = (
    "国保年金課",
    "介護保険課",
    "保育課",
    "子育て支援課",
    "障害福祉課",
    "生活福祉課",
    "保健予防課",
)


class ProvisionKind(Enum):
    PROVISION = "提供"
    TRANSFER = "移転"
    INQUIRY = "照会"  # 情報照会 through the 中間サーバー (we obtain; application.intermediate)


class DisclosureClass(Enum):
    """開示区分 of a provision record towards the resident (番号法 第23条, 情報提供等記録の開示)."""

    DISCLOSED = "公開"
    WITHHELD = "不開示"


@dataclass(frozen=True)
class ProvisionRule:
    kind: ProvisionKind
    recipient: str
    legal_basis: str
    items: frozenset[str]
    channel: str


def _network_rules() -> tuple[ProvisionRule, ...]:
    return tuple(
        ProvisionRule(
            ProvisionKind.PROVISION,
            "情報提供ネットワークシステム",
            f"番号法第19条第8号 主務省令第2条の表{n}の項",
            frozenset({LOCAL_TAX_INFO}),
            "情報提供ネットワークシステム",
        )
        for n in NETWORK_TABLE_ITEMS
    )


ALLOWLIST: tuple[ProvisionRule, ...] = (
    *_network_rules(),
    ProvisionRule(
        ProvisionKind.PROVISION,
        "給与特別徴収義務者",
        "番号法第19条第1号",
        frozenset({"給与特別徴収税額"}),
        "eLTAX・紙",
    ),
    ProvisionRule(
        ProvisionKind.PROVISION, "日本年金機構", "番号法第19条第1号", frozenset({"年金特別徴収税額"}), "eLTAX"
    ),
    ProvisionRule(
        ProvisionKind.PROVISION, "国税庁長官", "番号法第19条第9号", frozenset({"扶養控除関係情報"}), "専用線"
    ),
    *(
        ProvisionRule(
            ProvisionKind.TRANSFER, dept, TRANSFER_BASIS, frozenset({LOCAL_TAX_INFO}), "庁内連携システム"
        )
        for dept in TRANSFER_DEPARTMENTS
    ),
)


def check_provision(
    *, kind: ProvisionKind, recipient: str, legal_basis: str, items: tuple[str, ...]
) -> PolicyDecision:
    """Allowed only if one rule names this recipient, this basis and every item (deny by default)."""
    if not items:
        return PolicyDecision(False, "提供する項目が指定されていません。")
    for rule in ALLOWLIST:
        if rule.kind is kind and rule.recipient == recipient and rule.legal_basis == legal_basis:
            extra = [i for i in items if i not in rule.items and LOCAL_TAX_INFO not in rule.items]
            if extra:
                return PolicyDecision(
                    False, f"提供先「{recipient}」には項目「{'・'.join(extra)}」を提供できません。"
                )
            return PolicyDecision(True, f"{legal_basis} に基づく{kind.value}")
    return PolicyDecision(
        False,
        f"「{recipient}」への{kind.value}は、根拠「{legal_basis}」では許可されていません（提供先リストにありません）。",
    )


def disclosure_record_id(key: str) -> UUID:
    return deterministic_id("disclosure-record", key)


class DisclosureRecord(Aggregate):
    """提供・移転の記録 (番号法 第23条; 中間サーバーの情報提供等記録に相当)."""

    TOPIC = "juminzei.audit.DisclosureRecord"

    class Event(AuditedEvent):
        pass

    class Created(Event, AuditedCreated):
        TOPIC = "juminzei.audit.DisclosureRecord.Created"

    class Provided(Created):
        TOPIC = "juminzei.audit.Provided"
        kind: ProvisionKind
        provider: str
        recipient: str
        legal_basis: str
        items: tuple[str, ...]
        subject_ids: tuple[UUID, ...]
        requested_at: datetime
        provided_at: datetime
        requester: str
        approver: str | None
        terminal: str | None
        disclosure_class: DisclosureClass
        disclosure_basis: str | None

    class Refused(Created):
        TOPIC = "juminzei.audit.ProvisionRefused"
        kind: ProvisionKind
        recipient: str
        legal_basis: str
        items: tuple[str, ...]
        subject_ids: tuple[UUID, ...]
        reason: str
        terminal: str | None

    def __init__(
        self,
        kind: ProvisionKind,
        recipient: str,
        legal_basis: str,
        items: tuple[str, ...],
        subject_ids: tuple[UUID, ...],
        terminal: str | None,
        provider: str | None = None,
        requested_at: datetime | None = None,
        provided_at: datetime | None = None,
        requester: str | None = None,
        approver: str | None = None,
        disclosure_class: DisclosureClass | None = None,
        disclosure_basis: str | None = None,
        reason: str | None = None,
        **_: Any,
    ) -> None:
        self.kind = kind
        self.recipient = recipient
        self.legal_basis = legal_basis
        self.items = items
        self.subject_ids = subject_ids
        self.terminal = terminal
        self.provider = provider
        self.requested_at = requested_at
        self.provided_at = provided_at
        self.requester = requester
        self.approver = approver
        self.disclosure_class = disclosure_class
        self.disclosure_basis = disclosure_basis
        #: Set only on a refusal (the reason it was refused).
        self.reason = reason

    @classmethod
    def provided(
        cls,
        *,
        key: str,
        kind: ProvisionKind,
        provider: str,
        recipient: str,
        legal_basis: str,
        items: tuple[str, ...],
        subject_ids: tuple[UUID, ...],
        requested_at: datetime,
        provided_at: datetime,
        approver: str | None,
        disclosure_class: DisclosureClass,
        disclosure_basis: str | None,
        ctx: CommandContext,
    ) -> "DisclosureRecord":
        return cls._create(
            cls.Provided,
            id=disclosure_record_id(key),
            kind=kind,
            provider=provider,
            recipient=recipient,
            legal_basis=legal_basis,
            items=items,
            subject_ids=subject_ids,
            requested_at=requested_at,
            provided_at=provided_at,
            requester=ctx.actor,
            approver=approver,
            terminal=ctx.terminal,
            disclosure_class=disclosure_class,
            disclosure_basis=disclosure_basis,
            **ctx.event_fields(),
        )

    @classmethod
    def refused(
        cls,
        *,
        key: str,
        kind: ProvisionKind,
        recipient: str,
        legal_basis: str,
        items: tuple[str, ...],
        subject_ids: tuple[UUID, ...],
        reason: str,
        ctx: CommandContext,
    ) -> "DisclosureRecord":
        return cls._create(
            cls.Refused,
            id=disclosure_record_id(f"refused:{key}"),
            kind=kind,
            recipient=recipient,
            legal_basis=legal_basis,
            items=items,
            subject_ids=subject_ids,
            reason=reason,
            terminal=ctx.terminal,
            **ctx.event_fields(),
        )
