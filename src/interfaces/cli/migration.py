# register_hint: interfaces/cli/main.py registers this sub-app: app.add_typer(migration.app, name="migrate")
"""``juminzei migrate legacy FILE``: import a predecessor system's export (layout ``juminzei-legacy-v1``).

See docs/compliance.md (Legacy migration). Exit codes: 0 imported and reconciled per 年度, 3 a 年度 does not
reconcile with the file's control totals (or records were rejected/quarantined — every one is listed),
7 the file cannot be read as the layout (named with line), 2 usage errors.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from adapters.migration.legacy_csv import LAYOUT
from application.usecases.migration import MigrateLegacy
from interfaces.cli.common import AS_OPTION, JSON_OPTION, console, err_console, fail, print_json
from interfaces.cli.render import print_table
from interfaces.cli.usecase import run_as

app = typer.Typer(
    help="移行 (legacy migration): a predecessor system's export as events.", no_args_is_help=True
)


@app.command("legacy")
def legacy(
    file: Path = typer.Argument(..., help=f"移行データ（{LAYOUT}, UTF-8 CSV）"),
    gaiji_map: Path | None = typer.Option(None, "--gaiji-map", help="外字対応表（U+E000,文字[,備考]）"),
    source_system: str = typer.Option("旧個人住民税システム", "--source-system", help="移行元システム名"),
    out: Path | None = typer.Option(None, "--out", help="照合表と文字の対応表を書き出すディレクトリ"),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Import, normalise characters, account for every record, reconcile each 年度 against the control totals."""
    if not file.is_file():
        fail(f"ファイルがありません: {file}", 2)
    if gaiji_map is not None and not gaiji_map.is_file():
        fail(f"外字対応表がありません: {gaiji_map}", 2)
    # A file that cannot be read as the layout is refused with its line (exit 7), nothing stored.
    report = run_as(as_, MigrateLegacy(file, gaiji_map, source_system))
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "migration-report.json").write_text(
            json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        _write_mapping_csv(out / "character-mapping.csv", report["character_changes"])
    if json_out:
        print_json(report)
    else:
        _print(report)
    if not report["reconciled"] or report["rejected"] or report["quarantined"]:
        raise typer.Exit(3)


def _write_mapping_csv(path: Path, changes: list[dict[str, object]]) -> None:
    import csv

    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["行", "項目", "元の文字", "置換後", "規則"])
        for c in changes:
            writer.writerow([c["line"], c["field"], c["original"], c["replacement"], c["rule"]])


def _print(report: dict[str, object]) -> None:
    note = "（取込済み・変更なし）" if report["already_imported"] else ""
    console.print(
        f"{report['file']}: 受付 {report['received']} 受理 {report['accepted']} 不備 {report['rejected']}"
        f" 保留 {report['quarantined']} 差異 {report['gap']}{note}",
        highlight=False,
    )
    print_table(
        "年度別照合（件数・年税額・収入済額）",
        ("年度", "移行元 件数", "移行元 税額", "受理 件数", "受理 税額", "不備", "保留", "照合"),
        [
            (
                str(y["fiscal_year"]),
                str(y["declared_count"]),
                f"{y['declared_tax']:,}" if y["declared_tax"] is not None else "-",
                str(y["accepted_count"]),
                f"{y['accepted_tax']:,}",
                str(y["rejected_count"]),
                str(y["quarantined_count"]),
                "一致" if y["reconciled"] else "不一致",
            )
            for y in report["years"]  # type: ignore[attr-defined]
        ],
    )
    for r in report.get("rejected_lines", []):  # type: ignore[attr-defined]
        err_console.print(f"  不備 {r['line']}行目 {r['field']}: {r['message']}", highlight=False)
    for q in report.get("quarantined_lines", []):  # type: ignore[attr-defined]
        err_console.print(f"  保留 {q['line']}行目 ({q['queue']}): {q['reason']}", highlight=False)
    changes = report["character_changes"]
    console.print(f"文字の正規化・置換: {len(changes)} 件（--out で character-mapping.csv）", highlight=False)  # type: ignore[arg-type]
