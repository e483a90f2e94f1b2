"""Shared value types for intake (課税資料・宛名の取込) records.

Pure standard-library code (DESIGN §3). Every received record ends as exactly one
:class:`ParsedRecord` or one :class:`RecordError` (DESIGN §2.4 "nothing is lost").
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RecordError:
    """A rejected physical record (取込エラー).

    ``line`` is the 1-based physical line (or, for XML, the line on which the
    record element starts); ``field`` names the item (Japanese item name);
    ``message`` is Japanese text a clerk understands. The message must never
    contain the personal value itself (no 個人番号, 氏名, 住所): it names the
    field and what is wrong with it.
    """

    line: int
    field: str
    message: str


@dataclass(frozen=True, slots=True)
class ParsedRecord(Generic[T]):
    """An accepted physical record with a stable fingerprint (重複検知用ハッシュ)."""

    line: int
    record: T
    fingerprint: str


class Sex(enum.Enum):
    """性別 (住民基本台帳法第7条第3号)."""

    M = "M"
    F = "F"


class ChangeReason(enum.Enum):
    """異動事由 of a 住民記録 row (住民基本台帳法第22条〜第25条, 戸籍の届出)."""

    EXISTING = "既存"
    MOVE_IN = "転入"
    MOVE_OUT = "転出"
    ADDRESS_CHANGE = "転居"
    NAME_CHANGE = "氏名変更"
    DEATH = "死亡"
    BIRTH = "出生"


class RegistrationKind(enum.Enum):
    """住登区分: 住民登録者 or 住登外者 (not in 住基 but taxable, e.g. 家屋敷課税,
    地方税法第294条第1項第2号)."""

    RESIDENT = "住登"
    NON_RESIDENT = "住登外"


class SubmissionKind(enum.Enum):
    """提出区分 of 法定調書 / 給与支払報告書 (0 新規, 1 追加, 2 訂正, 3 取消)."""

    NEW = "0"
    ADDITIONAL = "1"
    CORRECTION = "2"
    CANCELLATION = "3"


class DependentKind(enum.Enum):
    """Which slot of the report a family member was declared in."""

    SPOUSE = "控除対象配偶者"
    DEPENDENT = "控除対象扶養親族"
    DEPENDENT_UNDER_16 = "16歳未満の扶養親族"


class DisabilitySelf(enum.Enum):
    """本人の障害者区分 (地方税法第34条第1項第6号, 第314条の2第1項第6号)."""

    NONE = "none"
    GENERAL = "general"
    SPECIAL = "special"


class CollectionMethod(enum.Enum):
    """住民税に関する事項: 給与・公的年金等以外の所得に係る住民税の徴収方法 (KOA020 ABI00010)."""

    SPECIAL = "特別徴収"
    ORDINARY = "自分で納付"


class DonationKind(enum.Enum):
    """寄附金税額控除の区分 (地方税法第37条の2, 第314条の7)."""

    FURUSATO = "都道府県・市区町村"
    COMMUNITY_CHEST = "共同募金会・日赤"
    PREFECTURE_ORDINANCE = "都道府県条例指定"
    MUNICIPALITY_ORDINANCE = "市区町村条例指定"


class AssistanceKind(enum.Enum):
    """扶助の種類 (生活保護法第11条第1項)."""

    LIVELIHOOD = "生活扶助"
    EDUCATION = "教育扶助"
    HOUSING = "住宅扶助"
    MEDICAL = "医療扶助"
    NURSING_CARE = "介護扶助"
    MATERNITY = "出産扶助"
    OCCUPATION = "生業扶助"
    FUNERAL = "葬祭扶助"


class DisabilityCertificate(enum.Enum):
    """手帳の種類."""

    PHYSICAL = "身体障害者手帳"
    INTELLECTUAL = "愛の手帳"  # 東京都の療育手帳
    MENTAL = "精神障害者保健福祉手帳"


class DisabilityClass(enum.Enum):
    """Tax classification of a disability: none / 障害者 / 特別障害者
    (地方税法第292条第1項第10号・第11号, 地方税法施行令第7条の15の7・第46条の4)."""

    NONE = "none"
    GENERAL = "general"
    SPECIAL = "special"


@dataclass(frozen=True, slots=True)
class Dependent:
    """配偶者・扶養親族 as declared on a report.

    ``individual_number`` is the 12-digit 個人番号 (goes only to the vault);
    ``birth_date``, ``cohabiting`` and ``income`` are ``None`` where the
    layout does not carry them.
    """

    kind: DependentKind
    individual_number: str | None
    name: str
    kana: str
    non_resident: bool = False
    birth_date: date | None = None
    cohabiting: bool | None = None
    income: int | None = None
