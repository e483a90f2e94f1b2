"""市町村税課税状況等の調 (課税状況調) for 個人住民税, computed from 課税台帳 rows — pure, stdlib only.

The lead's read model feeds one :class:`SurveyRow` per assessment (taxpayer × 年度; cancelled
assessments are never passed). The functions here build the survey tables in yen and never read the
clock, the store or the environment. See docs/reporting.md and ADR 0011.

Sources (shared/reference/standard-spec.md §b, "what can be confirmed"):

* 第2表 個人の市町村民税の納税義務者等に関する調: rows 所得者区分 (給与所得者, 営業等所得者, 農業所得者,
  その他の所得者, 家屋敷等のみ, 計); columns 納税義務者数, 均等割と所得割を納める者 (prefectural versions
  also 所得割のみ), 所得割額 (千円), 均等割のみを納める者.
* 第11表 課税標準額段階別所得割額等に関する調 (合計): one row each for 市町村民税 and 道府県民税
  (here 特別区民税 and 都民税); 所得割の納税義務者数, 総所得金額等 (ア), 分離長期/短期譲渡, 一般株式等譲渡,
  上場株式等譲渡, 上場株式等配当, 先物取引雑所得 (イ–キ), 課税対象所得 (ア–キ計), 課税標準額, 所得割額
  (税額控除・減免後).
* 東京都 特別区課税状況 第9表: 12 課税標準額 bands (10万円以下 … 5,000万円超1億円以下, 1億円超) ×
  納税義務者数 / 課税標準額. Intermediate edges: see :data:`BANDS`.
* 寄附金税額控除 items (ふるさと納税現況調査 調査票B: "例年「市町村税課税状況等の調」において回答"): persons,
  寄附金額, 控除額, ワンストップ特例 (申告特例控除) share.
* Persons are those domiciled on 1 January; non-taxable persons are not counted.

Money is integer yen throughout; :func:`thousand_yen` converts a *cell total* to 千円 for presentation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Final, Generic, Protocol, TypeVar

# --- the row the 課税台帳 read model feeds us ---------------------------------------------------------

TAXABLE: Final = "課税"
NON_TAXABLE: Final = "非課税"
STATUSES: Final = (TAXABLE, NON_TAXABLE)

MUNICIPAL: Final = "特別区民税"
PREFECTURAL: Final = "都民税"
TAXES: Final = (MUNICIPAL, PREFECTURAL)


class _TaxAmounts(Protocol):
    @property
    def municipal_income_levy(self) -> int: ...
    @property
    def prefectural_income_levy(self) -> int: ...
    @property
    def municipal_per_capita(self) -> int: ...
    @property
    def prefectural_per_capita(self) -> int: ...
    @property
    def forest_environment_tax(self) -> int: ...


def _total_tax(amounts: _TaxAmounts) -> int:
    """所得割 + 均等割 of both taxes + 森林環境税."""
    return (
        amounts.municipal_income_levy
        + amounts.prefectural_income_levy
        + amounts.municipal_per_capita
        + amounts.prefectural_per_capita
        + amounts.forest_environment_tax
    )


@dataclass(frozen=True)
class SurveyRow:
    """One assessment (賦課: taxpayer × 年度) as the 課税台帳 read model holds it. Integer yen."""

    fiscal_year: int
    status: str  # "課税" | "非課税"  (cancelled assessments are never passed)
    non_resident: bool  # 家屋敷課税 (住所なし, 均等割のみ)
    salary_income: int  # 給与所得 (after 給与所得控除 and 所得金額調整控除)
    business_income: int  # 営業等所得 (事業所得)
    agricultural_income: int  # 農業所得 (0 when unknown)
    pension_income: int  # 公的年金等に係る雑所得
    other_income: int  # その他の総合所得 (不動産, 配当, 雑, 譲渡・一時の1/2 …)
    total_income: int  # 総所得金額等
    separate_long_term_gains: int
    separate_short_term_gains: int
    general_stock_gains: int
    listed_stock_gains: int
    listed_stock_dividends: int
    futures_misc: int  # 分離 (0 when none)
    taxable_income: int  # 課税総所得金額 (総合, 1,000円未満切捨て)
    separate_taxable_income: int
    municipal_income_levy: int  # 特別区民税 所得割 (after credits, after 減免)
    prefectural_income_levy: int
    municipal_per_capita: int
    prefectural_per_capita: int
    forest_environment_tax: int
    reduction: int  # 減免額 (already deducted above)
    donation_amount: int  # 寄附金 (ふるさと + other eligible)
    municipal_donation_credit: int
    prefectural_donation_credit: int
    one_stop: bool  # 申告特例 (ワンストップ)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be 課税 or 非課税, got {self.status!r}")
        for name in _NON_NEGATIVE:
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")

    @property
    def taxable_standard(self) -> int:
        """課税標準額 = 課税総所得金額 + 分離課税の課税所得 (第11表, 第9表)."""
        return self.taxable_income + self.separate_taxable_income

    @property
    def taxable_base_income(self) -> int:
        """課税対象所得 = 総所得金額等 (ア) + 分離所得 (イ–キ) — 第11表 "ア～キの計"."""
        return self.total_income + self.separate_income

    @property
    def separate_income(self) -> int:
        """Σ 分離 income (第11表 イ–キ)."""
        return (
            self.separate_long_term_gains
            + self.separate_short_term_gains
            + self.general_stock_gains
            + self.listed_stock_gains
            + self.listed_stock_dividends
            + self.futures_misc
        )

    @property
    def total_tax(self) -> int:
        """所得割 + 均等割 (both taxes) + 森林環境税 — what the 課税台帳 levies on this row."""
        return _total_tax(self)


_NON_NEGATIVE: Final = (
    "municipal_income_levy",
    "prefectural_income_levy",
    "municipal_per_capita",
    "prefectural_per_capita",
    "forest_environment_tax",
    "reduction",
    "donation_amount",
    "municipal_donation_credit",
    "prefectural_donation_credit",
    "taxable_income",
    "separate_taxable_income",
)

#: 第11表 columns イ–キ, in the official order.
SEPARATE_FIELDS: Final = (
    "separate_long_term_gains",
    "separate_short_term_gains",
    "general_stock_gains",
    "listed_stock_gains",
    "listed_stock_dividends",
    "futures_misc",
)

#: Integer (yen) fields of SurveyRow, usable as EUC measures.
AMOUNT_FIELDS: Final = tuple(f.name for f in fields(SurveyRow) if f.type == "int" and f.name != "fiscal_year")
ROW_FIELDS: Final = tuple(f.name for f in fields(SurveyRow))


# --- 所得者区分 -----------------------------------------------------------------------------------------

SALARY: Final = "給与所得者"
BUSINESS: Final = "営業等所得者"
AGRICULTURE: Final = "農業所得者"
OTHER: Final = "その他の所得者"
PREMISES_ONLY: Final = "家屋敷等のみ"
#: 第2表 row order (standard-spec.md §b).
INCOME_CLASSES: Final = (SALARY, BUSINESS, AGRICULTURE, OTHER, PREMISES_ONLY)


def classify(row: SurveyRow) -> str:
    """所得者区分 of 第2表.

    Rule applied (the 記入要領 itself was not found — standard-spec.md §e; see docs/reporting.md):

    1. ``non_resident`` (家屋敷課税: no 住所, 均等割 only) → 家屋敷等のみ.
    2. Otherwise the person is classed by the *largest* ("主たる") of four income amounts:
       給与所得 (``salary_income``), 営業等所得 (``business_income``), 農業所得
       (``agricultural_income``), and その他 = 公的年金等に係る雑所得 + その他の総合所得 + all 分離 income
       (``pension_income + other_income + Σ 分離``).
    3. Ties go to the earlier class in the official column order 給与 → 営業等 → 農業 → その他.
    4. A person with no positive income of any kind is その他の所得者.
    """
    if row.non_resident:
        return PREMISES_ONLY
    other = row.pension_income + row.other_income + row.separate_income
    candidates = (
        (row.salary_income, SALARY),
        (row.business_income, BUSINESS),
        (row.agricultural_income, AGRICULTURE),
        (other, OTHER),
    )
    best_amount, best_class = 0, OTHER
    for amount, income_class in candidates:
        if amount > best_amount:
            best_amount, best_class = amount, income_class
    return best_class


# --- 課税標準額段階 (Tokyo 第9表) ---------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    """One 課税標準額 band: ``lower < 課税標準額 <= upper`` ("…超…以下"); open ends are ``None``."""

    index: int
    label: str
    lower: int | None
    upper: int | None

    def contains(self, amount: int) -> bool:
        return (self.lower is None or amount > self.lower) and (self.upper is None or amount <= self.upper)


_MAN: Final = 10_000
#: The 12 bands of 東京都 特別区課税状況 第9表 (課税標準額段階別所得割額等に関する調（小計）).
#: Bands 1 (10万円以下), 11 (5,000万円超1億円以下) and 12 (1億円超) and the count of 12 are confirmed
#: (standard-spec.md §b; a public parser of the R6 第9表 reads "11段階（10万円以下～5,000万円超1億円以下）"
#: on sheet 表09 plus the 12th "1億円を超える金額" on 表09 (2)). Edges 10万/100万/200万/300万/400万/550万/
#: 700万/1,000万 are those of the national 課税状況調 課税標準額段階 [domain knowledge, not in the notes];
#: the split of 1,000万超5,000万以下 at 2,000万 is an ASSUMPTION (only "two bands there" is implied by
#: the count). Change this one constant when the 第9表 layout is checked.
BANDS: Final = (
    Band(1, "10万円以下", None, 10 * _MAN),
    Band(2, "10万円超100万円以下", 10 * _MAN, 100 * _MAN),
    Band(3, "100万円超200万円以下", 100 * _MAN, 200 * _MAN),
    Band(4, "200万円超300万円以下", 200 * _MAN, 300 * _MAN),
    Band(5, "300万円超400万円以下", 300 * _MAN, 400 * _MAN),
    Band(6, "400万円超550万円以下", 400 * _MAN, 550 * _MAN),
    Band(7, "550万円超700万円以下", 550 * _MAN, 700 * _MAN),
    Band(8, "700万円超1,000万円以下", 700 * _MAN, 1_000 * _MAN),
    Band(9, "1,000万円超2,000万円以下", 1_000 * _MAN, 2_000 * _MAN),
    Band(10, "2,000万円超5,000万円以下", 2_000 * _MAN, 5_000 * _MAN),
    Band(11, "5,000万円超1億円以下", 5_000 * _MAN, 10_000 * _MAN),
    Band(12, "1億円超", 10_000 * _MAN, None),
)


def band_of(taxable_standard: int) -> Band:
    """The 第9表 band of a 課税標準額 (yen). Upper edges are inclusive (…以下)."""
    for band in BANDS:
        if band.contains(taxable_standard):
            return band
    raise AssertionError("bands cover every integer")  # pragma: no cover


# --- presentation helper ---------------------------------------------------------------------------


def thousand_yen(yen: int) -> int:
    """Yen → 千円 for a table cell: 千円未満四捨五入 (half away from zero), applied to the cell's yen total.

    Each cell (including 計) is rounded from its own exact yen sum, never summed from rounded cells, so
    a displayed 計 may differ from the sum of displayed rows by rounding. The survey's own rounding rule
    is not in the notes (standard-spec.md §e: 記入要領 not found); see ADR 0011.
    """
    if yen < 0:
        return -thousand_yen(-yen)
    return (yen + 500) // 1000


def _levy(row: SurveyRow, tax: str) -> tuple[int, int]:
    """(所得割, 均等割) of one tax."""
    if tax == MUNICIPAL:
        return row.municipal_income_levy, row.municipal_per_capita
    return row.prefectural_income_levy, row.prefectural_per_capita


def _taxable(rows: Iterable[SurveyRow]) -> list[SurveyRow]:
    """Only 課税 rows are counted: non-taxable persons are not in the survey (standard-spec.md §b)."""
    return [row for row in rows if row.status == TAXABLE]


# --- 第2表 -------------------------------------------------------------------------------------------


T = TypeVar("T")


@dataclass(frozen=True)
class PerTax(Generic[T]):
    """A table with one part per tax: 特別区民税 (``municipal``) and 都民税 (``prefectural``)."""

    fiscal_year: int
    municipal: T
    prefectural: T

    @property
    def parts(self) -> tuple[T, T]:
        return (self.municipal, self.prefectural)


def _per_tax(
    rows: Iterable[SurveyRow], fiscal_year: int | None, part: Callable[[Sequence[SurveyRow], str], T]
) -> tuple[int, T, T]:
    """(年度, the municipal part, the prefectural part) of the 課税 rows."""
    taxable, year = _prepare(rows, fiscal_year)
    return year, part(taxable, MUNICIPAL), part(taxable, PREFECTURAL)


@dataclass(frozen=True)
class Table2Row:
    """One 所得者区分 row (or 計) of 第2表 for one tax. Persons, yen."""

    income_class: str
    taxpayers: int  # 納税義務者数 = both + income_only + per_capita_only
    both: int  # 均等割と所得割を納める者
    income_only: int  # 所得割のみを納める者 (shown in prefectural versions)
    per_capita_only: int  # 均等割のみを納める者
    income_levy: int  # 所得割額 (yen; shown in 千円)
    per_capita_levy: int  # 均等割額 (yen; not an official column, kept for reconciliation)


@dataclass(frozen=True)
class Table2Section:
    """第2表 for one tax: the five 所得者区分 rows in official order, and 計."""

    tax: str
    rows: tuple[Table2Row, ...]
    total: Table2Row
    #: 課税 rows with neither 所得割 nor 均等割 of this tax (e.g. fully 減免): not 納税義務者 in the table.
    no_levy_persons: int


@dataclass(frozen=True)
class Table2(PerTax[Table2Section]):
    """第2表 個人の特別区民税・都民税の納税義務者等に関する調."""


def _table2_section(rows: Sequence[SurveyRow], tax: str) -> Table2Section:
    counts = {c: [0, 0, 0, 0, 0] for c in INCOME_CLASSES}  # both, income_only, pc_only, levy, pc_levy
    no_levy = 0
    for row in rows:
        income_levy, per_capita = _levy(row, tax)
        cell = counts[classify(row)]
        if income_levy > 0 and per_capita > 0:
            cell[0] += 1
        elif income_levy > 0:
            cell[1] += 1
        elif per_capita > 0:
            cell[2] += 1
        else:
            no_levy += 1
        cell[3] += income_levy
        cell[4] += per_capita

    def make(name: str, both: int, income_only: int, pc_only: int, levy: int, pc_levy: int) -> Table2Row:
        return Table2Row(name, both + income_only + pc_only, both, income_only, pc_only, levy, pc_levy)

    table_rows = tuple(make(c, *counts[c]) for c in INCOME_CLASSES)
    total = make("計", *(sum(counts[c][i] for c in INCOME_CLASSES) for i in range(5)))
    return Table2Section(tax, table_rows, total, no_levy)


def table2(rows: Iterable[SurveyRow], *, fiscal_year: int | None = None) -> Table2:
    """第2表: 納税義務者数 by 所得者区分, split 均等割と所得割 / 所得割のみ / 均等割のみ, and 所得割額.

    Counted per tax from the 課税 rows: "所得割を納める" means 所得割 after credits and 減免 > 0,
    "均等割を納める" means 均等割 > 0 (standard-spec.md §b, 第2表).
    """
    return Table2(*_per_tax(rows, fiscal_year, _table2_section))


# --- 第11表 ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table11Row:
    """第11表 (合計) for one tax, over its 所得割 taxpayers. Persons, yen (shown in 千円)."""

    tax: str
    income_levy_taxpayers: int  # 所得割の納税義務者数
    total_income: int  # 総所得金額等 (ア)
    separate_long_term_gains: int  # 分離長期譲渡所得金額に係る所得金額 (イ)
    separate_short_term_gains: int  # 分離短期譲渡所得金額に係る所得金額 (ウ)
    general_stock_gains: int  # 一般株式等に係る譲渡所得金額 (エ)
    listed_stock_gains: int  # 上場株式等に係る譲渡所得金額 (オ)
    listed_stock_dividends: int  # 上場株式等に係る配当所得金額 (カ)
    futures_misc: int  # 先物取引に係る雑所得金額 (キ)
    taxable_base_income: int  # 課税対象所得 (ア～キの計)
    taxable_standard: int  # 課税標準額 = 課税総所得金額 + 分離課税の課税所得
    income_levy: int  # 所得割額 (税額控除・減免後)


@dataclass(frozen=True)
class Table11(PerTax[Table11Row]):
    """第11表 課税標準額段階別所得割額等に関する調 (合計): 特別区民税 and 都民税 rows."""


def _table11_row(rows: Sequence[SurveyRow], tax: str) -> Table11Row:
    payers = [row for row in rows if _levy(row, tax)[0] > 0]
    return Table11Row(
        tax=tax,
        income_levy_taxpayers=len(payers),
        total_income=sum(r.total_income for r in payers),
        separate_long_term_gains=sum(r.separate_long_term_gains for r in payers),
        separate_short_term_gains=sum(r.separate_short_term_gains for r in payers),
        general_stock_gains=sum(r.general_stock_gains for r in payers),
        listed_stock_gains=sum(r.listed_stock_gains for r in payers),
        listed_stock_dividends=sum(r.listed_stock_dividends for r in payers),
        futures_misc=sum(r.futures_misc for r in payers),
        taxable_base_income=sum(r.taxable_base_income for r in payers),
        taxable_standard=sum(r.taxable_standard for r in payers),
        income_levy=sum(_levy(r, tax)[0] for r in payers),
    )


def table11(rows: Iterable[SurveyRow], *, fiscal_year: int | None = None) -> Table11:
    """第11表 (合計): per tax, over the persons whose 所得割 (after credits and 減免) of that tax is > 0.

    課税対象所得 = ア + イ…キ; 課税標準額 = ``taxable_income + separate_taxable_income``.
    """
    return Table11(*_per_tax(rows, fiscal_year, _table11_row))


# --- 第9表 (Tokyo) 課税標準額段階別 ---------------------------------------------------------------------


@dataclass(frozen=True)
class BandRow:
    """One band (or 計) of the 12-band table: 特別区民税 所得割 taxpayers, their 課税標準額 and 所得割額."""

    label: str
    lower: int | None
    upper: int | None
    taxpayers: int  # 納税義務者数 (所得割)
    taxable_standard: int  # 課税標準額 (yen)
    income_levy: int  # 所得割額 (特別区民税, yen)


@dataclass(frozen=True)
class BandTable:
    """東京都 特別区課税状況 第9表 課税標準額段階別所得割額等に関する調 (特別区民税)."""

    fiscal_year: int
    rows: tuple[BandRow, ...]
    total: BandRow


def band_table(rows: Iterable[SurveyRow], *, fiscal_year: int | None = None) -> BandTable:
    """12 bands (:data:`BANDS`) of 課税標準額 over 特別区民税 所得割 taxpayers (所得割 > 0).

    Its 計 equals the 第11表 特別区民税 row in persons, 課税標準額 and 所得割額.
    """
    taxable, year = _prepare(rows, fiscal_year)
    acc = {band.index: [0, 0, 0] for band in BANDS}
    for row in taxable:
        if row.municipal_income_levy <= 0:
            continue
        cell = acc[band_of(row.taxable_standard).index]
        cell[0] += 1
        cell[1] += row.taxable_standard
        cell[2] += row.municipal_income_levy
    band_rows = tuple(BandRow(b.label, b.lower, b.upper, *acc[b.index]) for b in BANDS)
    total = BandRow(
        "計",
        None,
        None,
        sum(r.taxpayers for r in band_rows),
        sum(r.taxable_standard for r in band_rows),
        sum(r.income_levy for r in band_rows),
    )
    return BandTable(year, band_rows, total)


# --- 寄附金税額控除 ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DonationRow:
    """寄附金税額控除 for one tax: persons with a credit > 0, their 寄附金, the credit, ワンストップ share."""

    tax: str
    persons: int  # 寄附金税額控除の適用を受けた納税義務者数
    donation_amount: int  # 寄附金額 (those persons)
    credit: int  # 寄附金税額控除額 (基本分 + 特例分 + 申告特例分)
    one_stop_persons: int  # うち 申告特例 (ワンストップ) 適用者
    one_stop_donation_amount: int
    one_stop_credit: int


@dataclass(frozen=True)
class DonationTable(PerTax[DonationRow]):
    """寄附金税額控除に関する調 (課税状況調 items; ふるさと納税現況調査 調査票B)."""


def _donation_row(rows: Sequence[SurveyRow], tax: str) -> DonationRow:
    def credit(row: SurveyRow) -> int:
        return row.municipal_donation_credit if tax == MUNICIPAL else row.prefectural_donation_credit

    users = [row for row in rows if credit(row) > 0]
    one_stop = [row for row in users if row.one_stop]
    return DonationRow(
        tax=tax,
        persons=len(users),
        donation_amount=sum(r.donation_amount for r in users),
        credit=sum(credit(r) for r in users),
        one_stop_persons=len(one_stop),
        one_stop_donation_amount=sum(r.donation_amount for r in one_stop),
        one_stop_credit=sum(credit(r) for r in one_stop),
    )


def donation_table(rows: Iterable[SurveyRow], *, fiscal_year: int | None = None) -> DonationTable:
    """寄附金税額控除: per tax, 課税 persons whose 寄附金税額控除 of that tax is > 0.

    The row does not split ふるさと納税 from other eligible 寄附金, nor the 申告特例控除 component of the
    credit; the ワンストップ share is therefore "persons with 申告特例 and their whole credit".
    """
    return DonationTable(*_per_tax(rows, fiscal_year, _donation_row))


# --- reconciliation and the bundle ---------------------------------------------------------------


@dataclass(frozen=True)
class LedgerTotals:
    """Totals computed independently from the 課税台帳 (by the caller), to reconcile the survey with."""

    taxable_persons: int
    municipal_income_levy: int
    prefectural_income_levy: int
    municipal_per_capita: int
    prefectural_per_capita: int
    forest_environment_tax: int

    @property
    def total_tax(self) -> int:
        return _total_tax(self)


@dataclass(frozen=True)
class Check:
    """One reconciliation identity: what a table shows vs what the rows (or the ledger) sum to."""

    name: str
    table_value: int
    expected: int

    @property
    def ok(self) -> bool:
        return self.table_value == self.expected


@dataclass(frozen=True)
class Reconciliation:
    """Row totals over the 課税 rows (yen) and the identities every table must satisfy against them."""

    assessments: int  # rows passed (課税 + 非課税)
    taxable_persons: int  # 課税 rows
    non_taxable_persons: int
    municipal_income_levy: int
    prefectural_income_levy: int
    municipal_per_capita: int
    prefectural_per_capita: int
    forest_environment_tax: int
    reduction: int  # 減免額 (already deducted from the amounts above)
    checks: tuple[Check, ...]

    @property
    def total_tax(self) -> int:
        return _total_tax(self)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def against(self, ledger: LedgerTotals) -> tuple[Check, ...]:
        """Compare the survey's row totals with totals read independently from the 課税台帳."""
        return (
            Check("課税 納税義務者数（台帳）", self.taxable_persons, ledger.taxable_persons),
            Check("特別区民税 所得割額（台帳）", self.municipal_income_levy, ledger.municipal_income_levy),
            Check("都民税 所得割額（台帳）", self.prefectural_income_levy, ledger.prefectural_income_levy),
            Check("特別区民税 均等割額（台帳）", self.municipal_per_capita, ledger.municipal_per_capita),
            Check("都民税 均等割額（台帳）", self.prefectural_per_capita, ledger.prefectural_per_capita),
            Check("森林環境税額（台帳）", self.forest_environment_tax, ledger.forest_environment_tax),
            Check("税額合計（台帳）", self.total_tax, ledger.total_tax),
        )


@dataclass(frozen=True)
class Survey:
    """市町村税課税状況等の調 (個人住民税) for one 年度: every table plus the reconciliation section."""

    fiscal_year: int
    table2: Table2
    table11: Table11
    bands: BandTable
    donations: DonationTable
    reconciliation: Reconciliation

    @property
    def total_tax(self) -> int:
        """Σ(所得割 + 均等割 of both taxes + 森林環境税) over 課税 rows; must equal the 課税台帳 total."""
        return self.reconciliation.total_tax

    def reconcile(self, ledger: LedgerTotals) -> tuple[Check, ...]:
        """Survey vs independently read 課税台帳 totals; every check must be ``ok``."""
        return self.reconciliation.against(ledger)


def _reconciliation(
    rows: Sequence[SurveyRow], t2: Table2, t11: Table11, bands: BandTable, donations: DonationTable
) -> Reconciliation:
    taxable = _taxable(rows)
    m_levy = sum(r.municipal_income_levy for r in taxable)
    p_levy = sum(r.prefectural_income_levy for r in taxable)
    m_pc = sum(r.municipal_per_capita for r in taxable)
    p_pc = sum(r.prefectural_per_capita for r in taxable)
    n = len(taxable)
    checks: list[Check] = []
    for section, levy, pc in ((t2.municipal, m_levy, m_pc), (t2.prefectural, p_levy, p_pc)):
        tax = section.tax
        checks += [
            Check(f"第2表 {tax} 所得割額 計", section.total.income_levy, levy),
            Check(f"第2表 {tax} 均等割額 計", section.total.per_capita_levy, pc),
            Check(
                f"第2表 {tax} 納税義務者数 計 + 税額なし",
                section.total.taxpayers + section.no_levy_persons,
                n,
            ),
        ]
    for t11_row, section, levy in (
        (t11.municipal, t2.municipal, m_levy),
        (t11.prefectural, t2.prefectural, p_levy),
    ):
        tax = t11_row.tax
        checks += [
            Check(f"第11表 {tax} 所得割額", t11_row.income_levy, levy),
            Check(
                f"第11表 {tax} 所得割の納税義務者数 = 第2表 所得割を納める者",
                t11_row.income_levy_taxpayers,
                section.total.both + section.total.income_only,
            ),
        ]
    checks += [
        Check(
            "第9表 計 納税義務者数 = 第11表 特別区民税",
            bands.total.taxpayers,
            t11.municipal.income_levy_taxpayers,
        ),
        Check(
            "第9表 計 課税標準額 = 第11表 特別区民税",
            bands.total.taxable_standard,
            t11.municipal.taxable_standard,
        ),
        Check("第9表 計 所得割額", bands.total.income_levy, m_levy),
        Check(
            "寄附金税額控除額 特別区民税",
            donations.municipal.credit,
            sum(r.municipal_donation_credit for r in taxable),
        ),
        Check(
            "寄附金税額控除額 都民税",
            donations.prefectural.credit,
            sum(r.prefectural_donation_credit for r in taxable),
        ),
    ]
    return Reconciliation(
        assessments=len(rows),
        taxable_persons=n,
        non_taxable_persons=len(rows) - n,
        municipal_income_levy=m_levy,
        prefectural_income_levy=p_levy,
        municipal_per_capita=m_pc,
        prefectural_per_capita=p_pc,
        forest_environment_tax=sum(r.forest_environment_tax for r in taxable),
        reduction=sum(r.reduction for r in taxable),
        checks=tuple(checks),
    )


def survey(rows: Iterable[SurveyRow], *, fiscal_year: int | None = None) -> Survey:
    """All tables for one 年度 from one pass over ``rows`` (materialised once).

    ``fiscal_year`` is required only when ``rows`` is empty; rows of another 年度 are refused.
    """
    materialised = list(rows)
    _, year = _prepare(materialised, fiscal_year)
    t2 = table2(materialised, fiscal_year=year)
    t11 = table11(materialised, fiscal_year=year)
    bands = band_table(materialised, fiscal_year=year)
    donations = donation_table(materialised, fiscal_year=year)
    return Survey(year, t2, t11, bands, donations, _reconciliation(materialised, t2, t11, bands, donations))


def _prepare(rows: Iterable[SurveyRow], fiscal_year: int | None) -> tuple[list[SurveyRow], int]:
    materialised = list(rows)
    years = {row.fiscal_year for row in materialised}
    if fiscal_year is not None:
        years.add(fiscal_year)
    if not years:
        raise ValueError("fiscal_year is required when there are no rows")
    if len(years) > 1:
        raise ValueError(f"rows of more than one 年度: {sorted(years)}")
    return _taxable(materialised), years.pop()
