"""Value objects of the taxpayer registry (住民記録・他課連携)."""

from dataclasses import dataclass
from datetime import date
from enum import Enum


class ResidenceChange(Enum):
    """異動の種類 (住民基本台帳法 第22条〜第25条, 戸籍法の届出)."""

    EXISTING = "既存"
    BIRTH = "出生"
    MOVE_IN = "転入"
    MOVE_OUT = "転出"
    ADDRESS_CHANGE = "転居"
    NAME_CHANGE = "氏名変更"
    DEATH = "死亡"


@dataclass(frozen=True)
class ResidencePeriod:
    """住民であった期間 [start, end). ``end`` None = still resident."""

    start: date
    end: date | None


@dataclass(frozen=True)
class AssistancePeriod:
    """生活保護の扶助期間 (生活保護法 第11条). ``livelihood`` = 生活扶助を含む."""

    case_number: str
    kind: str
    livelihood: bool
    start_date: date
    end_date: date | None

    def covers(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


@dataclass(frozen=True)
class DisabilityStatus:
    """障害者手帳の状況: 手帳, 等級, tax class (none/general/special), issued/returned dates."""

    certificate: str
    grade: str
    tax_class: str
    issued_on: date
    returned_on: date | None

    def valid_on(self, day: date) -> bool:
        return self.issued_on <= day and (self.returned_on is None or day < self.returned_on)
