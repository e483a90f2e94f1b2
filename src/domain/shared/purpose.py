"""Purposes of use (利用目的) — the closed list every command and every read declares.

番号法 第9条・別表 and the seed's 特定個人情報保護評価書 (I-5, III-3) bind each use of personal data to a
事務 (administrative task). The values are the Japanese names clerks and inspectors see; member names are
English for code.
"""

from __future__ import annotations

from domain.shared.enums import ClosedList


class Purpose(ClosedList):
    """利用目的 (closed list). Plain ``Enum`` (not ``StrEnum``) so the transcoder can type-tag it."""

    __label__ = "利用目的"

    REGISTRY = "宛名管理"
    INTAKE = "課税資料取込"
    INITIAL_LEVY = "当初賦課"
    CORRECTION = "更正"
    REDUCTION = "減免"
    CERTIFICATE = "証明書交付"
    COLLECTION = "収納"
    REFUND = "還付・充当"
    DISCLOSURE_REQUEST = "開示請求対応"
    STATISTICS = "統計作成"
    AUDIT = "監査"
    OPERATIONS = "運用"
    DEMO = "デモ"

    @property
    def uses_individual_number(self) -> bool:
        """Whether this purpose is a 個人番号利用事務 (番号法 第9条第1項・別表 16の項 地方税の賦課徴収)."""
        return self in {
            Purpose.REGISTRY,
            Purpose.INTAKE,
            Purpose.INITIAL_LEVY,
            Purpose.CORRECTION,
            Purpose.REDUCTION,
            Purpose.COLLECTION,
            Purpose.REFUND,
        }
