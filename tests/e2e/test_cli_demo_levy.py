"""The demo and the levy CLI contracts, end to end through the `juminzei` CLI on SQLite."""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner

from interfaces.cli.main import app

runner = CliRunner()


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_demo_then_levy_contracts(cli_env: dict[str, str]) -> None:
    demo = invoke("demo", "--taxpayers", "40", "--seed", "4", "--json")
    assert demo.exit_code == 0, demo.output
    summary = json.loads(demo.stdout)
    assert summary["reconciled"] is True
    assert summary["levy"]["levied"] > 0
    assert all(p["lag"] == 0 for p in summary["projections"].values())

    rerun = invoke("levy", "run", "--fiscal-year", "2026", "--as", "demo01", "--json")
    body = json.loads(rerun.stdout)
    assert set(body) >= {"levied", "non_taxable", "skipped", "total_tax"}
    assert (
        body["levied"] == 0
        and body["total_tax"] == 0
        and body["skipped"] == (summary["levy"]["levied"] + summary["levy"]["non_taxable"])
    )

    totals = json.loads(invoke("report", "levy-totals", "--fiscal-year", "2026", "--json").stdout)
    assert set(totals) == {
        "assessments",
        "levied",
        "non_taxable",
        "total_tax",
        "municipal_income_levy",
        "prefectural_income_levy",
        "per_capita_levy",
        "forest_environment_tax",
    }
    assert totals["total_tax"] == summary["levy"]["total_tax"]

    _every_slip_in_the_demo_pdfs_has_one_qr(summary)

    again = json.loads(invoke("demo", "--taxpayers", "40", "--seed", "4", "--json").stdout)
    assert all(i["already_imported"] for i in again["imports"]), "the same demo twice changes nothing"
    assert again["levy"]["levied"] == 0 and again["levy_totals"] == summary["levy_totals"]


def test_assessment_show_is_journaled_and_has_the_trace(cli_env: dict[str, str]) -> None:
    assert invoke("demo", "--taxpayers", "30", "--seed", "2", "--json").exit_code == 0
    from adapters.settings import Settings
    from interfaces.bootstrap import build

    c = build(Settings())
    try:
        assessment = c.app.repository.get(c.ledger.assessments(2026)[0])
        address = c.app.repository.get(assessment.taxpayer_id).address_number
        head = c.app.head()
    finally:
        c.close()
    result = invoke(
        "assessment", "show", "--address-number", address, "--fiscal-year", "2026", "--as", "demo01", "--json"
    )
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    c = build(Settings())
    try:
        journal = c.app.mapper.to_domain_event(
            c.app.recorder.select_notifications(start=head + 1, limit=1)[0]
        )
    finally:
        c.close()
    assert journal.action == "assessment.show" and journal.actor == "demo01"
    assert shown["trace"] and shown["rule_set_id"].startswith("R8")
    assert sum(i["amount"] for i in shown["installments"]) == shown["amounts"]["payable"]
    missing = runner.invoke(
        app, ["assessment", "show", "--address-number", "999999", "--fiscal-year", "2026", "--as", "demo01"]
    )
    assert missing.exit_code == 1 and "999999" in missing.output


def test_survey_explain_replay_and_certificate_cli(cli_staff: Any, tmp_path: Any) -> None:
    assert invoke("demo", "--taxpayers", "60", "--seed", "6", "--json").exit_code == 0
    cli_staff.supervisor = "demo01"  # the demo's signed-in 所属長 enrols the inspector
    cli_staff("inspector01", "監査")
    survey = runner.invoke(
        app, ["report", "tax-status-survey", "--fiscal-year", "2026", "--out", str(tmp_path / "s"), "--json"]
    )
    assert survey.exit_code == 0, survey.output
    body = json.loads(survey.stdout)
    assert body["reconciled"] is True and body["total_tax"] == body["ledger_total_tax"]

    from adapters.settings import Settings
    from interfaces.bootstrap import build

    c = build(Settings())
    try:
        aid = c.ledger.assessments(2026)[0]
        address = c.app.repository.get(c.app.repository.get(aid).taxpayer_id).address_number
    finally:
        c.close()
    explained = runner.invoke(app, ["audit", "explain", str(aid), "--as", "inspector01", "--json"])
    assert explained.exit_code == 0 and json.loads(explained.stdout)["reproduces"] is True
    replayed = json.loads(
        runner.invoke(
            app, ["audit", "replay", str(aid), "--version", "1", "--as", "inspector01", "--json"]
        ).stdout
    )
    assert replayed["version"] == 1 and replayed["timeline"][0]["purpose"] == "当初賦課"

    issued = runner.invoke(
        app,
        [
            "certificate",
            "issue",
            "--taxpayer",
            address,
            "--fiscal-year",
            "2026",
            "--out",
            str(tmp_path / "c.pdf"),
            "--as",
            "demo01",
            "--json",
        ],
    )
    assert issued.exit_code == 0, issued.output
    code = json.loads(issued.stdout)["code"]
    assert runner.invoke(app, ["certificate", "verify", code]).exit_code == 0
    assert (
        runner.invoke(app, ["certificate", "verify", code[:-1] + ("A" if code[-1] != "A" else "B")]).exit_code
        == 1
    )
    verified = runner.invoke(app, ["audit", "verify", "--json"])
    assert verified.exit_code == 0 and json.loads(verified.stdout)["unsealed_tail"] == 0, (
        "CLI batches leave the log sealed"
    )


def test_projections_rebuild_all_matches_incremental(cli_env: dict[str, str]) -> None:
    assert invoke("demo", "--taxpayers", "40", "--seed", "11", "--json").exit_code == 0
    before = {
        p["name"]: p for p in json.loads(invoke("projections", "status", "--json").stdout)["projections"]
    }
    rebuilt = runner.invoke(app, ["projections", "rebuild", "--all", "--json"])
    assert rebuilt.exit_code == 0, rebuilt.output
    reports = json.loads(rebuilt.stdout)["rebuilt"]
    assert {r["name"] for r in reports} == set(before)
    assert all(r["identical"] for r in reports)
    after = json.loads(invoke("projections", "status", "--json").stdout)["projections"]
    for p in after:
        assert set(p) >= {"name", "position", "head", "lag", "checksum", "error"}
        assert p["lag"] == 0 and p["checksum"] == before[p["name"]]["checksum"]
    assert runner.invoke(app, ["projections", "rebuild", "nope"]).exit_code == 2


def _every_slip_in_the_demo_pdfs_has_one_qr(summary: dict[str, Any]) -> None:
    """`zbarimg` on the demo's 納付書 PDFs (納税通知書, 督促状) finds exactly one eL-QR per slip (ADR 0025)."""
    from pathlib import Path

    import pypdfium2 as pdfium

    from domain.documents import el_qr
    from tests_support import decode_qr_codes

    files = [*summary["documents"], *summary["collection"]["dunning"]["files"]]
    slips_pdfs = [Path(f) for f in files if Path(f).name.startswith(("tax-notice-", "dunning-"))]
    assert any(p.name.startswith("tax-notice-") for p in slips_pdfs)
    assert any(p.name.startswith("dunning-") for p in slips_pdfs)
    slips = 0
    for path in slips_pdfs:
        data = path.read_bytes()
        doc = pdfium.PdfDocument(data)
        titles = [doc[i].get_textpage().get_text_range().count("納付書（") for i in range(len(doc))]
        pages = decode_qr_codes(data)
        assert [len(p) for p in pages] == titles, path.name
        for payload in (p for page in pages for p in page):
            el_qr.parse(payload)
        slips += sum(titles)
    assert slips > 0
