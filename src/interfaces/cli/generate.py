"""``juminzei generate``: write a deterministic synthetic municipality (intake files +
manifest.json). See docs/generate.md."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    """Add the ``generate`` command to ``app``."""

    @app.command("generate")
    def generate(
        taxpayers: int = typer.Option(
            ..., "--taxpayers", min=1, help="納税義務者数の目安 (adults ≥ 18 counted)."
        ),
        seed: int = typer.Option(
            ..., "--seed", help="Random seed; same (taxpayers, seed, fiscal year) → same bytes."
        ),
        fiscal_year: int = typer.Option(
            2026, "--fiscal-year", help="年度 (Western); income year is one earlier."
        ),
        out: Path = typer.Option(..., "--out", help="Output directory (created if missing)."),
        json_out: bool = typer.Option(False, "--json", help="Print the manifest summary as JSON."),
    ) -> None:
        """合成データ生成: 住民記録・給与/年金支払報告書・確定申告書・申告特例通知書・生活保護・障害者・口座振替・収納."""
        # Tooling (package ``tools``): imported here, not at module level (pyproject [tool.importlinter]).
        from tools.synthetic.generator import generate as generate_files

        started = time.perf_counter()
        try:
            manifest = generate_files(out, taxpayers=taxpayers, seed=seed, fiscal_year=fiscal_year)
        except ValueError as error:
            typer.echo(f"エラー: {error}", err=True)
            raise typer.Exit(2) from None
        elapsed = time.perf_counter() - started
        summary = {
            "out": str(out),
            "fiscal_year": manifest["fiscal_year"],
            "income_year": manifest["income_year"],
            "files": [{"path": f["path"], "kind": f["kind"], "bytes": f["bytes"]} for f in manifest["files"]],
            "payment_files": [
                {"path": f["path"], "kind": f["kind"], "bytes": f["bytes"]} for f in manifest["payment_files"]
            ],
            "anomalies": len(manifest["anomalies"]),
            "counts": manifest["counts"],
        }
        if json_out:
            sys.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
            return
        typer.echo(f"{out} に {len(manifest['files'])} ファイルを生成しました（{elapsed:.1f} 秒）。")
        for f in manifest["files"]:
            typer.echo(f"  {f['kind']:<18} {f['path']:<26} {f['bytes']:>12,} bytes")
        typer.echo("  収納データ（賦課・調定の後に `juminzei payments import KIND FILE` で取込）:")
        for f in manifest["payment_files"]:
            typer.echo(f"  {f['kind']:<18} {f['path']:<26} {f['bytes']:>12,} bytes")
        typer.echo(f"  意図的な異常データ: {len(manifest['anomalies'])} 件 (manifest.json の anomalies)")
