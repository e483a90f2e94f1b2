"""課税資料イメージ from the CLI with a signed-in clerk: ``image attach`` stores the scan, ``image show`` writes
it out (the same bytes) after journaling the view; a file that is not an image is refused (exit 1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

from typer.testing import CliRunner

from adapters.formats.registry import PAYMENT_KINDS
from adapters.settings import Settings
from domain.audit.access import AccessRecord
from domain.filings.filing import Filing, FilingStatus
from interfaces.bootstrap import build
from interfaces.cli.main import app
from tools.synthetic.generator import generate


def test_attach_and_show_from_the_cli(cli_staff: Any, tmp_path: Path) -> None:
    env = cli_staff("clerk-i")
    runner = CliRunner()
    out = tmp_path / "ward"
    manifest = generate(out, taxpayers=10, seed=2, fiscal_year=2026)
    for f in manifest["files"]:
        if f["kind"] not in PAYMENT_KINDS:
            result = runner.invoke(
                app, ["import", f["kind"], str(out / f["path"]), "--as", "clerk-i"], env=env
            )
            assert result.exit_code in (0, 7), result.output
    settings = Settings(database_url=env["JUMINZEI_DATABASE_URL"], var_dir=Path(env["JUMINZEI_VAR_DIR"]))
    c = build(settings)
    try:
        with c.db.transaction() as cur:
            cur.execute("SELECT filing_id FROM rm_filings WHERE status = %s ORDER BY filing_id", ("有効",))
            ids = [UUID(r[0]) for r in cur.fetchall()]
        filing = next(
            f
            for f in (c.app.repository.get(i) for i in ids)
            if isinstance(f, Filing) and f.taxpayer_id and f.status is FilingStatus.ACTIVE
        )
    finally:
        c.close()
    scan = tmp_path / "scan.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\x01fake-scan" * 100)
    attached = runner.invoke(
        app, ["image", "attach", str(filing.id), "--file", str(scan), "--as", "clerk-i"], env=env
    )
    assert attached.exit_code == 0 and "イメージを登録しました" in attached.output, attached.output
    shown = tmp_path / "shown.png"
    result = runner.invoke(
        app, ["image", "show", str(filing.id), "--out", str(shown), "--as", "clerk-i"], env=env
    )
    assert result.exit_code == 0, result.output
    assert shown.read_bytes() == scan.read_bytes()
    bad = tmp_path / "notes.txt"
    bad.write_text("not an image", encoding="utf-8")
    refused = runner.invoke(
        app, ["image", "attach", str(filing.id), "--file", str(bad), "--as", "clerk-i"], env=env
    )
    assert refused.exit_code == 1 and "notes.txt" in refused.output
    c = build(settings)
    try:
        views = [
            e
            for n in c.app.recorder.select_notifications(1, 1_000_000)
            if n.topic == AccessRecord.PersonalDataViewed.TOPIC
            for e in [c.app.mapper.to_domain_event(n)]
            if e.action == "filing.image"
        ]
    finally:
        c.close()
    assert [(v.actor, v.subject_ids) for v in views] == [("clerk-i", (filing.taxpayer_id,))]
