"""Legacy migration (issue 19 item 4): a migrated file reconciles to its totals per 年度; 外字 are normalised
or quarantined, and a mapping report lists every change; history becomes events with source ``migration``."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from interfaces.cli.main import app

runner = CliRunner()
HEADER = "record_type,address_number,name,kana,birth_date,sex,address,fiscal_year,tax_total,paid_total"


def cli(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


def _file(tmp_path: Path, rows: list[str], name: str = "legacy.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


ROWS = [
    "T,000100001,目黒 太郎,ﾒｸﾞﾛ ﾀﾛｳ,1970-04-01,M,東京都目黒区中目黒一丁目1番1号,,,",
    "T,000100002,\uf9dc田 花子,リュウタ ハナコ,1985-12-24,F,東京都目黒区碑文谷二丁目2番2号,,,",
    "T,000100003,\ue001山 次郎,ヤマ ジロウ,1990-01-15,M,東京都目黒区八雲三丁目3番3号,,,",
    "A,000100001,,,,,,2024,123400,123400",
    "A,000100001,,,,,,2025,130000,65000",
    "A,000100002,,,,,,2025,50000,50000",
    "A,000100003,,,,,,2025,7000,0",
    "Z,,1,,,,,2024,123400,123400",
    "Z,,3,,,,,2025,187000,115000",
]


def test_a_migrated_file_reconciles_to_its_totals(cli_staff: Any, tmp_path: Path) -> None:
    cli_staff("mig-01")
    cli_staff("k-01")
    cli_staff("audit-01", "監査")
    source = _file(tmp_path, ROWS)
    out = tmp_path / "report"

    first = cli("migrate", "legacy", str(source), "--out", str(out), "--as", "mig-01", "--json")
    assert first.exit_code == 3, first.output  # one person waits for 外字同定
    report = json.loads(first.stdout)
    assert (
        report["received"],
        report["accepted"],
        report["rejected"],
        report["quarantined"],
        report["gap"],
    ) == (7, 5, 0, 2, 0)
    years = {y["fiscal_year"]: y for y in report["years"]}
    assert years[2024]["reconciled"] and years[2024]["complete"]
    assert years[2025]["reconciled"] and not years[2025]["complete"]
    assert (years[2025]["accepted_count"], years[2025]["accepted_tax"], years[2025]["quarantined_tax"]) == (
        2,
        180000,
        7000,
    )
    rules = {(c["line"], c["field"], c["rule"]) for c in report["character_changes"]}
    assert (
        (2, "kana", "半角カナ") in rules
        and (3, "name", "NFC") in rules
        and (4, "name", "未対応外字") in rules
    )
    with (out / "character-mapping.csv").open(encoding="utf-8-sig") as handle:
        mapping_rows = list(csv.reader(handle))
    assert (
        mapping_rows[0] == ["行", "項目", "元の文字", "置換後", "規則"]
        and len(mapping_rows) == len(report["character_changes"]) + 1
    )
    assert json.loads((out / "migration-report.json").read_text(encoding="utf-8"))["years"] == report["years"]

    # Same file again: nothing changes.
    again = cli("migrate", "legacy", str(source), "--as", "mig-01", "--json")
    assert json.loads(again.stdout)["already_imported"] is True

    # With the ward's 外字対応表 the quarantined person passes; the rest is found already present.
    gaiji = tmp_path / "gaiji.csv"
    gaiji.write_text("# 外字対応表\nU+E001,髙,旧システム外字 E001\n", encoding="utf-8")
    second = cli("migrate", "legacy", str(source), "--gaiji-map", str(gaiji), "--as", "mig-01", "--json")
    assert second.exit_code == 0, second.output
    body = json.loads(second.stdout)
    assert (body["accepted"], body["rejected"], body["quarantined"]) == (7, 0, 0)
    assert all(y["complete"] for y in body["years"]) and body["reconciled"] is True
    assert any(c["rule"] == "外字対応表" and c["replacement"] == "U+9AD9" for c in body["character_changes"])

    # The taxpayer exists with the normalised name; the history events carry source `migration`.
    assert cli("projections", "catch-up").exit_code == 0
    search = cli("taxpayer", "search", "--kana", "メグロ", "--as", "k-01", "--json")
    results = json.loads(search.stdout)["results"]
    assert [(r["address_number"], r["kana"]) for r in results] == [("000100001", "メグロ タロウ")]
    replay = cli("audit", "replay", results[0]["taxpayer_id"], "--as", "audit-01", "--json")
    assert json.loads(replay.stdout)["timeline"][0]["source_ref"].startswith("migration:")


def test_totals_that_do_not_add_up_and_bad_records_are_reported(cli_staff: Any, tmp_path: Path) -> None:
    cli_staff("mig-01")
    rows = [
        ROWS[0],
        "A,000100001,,,,,,2025,130000,65000",
        "A,000100009,,,,,,2025,1000,0",  # no T row and not registered
        "A,000100001,,,,,,20X5,1,1",
        "Z,,3,,,,,2025,140000,65000",
    ]
    result = cli("migrate", "legacy", str(_file(tmp_path, rows)), "--as", "mig-01", "--json")
    assert result.exit_code == 3
    report = json.loads(result.stdout)
    assert [(r["line"], r["field"]) for r in report["rejected_lines"]] == [
        (4, "address_number"),
        (5, "fiscal_year"),
    ]
    (year,) = report["years"]
    assert (year["declared_count"], year["accepted_count"], year["rejected_count"]) == (3, 1, 1)
    assert year["reconciled"] is False and report["reconciled"] is False

    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    unreadable = cli("migrate", "legacy", str(bad), "--as", "mig-01")
    assert unreadable.exit_code == 7 and "見出し行" in unreadable.output
