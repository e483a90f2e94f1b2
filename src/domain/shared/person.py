"""Person attributes shared by the registry and intake (住民基本台帳法 第7条)."""

from enum import Enum


class Sex(Enum):
    """性別 (住民基本台帳法 第7条第3号)."""

    M = "M"
    F = "F"
    UNKNOWN = "U"  # 不明: e.g. a 住登外 person known only from a filing that does not state it


class RegistrationKind(Enum):
    """住登区分: 住民登録者 or 住登外者 (taxable here but registered elsewhere, e.g. 家屋敷課税,
    地方税法 第294条第1項第2号)."""

    RESIDENT = "住登"
    NON_RESIDENT = "住登外"
