"""照会許可用照合リスト: which requester × 特定個人情報 item may pass through the 中間サーバー (pure).

The 情報提供ネットワークシステム lets a 情報照会者 obtain an item from a 情報提供者 only for the (事務, item) pairs of
番号法 第19条第8号 and its 主務省令 第2条の表; the 照合リスト is that table as the 中間サーバー applies it. Only listed
pairs pass; anything else is refused and the refusal recorded (application.intermediate).

Entries here are **configuration, ours**: the real 照合リスト is distributed to 地方団体 and was not available. The
提供 entries name rows of the 主務省令 第2条の表 that the seed lists for our 地方税関係情報
(``domain.audit.provision.NETWORK_TABLE_ITEMS``); which body and 事務 each row belongs to is summarised here from
general knowledge [M] and must be checked against the published table before use. The 照会 entries are the two
exchanges issue 18 names (the 所得 of a 扶養親族 taxed elsewhere; 生活保護 status for 減免).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from domain.audit.provision import NETWORK_TABLE_ITEMS

#: What we provide: our 地方税関係情報 (the 副本 registered per person and 年度).
LOCAL_TAX_COPY = "地方税関係情報（個人住民税の課税情報）"
DEPENDANT_INCOME = "地方税関係情報（他団体で課税された所得）"
PUBLIC_ASSISTANCE = "生活保護関係情報（保護の実施状況）"
#: Our 事務 when we are the 情報照会者.
OUR_LEVY = "個人住民税の賦課（目黒区 税務課）"
OUR_REDUCTION = "個人住民税の減免（目黒区 税務課）"


class Direction(Enum):
    PROVIDE = "提供"  # another body asks for our 副本
    INQUIRE = "照会"  # we ask another body


@dataclass(frozen=True)
class MatchingEntry:
    direction: Direction
    requester: str  # 情報照会者 and its 事務
    item: str  # 特定個人情報の項目
    provider: str  # 情報提供者
    legal_basis: str


def _provide(requester: str, table_item: int) -> MatchingEntry:
    if table_item not in NETWORK_TABLE_ITEMS:
        raise ValueError(f"主務省令第2条の表 {table_item} is not among the seed's items")
    return MatchingEntry(
        Direction.PROVIDE,
        requester,
        LOCAL_TAX_COPY,
        "目黒区（個人住民税）",
        f"番号法第19条第8号 主務省令第2条の表{table_item}の項",
    )


MATCHING_LIST: tuple[MatchingEntry, ...] = (
    _provide("全国健康保険協会（健康保険の保険給付）", 1),  # [M]
    _provide("市町村長（国民健康保険の保険料・給付）", 42),  # [M]
    _provide("市町村長（介護保険の保険料・給付）", 98),  # [M]
    _provide("都道府県知事等（生活保護の決定・実施）", 37),  # [M]
    _provide("市町村長（児童手当の支給）", 81),  # [M]
    MatchingEntry(
        Direction.INQUIRE,
        OUR_LEVY,
        DEPENDANT_INCOME,
        "市町村長（個人住民税）",
        "番号法第19条第8号（地方税法による個人住民税の賦課） [M]",
    ),
    MatchingEntry(
        Direction.INQUIRE,
        OUR_REDUCTION,
        PUBLIC_ASSISTANCE,
        "都道府県知事等（生活保護の決定・実施）",
        "番号法第19条第8号（地方税法第323条による減免） [M]",
    ),
)


def find(direction: Direction, requester: str, item: str) -> MatchingEntry | None:
    """The entry letting ``requester`` obtain ``item`` in ``direction``, or None (refuse)."""
    for entry in MATCHING_LIST:
        if (entry.direction, entry.requester, entry.item) == (direction, requester, item):
            return entry
    return None


def refusal(direction: Direction, requester: str, item: str) -> str:
    return (
        f"「{requester}」による「{item}」の{direction.value}は照会許可用照合リストにありません。"
        "（照合リスト外のため拒否し、記録しました）"
    )
