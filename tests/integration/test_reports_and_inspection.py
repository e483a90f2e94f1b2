"""Reports from read models reconcile with the 課税台帳; inspectors replay and explain (SQLite, PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.formats.registry import read_file
from adapters.reporting import write_survey
from domain.assessment.assessment import Assessment
from domain.reporting import aggregate, survey
from domain.shared.events import CommandContext, DomainError
from domain.shared.purpose import Purpose
from domain.taxpayer.model import Taxpayer
from tools.synthetic.generator import generate


def ctx(command_id: str, purpose: Purpose = Purpose.INITIAL_LEVY, actor: str = "clerk-1") -> CommandContext:
    return CommandContext(actor=actor, purpose=purpose, command_id=command_id)


@pytest.fixture
def levied(durable_container: Any, tmp_path: Path) -> Any:
    c = durable_container
    out = tmp_path / "ward"
    manifest = generate(out, taxpayers=120, seed=8, fiscal_year=2026)
    for f in manifest["files"]:
        c.runner.catch_up()
        c.intake.import_file(read_file(f["kind"], out / f["path"]), ctx(f"i:{f['path']}", Purpose.INTAKE))
    c.runner.catch_up()
    c.levy.run(2026, ctx("levy"))
    c.runner.catch_up()
    return c


def test_survey_totals_equal_the_ledger_even_after_a_reduction(levied: Any, tmp_path: Path) -> None:
    c = levied
    aid = next(a for a in c.ledger.assessments(2026) if c.app.repository.get(a).amounts.payable > 20_000)
    address = c.app.repository.get(c.app.repository.get(aid).taxpayer_id).address_number
    c.assessments.apply_reduction(
        address, 2026, "災害", 12_345, "火災", ctx("r1", Purpose.REDUCTION, "clerk-a")
    )
    c.assessments.decide_reduction(
        address, 2026, True, 12_345, "承認", ctx("r2", Purpose.REDUCTION, "chief-b")
    )
    c.runner.catch_up()
    rows = c.ledger.survey_rows(2026)
    result = survey(rows, fiscal_year=2026)
    ledger = c.ledger.ledger_totals(2026)
    assert result.reconciliation.ok
    assert all(check.ok for check in result.reconcile(ledger)), result.reconcile(ledger)
    assert result.total_tax == c.ledger.totals(2026).total_tax
    files = write_survey(result, tmp_path / "survey")
    assert {f.suffix for f in files} >= {".csv", ".xlsx", ".html"}
    table = aggregate(rows, by=("income_class",), measures=("total_income",), min_cell=10)
    assert any(r["persons"] == "X" for r in table) or all(int(r["persons"]) >= 10 for r in table)


def test_replay_shows_earlier_versions_with_actor_and_purpose(levied: Any) -> None:
    c = levied
    aid = next(iter(c.ledger.assessments(2026)))
    assessment: Assessment = c.app.repository.get(aid)
    address = c.app.repository.get(assessment.taxpayer_id).address_number
    c.assessments.cancel(address, 2026, "1月1日は他区", "131016", ctx("x", Purpose.CORRECTION, "clerk-z"))
    head = c.app.head()
    latest = c.inspection.replay(aid, ctx("a1", Purpose.AUDIT, "inspector"))
    assert latest.version == latest.latest_version == 2 and latest.state["status"] == "取消"
    earlier = c.inspection.replay(aid, ctx("a2", Purpose.AUDIT, "inspector"), version=1)
    assert earlier.state["status"] in ("課税", "非課税")
    assert [(e.event, e.actor, e.purpose) for e in earlier.timeline] == [
        ("Determined", "clerk-1", "当初賦課"),
        ("Cancelled", "clerk-z", "更正"),
    ]
    before = c.inspection.replay(
        aid,
        ctx("a3", Purpose.AUDIT, "inspector"),
        as_of=earlier.timeline[1].timestamp - timedelta(microseconds=1),
    )
    assert before.version == 1
    with pytest.raises(DomainError):
        c.inspection.replay(
            aid, ctx("a4", Purpose.AUDIT, "inspector"), as_of=datetime(2000, 1, 1, tzinfo=UTC)
        )
    assert c.app.head() == head + 3, "each replay was journaled"
    c.runner.catch_up()
    seen = c.access_log.by_subject(str(aid))
    assert [r["actor"] for r in seen] == ["inspector"] * 3 and all(r["purpose"] == "監査" for r in seen)


def test_replay_of_a_taxpayer_decrypts_and_after_erasure_shows_the_placeholder(levied: Any) -> None:
    c = levied
    aid = next(iter(c.ledger.assessments(2026)))
    tid = c.app.repository.get(aid).taxpayer_id
    taxpayer: Taxpayer = c.app.repository.get(tid)
    shown = c.inspection.replay(tid, ctx("t1", Purpose.AUDIT, "inspector"))
    assert shown.state["name"] == taxpayer.name
    c.keystore.destroy(f"taxpayer:{tid}")
    erased = c.inspection.replay(tid, ctx("t2", Purpose.AUDIT, "inspector"))
    assert (
        erased.state["name"] == "（消去済み）" and erased.state["address_number"] == taxpayer.address_number
    )


def test_explain_reproduces_every_levy_line_by_line(levied: Any) -> None:
    c = levied
    for aid in c.ledger.assessments(2026)[:15]:
        result = c.inspection.explain(aid, ctx(f"e:{aid}", Purpose.AUDIT, "inspector"))
        assert result.reproduces, result.differences
        assert result.lines_compared > 10 and result.recorded_total == result.recomputed_total


def test_explain_detects_a_levy_that_no_longer_reproduces(
    levied: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = levied
    aid = next(a for a in c.ledger.assessments(2026) if c.app.repository.get(a).amounts.total > 0)
    import application.inspection as inspection

    real = inspection.compute

    def drifted(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        import dataclasses

        return dataclasses.replace(result, total=result.total + 100)

    monkeypatch.setattr(inspection, "compute", drifted)
    result = c.inspection.explain(aid, ctx("e", Purpose.AUDIT, "inspector"))
    assert not result.reproduces and any(d.id == "total" for d in result.differences)


def test_disclosure_shows_departments_and_purposes_never_staff_names(levied: Any, tmp_path: Path) -> None:
    import pypdfium2

    from adapters.documents.disclosure_pdf import render_disclosure

    c = levied
    aid = next(iter(c.ledger.assessments(2026)))
    tid = c.app.repository.get(aid).taxpayer_id
    c.inspection.replay(tid, ctx("look", Purpose.AUDIT, "staff-secret-yamada"))
    c.runner.catch_up()
    data = c.disclosure.compile(tid, ctx("d", Purpose.DISCLOSURE_REQUEST, "clerk-disclosure"))
    assert data["access_history"] and data["access_history"][0]["purpose"] == "監査"
    assert data["access_history"][0]["department"] == "区民部 税務課"
    assert len(data["provisions"]) >= 5 and data["held"]["assessments"][0]["fiscal_year"] == 2026
    pdf = render_disclosure(data)
    text = "".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(pdf))
    assert "保有個人情報の開示" in text and "利用の記録" in text
    import json

    assert (
        "staff-secret-yamada" not in json.dumps(data, ensure_ascii=False)
        and "staff-secret-yamada" not in text
    )
    assert render_disclosure(data) == pdf
