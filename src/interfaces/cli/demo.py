"""``juminzei demo``: a whole synthetic municipality on the embedded default, no servers.

Deterministic for (taxpayers, seed). Later issues extend this same command until it runs a whole tax year.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

from adapters.formats import resident_registry
from application.taxpayers import RegisterTaxpayer
from domain.intake import ParsedRecord, RecordError
from domain.shared.events import CommandContext
from domain.shared.purpose import Purpose
from interfaces.bootstrap import Container
from interfaces.cli.common import JSON_OPTION, console, container, print_json, settings

DEMO_ACTOR = "job:demo"


@dataclass
class DemoReport:
    data: dict[str, Any]


def run_demo(c: Container, *, taxpayers: int, seed: int, fiscal_year: int, out_dir: Path) -> dict[str, Any]:
    """Generate, register, project and query; return the summary (JSON-safe, no personal data)."""
    from adapters.synthetic import generate

    started = time.perf_counter()
    manifest = generate(out_dir, taxpayers=taxpayers, seed=seed, fiscal_year=fiscal_year)
    registry_files = [out_dir / f["path"] for f in manifest["files"] if f["kind"] == resident_registry.KIND]
    ctx = CommandContext(actor=DEMO_ACTOR, purpose=Purpose.REGISTRY, command_id=f"demo:{seed}:{taxpayers}")
    registered = unchanged = rejected = 0
    commands: list[RegisterTaxpayer] = []
    for path in registry_files:
        outcome = resident_registry.parse(path)
        for item in outcome.items:
            if isinstance(item, RecordError):
                rejected += 1
                continue
            assert isinstance(item, ParsedRecord)
            record = item.record
            commands.append(
                RegisterTaxpayer(
                    address_number=record.address_number,
                    name=record.name,
                    kana=record.kana,
                    birth_date=record.birth_date,
                    sex=record.sex,
                    address=record.address,
                    registration_kind=record.registration,
                )
            )
    # One registration per 宛名番号: later rows of the same person are 異動 (handled by the intake issue).
    seen: set[str] = set()
    unique = []
    for command in commands:
        if command.address_number not in seen:
            seen.add(command.address_number)
            unique.append(command)
    for start in range(0, len(unique), 500):
        for result in c.taxpayers.register_many(unique[start : start + 500], ctx.derive(f"batch{start}")):
            if result.changed:
                registered += 1
            else:
                unchanged += 1
    applied = c.runner.catch_up()
    sample_kana = unique[0].kana[:2] if unique else "ア"
    query_ctx = CommandContext(
        actor=DEMO_ACTOR,
        purpose=Purpose.DEMO,
        command_id=f"demo-query:{seed}:{time.time_ns()}",
        terminal="demo",
    )
    hits = c.taxpayer_queries.search(kana_prefix=sample_kana, birth_date=None, ctx=query_ctx, limit=1000)
    status = c.runner.status()
    return {
        "database": c.store.describe(),
        "seed": seed,
        "fiscal_year": fiscal_year,
        "generated_files": len(manifest["files"]),
        "registry": {
            "registered": registered,
            "already_registered": unchanged,
            "rejected_lines": rejected,
        },
        "projections": {s.name: {"position": s.position, "lag": s.lag, "rows": s.rows} for s in status},
        "projection_events_applied": applied,
        "sample_search": {"kana_prefix_length": len(sample_kana), "hits": len(hits), "journaled": True},
        "event_log_head": c.app.head(),
        "master_key": "configured"
        if c.settings.master_key
        else "development key in var/ (not for real data)",
        "seconds": round(time.perf_counter() - started, 2),
    }


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        taxpayers: int = typer.Option(50, "--taxpayers", min=1, help="How many taxpayers to generate."),
        seed: int = typer.Option(1, "--seed", help="Random seed (same seed → same municipality)."),
        fiscal_year: int = typer.Option(2026, "--fiscal-year", help="年度 (2026 = 令和8年度)."),
        json_out: bool = JSON_OPTION,
    ) -> None:
        """Run the end-to-end demo on the configured store (default: SQLite under ./var/)."""
        cfg = settings()
        out_dir = cfg.var_dir / "demo" / f"seed{seed}-n{taxpayers}-fy{fiscal_year}"
        with container(upgrade=True, cfg=cfg) as c:
            summary = run_demo(c, taxpayers=taxpayers, seed=seed, fiscal_year=fiscal_year, out_dir=out_dir)
        if json_out:
            print_json(summary)
            return
        console.rule("juminzei demo")
        console.print(f"データベース: {summary['database']}")
        console.print(f"合成データ: {summary['generated_files']} ファイル ({out_dir})")
        reg = summary["registry"]
        console.print(
            f"納税義務者: 登録 {reg['registered']} 件 / 登録済み {reg['already_registered']} 件 /"
            f" 不備行 {reg['rejected_lines']} 件"
        )
        for name, proj in summary["projections"].items():
            console.print(f"読み取りモデル {name}: {proj['rows']} 行, 遅延 {proj['lag']}")
        console.print(f"宛名検索（アクセス記録あり）: {summary['sample_search']['hits']} 件")
        console.print(f"イベントログ末尾: {summary['event_log_head']}  マスター鍵: {summary['master_key']}")
        console.print(f"所要時間: {summary['seconds']} 秒")
