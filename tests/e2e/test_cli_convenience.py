"""コンビニ交付 from the CLI with a signed-in clerk and a fake 証明書交付センター: ``certificate convenience`` answers the
交付要求 file, and the code on each printed certificate passes ``certificate verify`` as a counter one does."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from adapters.convenience.fake import FakeCertificateCentre
from adapters.formats.registry import PAYMENT_KINDS
from adapters.settings import Settings
from interfaces.bootstrap import build
from interfaces.cli.main import app
from tools.synthetic.generator import generate


def test_convenience_feed_from_the_cli(cli_staff: Any, tmp_path: Path) -> None:
    env = cli_staff("clerk-v")
    runner = CliRunner()
    out = tmp_path / "ward"
    manifest = generate(out, taxpayers=10, seed=6, fiscal_year=2026)
    for f in manifest["files"]:
        if f["kind"] not in PAYMENT_KINDS:
            result = runner.invoke(
                app, ["import", f["kind"], str(out / f["path"]), "--as", "clerk-v"], env=env
            )
            assert result.exit_code in (0, 7), result.output
    levy = runner.invoke(app, ["levy", "run", "--fiscal-year", "2026", "--as", "clerk-v"], env=env)
    assert levy.exit_code == 0, levy.output
    c = build(Settings(database_url=env["JUMINZEI_DATABASE_URL"], var_dir=Path(env["JUMINZEI_VAR_DIR"])))
    try:
        numbers = [r.address_number for r in c.taxpayer_queries.directory.search("", None, 2)]
    finally:
        c.close()
    centre = FakeCertificateCentre()
    request = centre.request_file(tmp_path / "req.csv", [(n, 2026, date(2026, 7, 1)) for n in numbers])
    answer = tmp_path / "answer.csv"
    result = runner.invoke(
        app,
        ["certificate", "convenience", str(request), "--out", str(answer), "--as", "clerk-v", "--json"],
        env=env,
    )
    body = json.loads(result.stdout)
    assert body["requests"] == 2 and body["issued"] + len(body["refused"]) == 2
    centre.receive(answer)
    assert len(centre.printed) == body["issued"] >= 1
    for row in centre.printed:
        check = runner.invoke(app, ["certificate", "verify", row["確認コード"], "--json"], env=env)
        assert check.exit_code == 0 and json.loads(check.stdout)["valid"] is True, check.output
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n", encoding="utf-8")
    refused = runner.invoke(
        app, ["certificate", "convenience", str(bad), "--out", str(answer), "--as", "clerk-v"], env=env
    )
    assert refused.exit_code == 2 and "見出し" in refused.output
