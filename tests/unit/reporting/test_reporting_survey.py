"""課税状況調 tables from hand-built rows with known answers, and the reconciliation identity."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reporting_samples import YEAR, payer, per_capita_only, row, survey_rows

from domain.reporting import (
    BANDS,
    INCOME_CLASSES,
    MUNICIPAL,
    NON_TAXABLE,
    PREFECTURAL,
    LedgerTotals,
    SurveyRow,
    band_of,
    band_table,
    classify,
    donation_table,
    survey,
    table2,
    table11,
    thousand_yen,
)

# --- 所得者区分 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"salary_income": 3_000_000, "business_income": 1_000_000}, "給与所得者"),
        ({"salary_income": 1_000_000, "business_income": 3_000_000}, "営業等所得者"),
        ({"agricultural_income": 2_000_000, "business_income": 1_999_999}, "農業所得者"),
        ({"pension_income": 2_000_000, "salary_income": 500_000}, "その他の所得者"),
        ({"other_income": 800_000, "salary_income": 700_000}, "その他の所得者"),
        # その他 = 年金 + その他総合 + 分離: together they beat 給与
        ({"salary_income": 1_000_000, "pension_income": 600_000, "other_income": 500_000}, "その他の所得者"),
        ({"salary_income": 1_000_000, "listed_stock_gains": 5_000_000}, "その他の所得者"),
        ({"separate_long_term_gains": 10_000_000}, "その他の所得者"),
        ({}, "その他の所得者"),  # no income at all
        ({"business_income": -500_000}, "その他の所得者"),  # a loss is not a main income
        # ties follow the official column order 給与 → 営業等 → 農業 → その他
        ({"salary_income": 1_000_000, "business_income": 1_000_000}, "給与所得者"),
        ({"business_income": 1_000_000, "agricultural_income": 1_000_000}, "営業等所得者"),
        ({"agricultural_income": 1_000_000, "pension_income": 1_000_000}, "農業所得者"),
        ({"non_resident": True, "salary_income": 9_000_000}, "家屋敷等のみ"),
    ],
)
def test_classify(overrides: dict[str, object], expected: str) -> None:
    assert classify(row(**overrides)) == expected


# --- 第2表 -------------------------------------------------------------------------------------------


def _table2_rows() -> list[SurveyRow]:
    return [
        payer(),  # 給与, both: 150,000 + 100,000
        payer(salary=6_000_000, taxable=4_000_000),  # 給与, both: 240,000 + 160,000
        per_capita_only(salary_income=1_000_000),  # 給与, 均等割のみ
        payer(salary=0, business_income=5_000_000, taxable=3_000_000),  # 営業等, both: 180,000 + 120,000
        payer(salary=0, agricultural_income=2_000_000, taxable=1_000_000),  # 農業, both: 60,000 + 40,000
        per_capita_only(pension_income=1_500_000),  # その他, 均等割のみ
        row(
            other_income=3_000_000, municipal_income_levy=12_300, prefectural_income_levy=8_200
        ),  # 所得割のみ
        per_capita_only(non_resident=True, salary_income=8_000_000, forest_environment_tax=0),  # 家屋敷
        row(salary_income=5_000_000, reduction=300_000),  # 課税 but fully 減免: no levy at all
        payer(status=NON_TAXABLE),  # 非課税: never counted (even with amounts)
    ]


def test_table2_known_answer() -> None:
    t2 = table2(_table2_rows())
    assert t2.fiscal_year == YEAR
    m = {r.income_class: r for r in t2.municipal.rows}
    assert [r.income_class for r in t2.municipal.rows] == list(INCOME_CLASSES)
    assert (m["給与所得者"].taxpayers, m["給与所得者"].both, m["給与所得者"].per_capita_only) == (3, 2, 1)
    assert m["給与所得者"].income_levy == 150_000 + 240_000
    assert (m["営業等所得者"].taxpayers, m["営業等所得者"].both, m["営業等所得者"].income_levy) == (
        1,
        1,
        180_000,
    )
    assert (m["農業所得者"].taxpayers, m["農業所得者"].both, m["農業所得者"].income_levy) == (1, 1, 60_000)
    other = m["その他の所得者"]
    assert (other.taxpayers, other.both, other.income_only, other.per_capita_only) == (2, 0, 1, 1)
    assert other.income_levy == 12_300
    premises = m["家屋敷等のみ"]
    assert (premises.taxpayers, premises.both, premises.per_capita_only, premises.income_levy) == (1, 0, 1, 0)
    assert premises.per_capita_levy == 3_000

    total = t2.municipal.total
    assert total.income_class == "計"
    assert (total.taxpayers, total.both, total.income_only, total.per_capita_only) == (8, 4, 1, 3)
    assert total.income_levy == 150_000 + 240_000 + 180_000 + 60_000 + 12_300
    assert total.per_capita_levy == 3_000 * 7
    assert t2.municipal.no_levy_persons == 1

    p = t2.prefectural
    assert p.tax == PREFECTURAL and t2.municipal.tax == MUNICIPAL
    assert p.total.income_levy == 100_000 + 160_000 + 120_000 + 40_000 + 8_200
    assert p.total.per_capita_levy == 1_000 * 7


def test_table2_both_versus_per_capita_only_is_per_tax() -> None:
    # 都民税 所得割 truncated to 0 while 特別区民税 所得割 remains: both for one tax, 均等割のみ for the other
    t2 = table2([payer(municipal_income_levy=100, prefectural_income_levy=0)])
    assert (t2.municipal.total.both, t2.municipal.total.per_capita_only) == (1, 0)
    assert (t2.prefectural.total.both, t2.prefectural.total.per_capita_only) == (0, 1)


# --- 第11表 ------------------------------------------------------------------------------------------


def test_table11_known_answer() -> None:
    rows = [
        payer(salary=4_000_000, taxable=2_500_000),
        payer(
            salary=10_000_000,
            taxable=7_000_000,
            separate_long_term_gains=3_000_000,
            listed_stock_gains=1_000_000,
            listed_stock_dividends=200_000,
            separate_taxable_income=4_200_000,
        ),
        payer(
            salary=0,
            business_income=2_000_000,
            total_income=2_000_000,
            taxable=1_000_000,
            separate_short_term_gains=400_000,
            general_stock_gains=300_000,
            futures_misc=100_000,
            separate_taxable_income=800_000,
        ),
        per_capita_only(salary_income=1_000_000, total_income=1_000_000),  # no 所得割: not in 第11表
        payer(status=NON_TAXABLE),
    ]
    t11 = table11(rows)
    m = t11.municipal
    assert m.tax == MUNICIPAL
    assert m.income_levy_taxpayers == 3
    assert m.total_income == 4_000_000 + 10_000_000 + 2_000_000
    assert (m.separate_long_term_gains, m.separate_short_term_gains) == (3_000_000, 400_000)
    assert (m.general_stock_gains, m.listed_stock_gains) == (300_000, 1_000_000)
    assert (m.listed_stock_dividends, m.futures_misc) == (200_000, 100_000)
    assert m.taxable_base_income == 16_000_000 + 3_000_000 + 400_000 + 300_000 + 1_000_000 + 200_000 + 100_000
    assert m.taxable_standard == 2_500_000 + 7_000_000 + 4_200_000 + 1_000_000 + 800_000
    assert m.income_levy == 150_000 + 420_000 + 60_000
    assert t11.prefectural.income_levy == 100_000 + 280_000 + 40_000
    assert t11.prefectural.taxable_standard == m.taxable_standard


def test_table11_each_tax_counts_its_own_income_levy_payers() -> None:
    rows = [payer(), payer(municipal_income_levy=0, prefectural_income_levy=100)]
    t11 = table11(rows)
    assert t11.municipal.income_levy_taxpayers == 1
    assert t11.prefectural.income_levy_taxpayers == 2


# --- 第9表 12 bands -----------------------------------------------------------------------------------


def test_bands_are_twelve_contiguous_and_cover_everything() -> None:
    assert len(BANDS) == 12
    assert BANDS[0].lower is None and BANDS[0].upper == 100_000 and BANDS[0].label == "10万円以下"
    assert BANDS[-1].lower == 100_000_000 and BANDS[-1].upper is None and BANDS[-1].label == "1億円超"
    assert BANDS[-2].label == "5,000万円超1億円以下"
    for before, after in itertools.pairwise(BANDS):
        assert before.upper == after.lower
    assert [b.index for b in BANDS] == list(range(1, 13))


@pytest.mark.parametrize("band", BANDS[:-1], ids=lambda b: b.label)
def test_band_upper_edge_is_inclusive(band: object) -> None:
    from domain.reporting import Band

    assert isinstance(band, Band) and band.upper is not None
    assert band_of(band.upper) is band  # …以下
    assert band_of(band.upper + 1).index == band.index + 1  # …超


def test_band_of_small_and_huge() -> None:
    assert band_of(0).index == 1
    assert band_of(-1).index == 1
    assert band_of(10**12).index == 12


def test_band_table_at_the_edges() -> None:
    def at(amount: int, split: int = 0) -> SurveyRow:
        # 課税標準額 = 総合 + 分離: put part of it in the separate base to check the sum is used
        return payer(taxable=amount - split, separate_taxable_income=split, municipal_income_levy=100)

    rows = [
        at(100_000),  # 1
        at(100_001 + 999, split=1_000),  # 2 (101,000)
        at(1_000_000, split=400_000),  # 2 (edge)
        at(1_001_000),  # 3
        at(5_500_000),  # 6
        at(5_501_000),  # 7
        at(10_000_000),  # 8
        at(20_000_000),  # 9
        at(50_000_000, split=10_000_000),  # 10
        at(100_000_000),  # 11
        at(100_001_000),  # 12
        per_capita_only(taxable_income=3_000_000),  # no 所得割: not counted
        payer(status=NON_TAXABLE, municipal_income_levy=100),
    ]
    table = band_table(rows)
    counts = [r.taxpayers for r in table.rows]
    assert counts == [1, 2, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1]
    assert table.rows[1].taxable_standard == 101_000 + 1_000_000
    assert table.rows[11].taxable_standard == 100_001_000
    assert table.total.label == "計"
    assert table.total.taxpayers == 11
    assert table.total.income_levy == 1_100
    assert table.total.taxable_standard == sum(r.taxable_standard for r in table.rows)
    assert [r.label for r in table.rows] == [b.label for b in BANDS]


# --- 寄附金税額控除 ------------------------------------------------------------------------------------


def test_donation_table_known_answer() -> None:
    rows = [
        payer(donation_amount=50_000, municipal_donation_credit=28_800, prefectural_donation_credit=19_200),
        payer(
            donation_amount=30_000,
            municipal_donation_credit=16_800,
            prefectural_donation_credit=11_200,
            one_stop=True,
        ),
        payer(
            donation_amount=100_000,
            municipal_donation_credit=58_800,
            prefectural_donation_credit=39_200,
            one_stop=True,
        ),
        payer(donation_amount=2_000),  # 2,000円 or less: no credit, not counted
        payer(status=NON_TAXABLE, donation_amount=40_000, municipal_donation_credit=1, one_stop=True),
    ]
    d = donation_table(rows)
    m, p = d.municipal, d.prefectural
    assert (m.tax, m.persons, m.donation_amount, m.credit) == (MUNICIPAL, 3, 180_000, 104_400)
    assert (m.one_stop_persons, m.one_stop_donation_amount, m.one_stop_credit) == (2, 130_000, 75_600)
    assert (p.tax, p.persons, p.donation_amount, p.credit) == (PREFECTURAL, 3, 180_000, 69_600)
    assert (p.one_stop_persons, p.one_stop_credit) == (2, 50_400)


# --- survey bundle, reconciliation, validation ------------------------------------------------------


def test_survey_total_tax_and_reconciliation() -> None:
    rows = _table2_rows()
    s = survey(iter(rows))  # any iterable, consumed once
    taxable = [r for r in rows if r.status == "課税"]
    assert s.total_tax == sum(r.total_tax for r in taxable)
    assert (
        s.total_tax
        == (150_000 + 240_000 + 180_000 + 60_000 + 12_300)
        + (100_000 + 160_000 + 120_000 + 40_000 + 8_200)
        + 4_000 * 7
        + 1_000 * 6
    )
    rec = s.reconciliation
    assert (rec.assessments, rec.taxable_persons, rec.non_taxable_persons) == (10, 9, 1)
    assert rec.reduction == 300_000
    assert rec.ok, [c for c in rec.checks if not c.ok]

    ledger = LedgerTotals(
        taxable_persons=9,
        municipal_income_levy=rec.municipal_income_levy,
        prefectural_income_levy=rec.prefectural_income_levy,
        municipal_per_capita=21_000,
        prefectural_per_capita=7_000,
        forest_environment_tax=6_000,
    )
    assert all(c.ok for c in s.reconcile(ledger))
    off = LedgerTotals(**{**ledger.__dict__, "forest_environment_tax": 7_000})
    bad = [c.name for c in s.reconcile(off) if not c.ok]
    assert bad == ["森林環境税額（台帳）", "税額合計（台帳）"]


def test_survey_refuses_mixed_years_and_needs_a_year_when_empty() -> None:
    with pytest.raises(ValueError, match="年度"):
        survey([payer(), payer(fiscal_year=YEAR - 1)])
    with pytest.raises(ValueError, match="fiscal_year"):
        survey([])
    empty = survey([], fiscal_year=YEAR)
    assert empty.total_tax == 0 and empty.bands.total.taxpayers == 0 and empty.reconciliation.ok
    with pytest.raises(ValueError):
        survey([payer()], fiscal_year=YEAR + 1)


def test_row_validation() -> None:
    with pytest.raises(ValueError, match="status"):
        row(status="取消")
    with pytest.raises(ValueError, match="municipal_income_levy"):
        row(municipal_income_levy=-100)


@pytest.mark.parametrize(
    ("yen", "thousand"),
    [(0, 0), (499, 0), (500, 1), (1_499, 1), (1_500, 2), (123_456_789, 123_457), (-500, -1), (-499, 0)],
)
def test_thousand_yen_rounds_half_up(yen: int, thousand: int) -> None:
    assert thousand_yen(yen) == thousand


# --- property: Σ over tables == Σ over rows -----------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.lists(survey_rows(), max_size=40))
def test_tables_reconcile_with_rows(rows: list[SurveyRow]) -> None:
    s = survey(rows, fiscal_year=YEAR)
    taxable = [r for r in rows if r.status == "課税"]
    assert s.reconciliation.ok
    assert s.total_tax == sum(r.total_tax for r in taxable)
    for section, levy, pc in (
        (s.table2.municipal, "municipal_income_levy", "municipal_per_capita"),
        (s.table2.prefectural, "prefectural_income_levy", "prefectural_per_capita"),
    ):
        assert sum(r.income_levy for r in section.rows) == sum(getattr(r, levy) for r in taxable)
        assert sum(r.per_capita_levy for r in section.rows) == sum(getattr(r, pc) for r in taxable)
        assert sum(r.taxpayers for r in section.rows) + section.no_levy_persons == len(taxable)
    assert s.table11.municipal.income_levy + s.table11.prefectural.income_levy == sum(
        r.municipal_income_levy + r.prefectural_income_levy for r in taxable
    )
    assert sum(r.taxpayers for r in s.bands.rows) == s.table11.municipal.income_levy_taxpayers
    assert sum(r.taxable_standard for r in s.bands.rows) == s.table11.municipal.taxable_standard
    assert sum(r.income_levy for r in s.bands.rows) == sum(r.municipal_income_levy for r in taxable)
    assert s.donations.municipal.credit == sum(r.municipal_donation_credit for r in taxable)
    assert s.donations.prefectural.credit == sum(r.prefectural_donation_credit for r in taxable)
