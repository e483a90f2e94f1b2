"""Assessment lifecycle on SQLite and PostgreSQL: levy batch, kill and resume, 更正, 減免, 退職, 取消."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from adapters.formats.registry import read_file
from domain.assessment.assessment import Assessment
from domain.assessment.values import CollectionMethod
from domain.shared.events import CommandContext, DomainError
from domain.shared.purpose import Purpose
from interfaces.bootstrap import build
from tests_support import write_corrected_salary_report
from tools.synthetic.generator import generate


def ctx(command_id: str, actor: str = "clerk-1", purpose: Purpose = Purpose.INITIAL_LEVY) -> CommandContext:
    return CommandContext(actor=actor, purpose=purpose, command_id=command_id)


def load_ward(c: Any, out: Path, manifest: dict[str, Any]) -> None:
    for f in manifest["files"]:
        c.runner.catch_up()
        c.intake.import_file(
            read_file(f["kind"], out / f["path"]), ctx(f"imp:{f['path']}", purpose=Purpose.INTAKE)
        )
    c.runner.catch_up()


@pytest.fixture
def ward(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    out = tmp_path / "ward"
    return out, generate(out, taxpayers=60, seed=5, fiscal_year=2026)


@pytest.fixture
def levied(durable_container: Any, ward: Any) -> Any:
    load_ward(durable_container, *ward)
    durable_container.levy.run(2026, ctx("levy"))
    durable_container.runner.catch_up()
    return durable_container


def _assessments(c: Any) -> list[Assessment]:
    return [c.app.repository.get(a) for a in c.ledger.assessments(2026)]


def test_levy_assesses_everyone_and_installments_sum(levied: Any) -> None:
    c = levied
    assessments = _assessments(c)
    assert assessments
    totals = c.ledger.totals(2026)
    assert totals.assessments == len(assessments)
    assert totals.levied + totals.non_taxable == len(assessments)
    assert totals.total_tax == sum(a.amounts.payable for a in assessments)
    assert totals.total_tax == (
        totals.municipal_income_levy
        + totals.prefectural_income_levy
        + totals.per_capita_levy
        + totals.forest_environment_tax
    )
    methods = {a.method for a in assessments if a.amounts.total}
    assert CollectionMethod.SALARY in methods and CollectionMethod.ORDINARY in methods
    for a in assessments:
        assert sum(i.amount for i in a.installments) == a.amounts.payable, a.id
        assert a.rule_set_id == "R8-2026.1" and a.tax_input and a.computation["trace"]
        if a.amounts.total == 0:
            assert a.status.value == "非課税"
    # Every levy reached the departments that depend on it (one outbox row per department).
    assert len(c.ledger.outbox()) == len(assessments) * 5


def test_levy_rerun_is_a_no_op(levied: Any) -> None:
    c = levied
    head = c.app.head()
    again = c.levy.run(2026, ctx("levy-again"))
    assert again.levied == again.non_taxable == 0 and again.skipped["賦課済み"] > 0
    assert c.app.head() == head


def test_killed_levy_resumes_to_the_same_totals(
    durable_container: Any, ward: Any, make_settings: Any, tmp_path: Path
) -> None:
    c = durable_container
    load_ward(c, *ward)
    c.levy.chunk_size = 7
    original = c.levy._assess
    calls = {"n": 0}

    def killed(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 20:  # mid-chunk: the third chunk is lost entirely
            raise KeyboardInterrupt("kill -9")
        return original(*args, **kwargs)

    c.levy._assess = killed
    with pytest.raises(KeyboardInterrupt):
        c.levy.run(2026, ctx("levy"))
    c.levy._assess = original
    c.runner.catch_up()
    assert len(c.ledger.assessments(2026)) == 14
    resumed = c.levy.run(2026, ctx("levy-2"))
    assert resumed.skipped["賦課済み"] == 14
    c.runner.catch_up()

    reference = build(make_settings(f"sqlite:///{tmp_path / 'reference.db'}"), upgrade=True)
    try:
        load_ward(reference, *ward)
        reference.levy.run(2026, ctx("levy"))
        reference.runner.catch_up()
        assert c.ledger.totals(2026) == reference.ledger.totals(2026)
    finally:
        reference.close()


def test_corrected_report_after_levy_gives_a_reassessment_with_delta(
    levied: Any, tmp_path: Path, ward: Any
) -> None:
    c = levied
    out, _ = ward
    target = next(
        a for a in _assessments(c) if a.method is CollectionMethod.SALARY and a.basis == "支払報告書"
    )
    path = tmp_path / "corrected_315.csv"
    write_corrected_salary_report(c, out, target, path)
    c.runner.catch_up()
    summary = c.intake.import_file(read_file("eltax-salary", path), ctx("corr", purpose=Purpose.INTAKE))
    assert summary.accepted == 1, summary.errors
    c.runner.catch_up()
    changes = c.levy.reassess_changed(
        2026, ctx("reassess", purpose=Purpose.CORRECTION), "給与支払報告書の訂正"
    )
    assert [aid for aid, _ in changes] == [target.id]
    ((_, delta),) = changes
    assert delta > 0
    after: Assessment = c.app.repository.get(target.id)
    assert after.amounts.payable == target.amounts.payable + delta
    assert sum(i.amount for i in after.installments) == after.amounts.payable
    c.runner.catch_up()
    history = c.ledger.history(target.id)
    assert [h["event"] for h in history] == ["当初賦課", "更正"] and history[1]["delta"] == delta
    assert c.levy.reassess_changed(2026, ctx("again", purpose=Purpose.CORRECTION), "再実行") == []


def test_reduction_needs_a_different_supervisor(levied: Any) -> None:
    c = levied
    a = next(a for a in _assessments(c) if a.amounts.payable > 10_000)
    address = c.app.repository.get(a.taxpayer_id).address_number
    c.assessments.apply_reduction(
        address, 2026, "災害", 10_000, "火災による損害", ctx("r1", "clerk-a", Purpose.REDUCTION)
    )
    with pytest.raises(DomainError, match="所属長"):
        c.assessments.decide_reduction(
            address, 2026, True, 10_000, "承認", ctx("r2", "clerk-a", Purpose.REDUCTION)
        )
    decided = c.assessments.decide_reduction(
        address, 2026, True, 10_000, "承認", ctx("r3", "chief-b", Purpose.REDUCTION)
    )
    assert decided.amounts.payable == a.amounts.payable - 10_000
    assert sum(i.amount for i in decided.installments) == decided.amounts.payable


def test_leaving_mid_year_switches_remaining_months(levied: Any) -> None:
    c = levied
    a = next(a for a in _assessments(c) if a.method is CollectionMethod.SALARY and a.amounts.payable > 50_000)
    address = c.app.repository.get(a.taxpayer_id).address_number
    switched = c.assessments.switch_after_leaving(
        address, 2026, date(2026, 9, 15), "退職", ctx("s", purpose=Purpose.CORRECTION)
    )
    assert switched.method is CollectionMethod.ORDINARY
    assert sum(i.amount for i in switched.installments) == a.amounts.payable
    salary = [i for i in switched.installments if i.method is CollectionMethod.SALARY]
    assert [i.label for i in salary] == ["6月分", "7月分", "8月分", "9月分"]
    ordinary = [i for i in switched.installments if i.method is CollectionMethod.ORDINARY]
    assert ordinary and all(i.due_date and i.due_date > date(2026, 9, 15) for i in ordinary)


def test_leaving_in_january_is_a_lump_sum(levied: Any) -> None:
    c = levied
    a = next(a for a in _assessments(c) if a.method is CollectionMethod.SALARY and a.amounts.payable > 50_000)
    address = c.app.repository.get(a.taxpayer_id).address_number
    switched = c.assessments.switch_after_leaving(
        address, 2026, date(2027, 1, 20), "退職", ctx("s", purpose=Purpose.CORRECTION)
    )
    lump = [i for i in switched.installments if "一括" in i.label]
    assert len(lump) == 1 and sum(i.amount for i in switched.installments) == a.amounts.payable


def test_cancel_forwards_and_zeroes_the_ledger(levied: Any) -> None:
    c = levied
    a = next(a for a in _assessments(c) if a.amounts.payable)
    address = c.app.repository.get(a.taxpayer_id).address_number
    before = c.ledger.totals(2026).total_tax
    c.assessments.cancel(address, 2026, "1月1日は他区に住所", "131016", ctx("x", purpose=Purpose.CORRECTION))
    c.runner.catch_up()
    assert c.ledger.totals(2026).total_tax == before - a.amounts.payable
    with pytest.raises(DomainError):
        c.assessments.cancel(address, 2026, "again", None, ctx("y", purpose=Purpose.CORRECTION))
