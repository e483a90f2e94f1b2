"""Value objects of the assessment (賦課)."""

from dataclasses import dataclass
from datetime import date
from enum import Enum

from domain.taxrules.model import TaxComputation


class CollectionMethod(Enum):
    """徴収方法 (地方税法 第319条 普通徴収, 第321条の3 給与特別徴収, 第321条の7の2 年金特別徴収)."""

    ORDINARY = "普通徴収"
    SALARY = "給与特別徴収"
    PENSION = "年金特別徴収"


class AssessmentStatus(Enum):
    LEVIED = "課税"
    NON_TAXABLE = "非課税"
    CANCELLED = "取消"


@dataclass(frozen=True)
class LevyAmounts:
    """The headline amounts, stored in clear for the 課税台帳 and statistics (no personal data)."""

    municipal_income_levy: int
    prefectural_income_levy: int
    municipal_per_capita: int
    prefectural_per_capita: int
    forest_environment_tax: int
    total: int
    total_income: int
    taxable_income: int
    reduction: int = 0

    @classmethod
    def from_computation(cls, computation: TaxComputation, reduction: int = 0) -> "LevyAmounts":
        return cls(
            municipal_income_levy=computation.municipal.income_levy,
            prefectural_income_levy=computation.prefectural.income_levy,
            municipal_per_capita=computation.municipal.per_capita_levy,
            prefectural_per_capita=computation.prefectural.per_capita_levy,
            forest_environment_tax=computation.forest_environment_tax,
            total=computation.total,
            total_income=computation.income.total_income,
            taxable_income=computation.taxable_income,
            reduction=reduction,
        )

    @property
    def payable(self) -> int:
        """The amount to collect: total less any 減免."""
        return self.total - self.reduction


@dataclass(frozen=True)
class InstallmentLine:
    """One 期別 as levied: label, due date (None when withheld), amount, method, and for 特別徴収 the
    義務者 (指定番号) who pays it."""

    label: str
    due_date: date | None
    amount: int
    method: CollectionMethod
    payer: str | None = None
