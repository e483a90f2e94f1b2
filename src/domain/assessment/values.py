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

    def net_components(self) -> tuple[int, int, int, int, int]:
        """(特別区民税所得割, 都民税所得割, 特別区民税均等割, 都民税均等割, 森林環境税) after 減免.

        The reduction comes off the 所得割 first, split in proportion to the two levies (remainder to
        都民税), then off the 均等割 (特別区民税 first) and last the 森林環境税 (区条例の減免は所得割から
        充てる運用; documented in docs/assessment.md). The five always sum to ``payable``.
        """
        left = min(self.reduction, self.total)
        income = self.municipal_income_levy + self.prefectural_income_levy
        from_income = min(left, income)
        municipal_cut = from_income * self.municipal_income_levy // income if income else 0
        prefectural_cut = from_income - municipal_cut
        left -= from_income
        parts = [
            self.municipal_income_levy - municipal_cut,
            self.prefectural_income_levy - prefectural_cut,
            self.municipal_per_capita,
            self.prefectural_per_capita,
            self.forest_environment_tax,
        ]
        for i in (2, 3, 4):
            cut = min(left, parts[i])
            parts[i] -= cut
            left -= cut
        return parts[0], parts[1], parts[2], parts[3], parts[4]


@dataclass(frozen=True)
class InstallmentLine:
    """One 期別 as levied: label, due date (None when withheld), amount, method, and for 特別徴収 the
    義務者 (指定番号) who pays it."""

    label: str
    due_date: date | None
    amount: int
    method: CollectionMethod
    payer: str | None = None
