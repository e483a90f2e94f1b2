"""CSV / XLSX / HTML output of the survey: written, re-readable, in the table shapes, reproducible."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import time_machine
from openpyxl import load_workbook
from reporting_samples import payer, per_capita_only, row

from adapters.reporting import HTML_NAME, XLSX_NAME, write_aggregate_csv, write_survey
from adapters.reporting.shapes import era_fiscal_year
from domain.reporting import SUPPRESSED, Survey, aggregate, survey


def _survey() -> Survey:
    rows = [
        payer(),
        payer(
            salary=12_000_000,
            taxable=9_000_000,
            donation_amount=100_000,
            municipal_donation_credit=58_800,
            prefectural_donation_credit=39_200,
            one_stop=True,
        ),
        payer(salary=0, business_income=3_000_000, taxable=1_500_000),
        per_capita_only(pension_income=1_200_000),
        per_capita_only(non_resident=True, forest_environment_tax=0),
        row(status="非課税", salary_income=900_000),
    ]
    return survey(rows)


def _read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_write_survey_files(tmp_path: Path) -> None:
    s = _survey()
    paths = write_survey(s, tmp_path / "out")
    names = [p.name for p in paths]
    assert names == [
        "dai2hyo.csv",
        "dai11hyo.csv",
        "dai9hyo_kazeihyojungaku.csv",
        "kifukin_zeigaku_kojo.csv",
        "shogo.csv",
        XLSX_NAME,
        HTML_NAME,
    ]
    assert all(p.exists() and p.stat().st_size > 0 for p in paths)

    t2 = _read_csv(tmp_path / "out" / "dai2hyo.csv")
    assert t2[0][:3] == ["税目", "所得者区分", "納税義務者数（人）"]
    assert len(t2) == 1 + 2 * 6  # header + (5 classes + 計) × 2 taxes
    total = t2[6]
    assert total[:2] == ["特別区民税", "計"]
    assert total[2] == "5"  # 3 payers + その他 均等割のみ + 家屋敷
    # 所得割額 in 千円: 150,000 + 540,000 + 90,000 = 780,000 yen → 780
    assert total[5] == "780"
    assert t2[5][:3] == ["特別区民税", "家屋敷等のみ", "1"]

    t11 = _read_csv(tmp_path / "out" / "dai11hyo.csv")
    assert t11[0][-1] == "所得割額（税額控除・減免後）（千円）"
    assert [r[0] for r in t11[1:]] == ["特別区民税", "都民税"]
    assert t11[1][1] == "3"

    bands = _read_csv(tmp_path / "out" / "dai9hyo_kazeihyojungaku.csv")
    assert len(bands) == 1 + 12 + 1
    assert bands[1][0] == "10万円以下" and bands[-1][0] == "計"
    assert bands[-1][1] == "3"

    don = _read_csv(tmp_path / "out" / "kifukin_zeigaku_kojo.csv")
    assert don[1][:4] == ["特別区民税", "1", "100", "59"]  # 58,800 yen → 59 千円

    rec = _read_csv(tmp_path / "out" / "shogo.csv")
    assert ["税額合計（円）", str(s.total_tax), "", ""] in rec
    assert all(r[3] == "一致" for r in rec[1:] if r[3])


def test_xlsx_is_loadable_and_matches_the_csv(tmp_path: Path) -> None:
    s = _survey()
    write_survey(s, tmp_path)
    wb = load_workbook(tmp_path / XLSX_NAME)
    assert wb.sheetnames == ["第2表", "第11表", "第9表 課税標準額段階別", "寄附金税額控除", "照合"]
    ws = wb["第2表"]
    assert (
        ws["A1"].value
        == f"第2表　個人の特別区民税・都民税の納税義務者等に関する調（{era_fiscal_year(2026)}）"
    )
    assert [c.value for c in ws[3]][:2] == ["税目", "所得者区分"]
    csv_rows = _read_csv(tmp_path / "dai2hyo.csv")
    for i, csv_row in enumerate(csv_rows[1:], start=4):
        assert [str(c.value) for c in ws[i]] == csv_row
    assert wb.properties.created is not None and wb.properties.created.year == 2026
    assert wb.properties.modified == wb.properties.created


def test_output_is_byte_identical_across_runs_and_clocks(tmp_path: Path) -> None:
    s = _survey()
    with time_machine.travel("2027-03-01 09:00:00+09:00", tick=False):
        first = write_survey(s, tmp_path / "a")
    with time_machine.travel("2031-11-15 23:59:59+09:00", tick=False):
        second = write_survey(s, tmp_path / "b")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    with zipfile.ZipFile(first[5]) as z:
        assert {info.date_time for info in z.infolist()} == {(2026, 1, 1, 0, 0, 0)}
        assert b"2026-01-01T00:00:00Z</dcterms:modified>" in z.read("docProps/core.xml")


def test_html_is_self_contained_with_charts(tmp_path: Path) -> None:
    s = _survey()
    write_survey(s, tmp_path)
    html = (tmp_path / HTML_NAME).read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("<svg") == 2
    assert "課税標準額段階別 所得割納税義務者数" in html and "所得者区分別 納税義務者数" in html
    assert "<script" not in html and "<link" not in html and "src=" not in html
    assert "https://" not in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    for label in ("10万円以下", "1億円超", "給与所得者", "家屋敷等のみ", "第11表", "寄附金税額控除"):
        assert label in html
    assert "すべて一致" in html


def test_write_aggregate_csv_round_trip(tmp_path: Path) -> None:
    rows = [payer() for _ in range(10)] + [payer(one_stop=True) for _ in range(2)]
    records = aggregate(rows, by=("one_stop",), measures=("municipal_income_levy",), min_cell=10)
    path = write_aggregate_csv(records, tmp_path / "euc" / "by_one_stop.csv")
    back = _read_csv(path)
    assert back[0] == ["one_stop", "persons", "municipal_income_levy"]
    # 2 < 10 masked, and as the only masked cell of the line its complement (10) is masked too
    assert back[1:] == [["0", SUPPRESSED, SUPPRESSED], ["1", SUPPRESSED, SUPPRESSED]]

    empty = write_aggregate_csv([], tmp_path / "empty.csv", columns=("income_class", "persons"))
    assert _read_csv(empty) == [["income_class", "persons"]]
