"""The survey tables laid out as the official tables are (Japanese headings, 千円 where they use 千円).

One shape feeds the CSV, XLSX and HTML writers, so the three always show the same cells. Column sets
follow shared/reference/standard-spec.md §b; amounts in 千円 are :func:`domain.reporting.thousand_yen`
of each cell's exact yen total (千円未満四捨五入, ADR 0011). The reconciliation sheet stays in yen.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.reporting import Survey, thousand_yen

Value = str | int


@dataclass(frozen=True)
class TableShape:
    key: str  # file stem
    sheet: str  # XLSX sheet name (≤ 31 characters)
    title: str
    unit: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]


def era_fiscal_year(fiscal_year: int) -> str:
    """令和N年度 (令和元年度 = 2019); 平成 before that. Eras appear only at the edges (DESIGN §2.5)."""
    if fiscal_year >= 2019:
        n = fiscal_year - 2018
        return f"令和{'元' if n == 1 else n}年度"
    return f"平成{fiscal_year - 1988}年度"


def table2_shape(survey: Survey) -> TableShape:
    rows: list[tuple[Value, ...]] = []
    for section in survey.table2.parts:
        for r in (*section.rows, section.total):
            rows.append(
                (
                    section.tax,
                    r.income_class,
                    r.taxpayers,
                    r.both,
                    r.income_only,
                    thousand_yen(r.income_levy),
                    r.per_capita_only,
                )
            )
    return TableShape(
        key="dai2hyo",
        sheet="第2表",
        title=f"第2表　個人の特別区民税・都民税の納税義務者等に関する調（{era_fiscal_year(survey.fiscal_year)}）",
        unit="単位：人、千円（千円未満四捨五入）",
        headers=(
            "税目",
            "所得者区分",
            "納税義務者数（人）",
            "均等割と所得割を納める者（人）",
            "所得割のみを納める者（人）",
            "所得割額（千円）",
            "均等割のみを納める者（人）",
        ),
        rows=tuple(rows),
    )


def table11_shape(survey: Survey) -> TableShape:
    rows = tuple(
        (
            r.tax,
            r.income_levy_taxpayers,
            thousand_yen(r.total_income),
            thousand_yen(r.separate_long_term_gains),
            thousand_yen(r.separate_short_term_gains),
            thousand_yen(r.general_stock_gains),
            thousand_yen(r.listed_stock_gains),
            thousand_yen(r.listed_stock_dividends),
            thousand_yen(r.futures_misc),
            thousand_yen(r.taxable_base_income),
            thousand_yen(r.taxable_standard),
            thousand_yen(r.income_levy),
        )
        for r in survey.table11.parts
    )
    year = era_fiscal_year(survey.fiscal_year)
    return TableShape(
        key="dai11hyo",
        sheet="第11表",
        title=f"第11表　課税標準額段階別{year}分所得割額等に関する調（合計）",
        unit="単位：人、千円（千円未満四捨五入）",
        headers=(
            "区分",
            "所得割の納税義務者数（人）",
            "総所得金額等（ア）（千円）",
            "分離長期譲渡所得金額に係る所得金額（イ）（千円）",
            "分離短期譲渡所得金額に係る所得金額（ウ）（千円）",
            "一般株式等に係る譲渡所得金額（エ）（千円）",
            "上場株式等に係る譲渡所得金額（オ）（千円）",
            "上場株式等に係る配当所得金額（カ）（千円）",
            "先物取引に係る雑所得金額（キ）（千円）",
            "課税対象所得（ア～キの計）（千円）",
            "課税標準額（千円）",
            "所得割額（税額控除・減免後）（千円）",
        ),
        rows=rows,
    )


def band_shape(survey: Survey) -> TableShape:
    table = survey.bands
    rows = tuple(
        (r.label, r.taxpayers, thousand_yen(r.taxable_standard), thousand_yen(r.income_levy))
        for r in (*table.rows, table.total)
    )
    year = era_fiscal_year(survey.fiscal_year)
    return TableShape(
        key="dai9hyo_kazeihyojungaku",
        sheet="第9表 課税標準額段階別",
        title=f"第9表　課税標準額段階別{year}分所得割額等に関する調（特別区民税）",
        unit="単位：人、千円（千円未満四捨五入）。納税義務者数は特別区民税所得割の納税義務者",
        headers=("課税標準額の段階", "納税義務者数（人）", "課税標準額（千円）", "所得割額（千円）"),
        rows=rows,
    )


def donation_shape(survey: Survey) -> TableShape:
    rows = tuple(
        (
            r.tax,
            r.persons,
            thousand_yen(r.donation_amount),
            thousand_yen(r.credit),
            r.one_stop_persons,
            thousand_yen(r.one_stop_donation_amount),
            thousand_yen(r.one_stop_credit),
        )
        for r in survey.donations.parts
    )
    return TableShape(
        key="kifukin_zeigaku_kojo",
        sheet="寄附金税額控除",
        title=f"寄附金税額控除に関する調（{era_fiscal_year(survey.fiscal_year)}）",
        unit="単位：人、千円（千円未満四捨五入）。寄附金額はふるさと納税とその他の対象寄附金の計",
        headers=(
            "区分",
            "寄附金税額控除の適用を受けた納税義務者数（人）",
            "寄附金額（千円）",
            "寄附金税額控除額（千円）",
            "うち申告特例（ワンストップ）適用者数（人）",
            "うち申告特例適用者の寄附金額（千円）",
            "うち申告特例適用者の寄附金税額控除額（千円）",
        ),
        rows=rows,
    )


def reconciliation_shape(survey: Survey) -> TableShape:
    rec = survey.reconciliation
    rows: list[tuple[Value, ...]] = [
        ("賦課件数（課税・非課税）", rec.assessments, "", ""),
        ("課税 納税義務者数", rec.taxable_persons, "", ""),
        ("非課税者数（集計対象外）", rec.non_taxable_persons, "", ""),
        ("特別区民税 所得割額（円）", rec.municipal_income_levy, "", ""),
        ("都民税 所得割額（円）", rec.prefectural_income_levy, "", ""),
        ("特別区民税 均等割額（円）", rec.municipal_per_capita, "", ""),
        ("都民税 均等割額（円）", rec.prefectural_per_capita, "", ""),
        ("森林環境税額（円）", rec.forest_environment_tax, "", ""),
        ("税額合計（円）", rec.total_tax, "", ""),
        ("減免額（円・控除済み）", rec.reduction, "", ""),
    ]
    rows += [(c.name, c.table_value, c.expected, "一致" if c.ok else "不一致") for c in rec.checks]
    return TableShape(
        key="shogo",
        sheet="照合",
        title=f"課税台帳との照合（{era_fiscal_year(survey.fiscal_year)}）",
        unit="単位：人、円（端数処理なし）",
        headers=("項目", "値", "照合先の値", "結果"),
        rows=tuple(rows),
    )


def shapes(survey: Survey) -> tuple[TableShape, ...]:
    return (
        table2_shape(survey),
        table11_shape(survey),
        band_shape(survey),
        donation_shape(survey),
        reconciliation_shape(survey),
    )
