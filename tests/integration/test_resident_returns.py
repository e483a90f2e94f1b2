"""住民税申告書: four-eyes entry (the verifier is never the enterer), mismatch → correction, matching."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from stdnum.jp import in_ as my_number

from application.taxpayers import RegisterTaxpayer
from domain.filings.filing import Filing, FilingKind, FilingStatus
from domain.filings.resident_return import ResidentReturn
from domain.shared.events import CommandContext, DomainError
from domain.shared.person import Sex
from domain.shared.purpose import Purpose
from domain.taxpayer.model import taxpayer_id

NUMBER = "12345678901" + my_number.calc_check_digit("12345678901")


def ctx(actor: str, command_id: str) -> CommandContext:
    return CommandContext(actor=actor, purpose=Purpose.INTAKE, command_id=command_id)


def paper_return() -> ResidentReturn:
    return ResidentReturn(
        tax_year=2025,
        individual_number=NUMBER,
        name="窓口申告子",
        kana="マドグチシンコクコ",
        birth_date=date(1960, 6, 1),
        address="東京都目黒区中目黒1-1",
        public_pension_revenue=1_800_000,
        social_insurance=120_000,
    )


@pytest.fixture
def registered(durable_container: Any) -> Any:
    c = durable_container
    c.taxpayers.register(
        RegisterTaxpayer(
            "777", "窓口申告子", "マドグチシンコクコ", date(1960, 6, 1), Sex.F, "東京都目黒区中目黒1-1"
        ),
        ctx("clerk-a", "reg"),
    )
    c.vault.link(taxpayer_id("777"), NUMBER)
    return c


def test_four_eyes_entry_becomes_a_matched_filing(registered: Any) -> None:
    c = registered
    c.returns.enter("R-1", paper_return(), ctx("clerk-a", "e1"))
    with pytest.raises(DomainError, match="別の職員"):
        c.returns.verify("R-1", paper_return(), ctx("clerk-a", "v0"))
    outcome = c.returns.verify("R-1", paper_return(), ctx("clerk-b", "v1"))
    assert outcome.status == "確認済" and outcome.filing_outcome == "accepted"
    filing: Filing = c.app.repository.get(outcome.filing_id)
    assert filing.kind is FilingKind.RESIDENT_RETURN and filing.taxpayer_id == taxpayer_id("777")
    assert filing.status is FilingStatus.ACTIVE
    assert "individual_number" not in filing.content


def test_mismatch_goes_back_for_correction_naming_items_only(registered: Any) -> None:
    c = registered
    c.returns.enter("R-2", paper_return(), ctx("clerk-a", "e1"))
    typo = replace(paper_return(), social_insurance=210_000, individual_number=None)
    outcome = c.returns.verify("R-2", typo, ctx("clerk-b", "v1"))
    assert outcome.status == "差戻し"
    assert outcome.mismatched_items == ("individual_number", "social_insurance")
    with pytest.raises(DomainError):
        c.returns.verify("R-2", paper_return(), ctx("clerk-c", "v2"))  # must be corrected first
    c.returns.correct("R-2", paper_return(), ctx("clerk-b", "c1"))
    with pytest.raises(DomainError, match="別の職員"):
        c.returns.verify("R-2", paper_return(), ctx("clerk-b", "v3"))  # the corrector cannot verify
    assert c.returns.verify("R-2", paper_return(), ctx("clerk-a", "v4")).status == "確認済"


def test_electronic_submission_is_matched_and_idempotent(registered: Any) -> None:
    c = registered
    first = c.returns.submit_electronic("P-1", paper_return(), ctx("portal", "s1"))
    head = c.app.head()
    again = c.returns.submit_electronic("P-1", paper_return(), ctx("portal", "s2"))
    assert again.filing_id == first.filing_id and again.filing_outcome == "already_received"
    assert c.app.head() == head
    stranger = replace(paper_return(), individual_number=None, name="不明者", kana="フメイシャ")
    assert c.returns.submit_electronic("P-2", stranger, ctx("portal", "s3")).filing_outcome == "税務調査"


def test_cli_rejects_bad_returns_naming_the_field(cli_staff: Any, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from interfaces.cli.main import app

    runner = CliRunner()
    cli_staff("clerk-a")
    bad = {
        "tax_year": 2025,
        "individual_number": "123456789012",
        "name": "x",
        "kana": "エックス",
        "birth_date": "1960-13-01",
        "address": "目黒",
        "salary_revenue": -5,
        "unknown_item": 1,
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    result = runner.invoke(
        app, ["return", "enter", "--receipt", "R-9", "--file", str(path), "--as", "clerk-a"]
    )
    assert result.exit_code == 2
    for field in ("individual_number", "birth_date", "salary_revenue", "unknown_item"):
        assert f"bad.json: {field}" in result.output
    good = {k: v for k, v in bad.items() if k not in ("unknown_item",)}
    good.update(individual_number=NUMBER, birth_date="1960-06-01", salary_revenue=0)
    path.write_text(json.dumps(good, ensure_ascii=False), encoding="utf-8")
    ok = runner.invoke(
        app, ["return", "enter", "--receipt", "R-9", "--file", str(path), "--as", "clerk-a", "--json"]
    )
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["status"] == "確認待ち"
