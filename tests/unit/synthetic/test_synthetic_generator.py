"""The synthetic municipality: deterministic, complete, parseable, with its anomalies."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from adapters.formats import (
    debit_mandates,
    disability,
    eltax_pension,
    eltax_salary,
    employers,
    etax_return,
    furusato_notice,
    public_assistance,
    resident_registry,
)
from domain.intake import ChangeReason, DependentKind, ParsedRecord, RegistrationKind, SubmissionKind
from interfaces.cli.generate import register
from tools.synthetic.generator import ANOMALY_KINDS, PAYMENT_ANOMALY_KINDS, generate

PARSERS = {
    m.KIND: m
    for m in (
        resident_registry,
        employers,
        public_assistance,
        disability,
        eltax_salary,
        eltax_pension,
        etax_return,
        furusato_notice,
        debit_mandates,
    )
}
N = 2500


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:  # type: ignore[type-arg]
    out = tmp_path_factory.mktemp("synthetic")
    manifest = generate(out, taxpayers=N, seed=7)
    return out, manifest


@pytest.fixture(scope="module")
def parsed(generated):  # type: ignore[no-untyped-def]
    out, manifest = generated
    return {f["kind"]: PARSERS[f["kind"]].parse(out / f["path"]) for f in manifest["files"]}


def _tree(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir())}


def test_byte_identical_for_same_inputs(tmp_path: Path) -> None:
    generate(tmp_path / "a", taxpayers=400, seed=3)
    generate(tmp_path / "b", taxpayers=400, seed=3)
    generate(tmp_path / "c", taxpayers=400, seed=4)
    a, b, c = _tree(tmp_path / "a"), _tree(tmp_path / "b"), _tree(tmp_path / "c")
    assert a == b
    assert a.keys() == c.keys() and a["resident_registry.csv"] != c["resident_registry.csv"]


def test_manifest_lists_existing_files_in_import_order(generated) -> None:  # type: ignore[no-untyped-def]
    out, manifest = generated
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8")) == manifest
    kinds = [f["kind"] for f in manifest["files"]]
    assert kinds[0] == "resident-registry"
    assert set(kinds) >= {
        "resident-registry",
        "eltax-salary",
        "eltax-pension",
        "etax-return",
        "furusato-notice",
        "public-assistance",
        "disability",
    }
    assert kinds.index("eltax-salary") < kinds.index("etax-return")
    for f in manifest["files"]:
        assert (out / f["path"]).is_file()
    listed = {f["path"] for f in manifest["files"]} | {f["path"] for f in manifest["payment_files"]}
    assert {p.name for p in out.iterdir()} == listed | {"manifest.json"}


def test_every_file_parses_without_errors_and_reconciles(generated, parsed) -> None:  # type: ignore[no-untyped-def]
    _, manifest = generated
    for f in manifest["files"]:
        outcome = parsed[f["kind"]]
        assert outcome.errors == [], f["kind"]
        assert outcome.file_errors == [], f["kind"]
        assert outcome.reconciles
        assert outcome.records, f["kind"]
        assert outcome.sha256 == f["sha256"]


def test_encodings(generated) -> None:  # type: ignore[no-untyped-def]
    out, manifest = generated
    enc = {f["kind"]: f["encoding"] for f in manifest["files"]}
    assert enc["eltax-salary"] == enc["eltax-pension"] == "cp932"
    raw = (out / "eltax_salary_315.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    raw.decode("cp932")
    (out / "resident_registry.csv").read_bytes().decode("utf-8")


def test_content_is_realistic(parsed) -> None:  # type: ignore[no-untyped-def]
    residents = [r.record for r in parsed["resident-registry"].records]
    salary = [r.record for r in parsed["eltax-salary"].records]
    reasons = Counter(r.change_reason for r in residents)
    assert reasons[ChangeReason.EXISTING] > 0.8 * len(residents)
    for reason in (
        ChangeReason.MOVE_IN,
        ChangeReason.MOVE_OUT,
        ChangeReason.ADDRESS_CHANGE,
        ChangeReason.BIRTH,
    ):
        assert reasons[reason] > 0, reason
    assert any(r.registration is RegistrationKind.NON_RESIDENT for r in residents)  # 住登外
    assert len({r.household_number for r in residents}) < len({r.address_number for r in residents})
    # ≈ 1 employer per 20 salary earners
    n_employers = len(parsed["employers"].records)
    assert 12 <= len(salary) / n_employers <= 30
    assert any(s.ordinary_collection for s in salary) and not all(s.ordinary_collection for s in salary)
    assert any(s.left_on is not None for s in salary)
    assert any(d.kind is DependentKind.SPOUSE for s in salary for d in s.dependents)
    assert any(d.kind is DependentKind.DEPENDENT_UNDER_16 for s in salary for d in s.dependents)
    amounts = sorted(s.payment_amount for s in salary)
    median = amounts[len(amounts) // 2]
    assert 2_500_000 <= median <= 7_000_000 and amounts[-1] > 10_000_000
    returns = [r.record for r in parsed["etax-return"].records]
    assert any(t.business_income for t in returns) and any(t.real_estate_revenue for t in returns)
    assert any(t.dividend_tax_credit for t in returns) and any(t.donations for t in returns)
    assert (
        parsed["furusato-notice"].records
        and parsed["public-assistance"].records
        and parsed["disability"].records
    )
    assert all(s.destination_code == "131105" for s in salary)


def test_anomalies_are_present_and_real(generated, parsed) -> None:  # type: ignore[no-untyped-def]
    _, manifest = generated
    assert {a["kind"] for a in manifest["anomalies"]} == {*ANOMALY_KINDS, *PAYMENT_ANOMALY_KINDS}
    # the payment-file anomalies are checked in test_sample_payment_files_parse_and_carry_their_anomalies
    anomalies = [a for a in manifest["anomalies"] if a["kind"] in ANOMALY_KINDS]
    salary = {r.line: r for r in parsed["eltax-salary"].records}
    registry = {
        r.record.individual_number: r.record
        for r in parsed["resident-registry"].records
        if r.record.individual_number
    }
    for a in anomalies:
        assert a["file"] == "eltax_salary_315.csv"
        rec: ParsedRecord = salary[a["line"]]  # type: ignore[type-arg]
        report = rec.record
        if a["kind"] == "unmatched_person":
            assert report.individual_number not in registry
        elif a["kind"] == "name_mismatch":
            assert report.individual_number in registry
            assert report.name != registry[report.individual_number].name
        elif a["kind"] == "duplicate_record":
            assert any(r.fingerprint == rec.fingerprint for line, r in salary.items() if line < a["line"])
        elif a["kind"] == "corrected_record":
            assert report.submission_kind is SubmissionKind.CORRECTION
            assert any(
                r.record.recipient_number == report.recipient_number
                and r.record.designation_number == report.designation_number
                for line, r in salary.items()
                if line < a["line"]
            )
        elif a["kind"] == "dependent_claimed_twice":
            numbers = {d.individual_number for d in report.dependents}
            others = [
                r
                for line, r in salary.items()
                if line != a["line"] and numbers & {d.individual_number for d in r.record.dependents}
            ]
            assert others
    normal_lines = set(salary) - {a["line"] for a in anomalies}
    assert all(
        salary[n].record.individual_number in registry
        for n in normal_lines
        if salary[n].record.individual_number
    )


def test_earlier_fiscal_year_uses_that_years_layout(tmp_path: Path) -> None:
    m = generate(tmp_path, taxpayers=150, seed=1, fiscal_year=2025)
    assert m["income_year"] == 2024
    out = eltax_salary.parse(tmp_path / "eltax_salary_315.csv")
    assert out.errors == [] and {r.record.layout_version for r in out.records} == {"315-R06"}
    line = (tmp_path / "eltax_salary_315.csv").read_bytes().split(b"\r\n")[0].decode("cp932")
    assert len(line.split(",")) == 144


def test_cli_generate_json(tmp_path: Path) -> None:
    app = typer.Typer()
    register(app)

    @app.command("other")
    def other() -> None:  # a second command so typer keeps sub-command names
        pass

    result = CliRunner().invoke(
        app, ["generate", "--taxpayers", "120", "--seed", "5", "--out", str(tmp_path), "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["fiscal_year"] == 2026 and summary["income_year"] == 2025
    assert summary["files"][0]["kind"] == "resident-registry"
    assert (tmp_path / "manifest.json").is_file()
    bad = CliRunner().invoke(
        app,
        [
            "generate",
            "--taxpayers",
            "10",
            "--seed",
            "5",
            "--out",
            str(tmp_path / "x"),
            "--fiscal-year",
            "2001",
        ],
    )
    assert bad.exit_code == 2


def test_sample_payment_files_parse_and_carry_their_anomalies(generated) -> None:  # type: ignore[no-untyped-def]
    """Sample receipts (bank, コンビニ, 共通納税) parse cleanly; the unknown reference and the repeated line the
    manifest names are really there."""
    from adapters.formats import bank_payments, cvs_payments, eltax_payments
    from tools.synthetic.generator import UNKNOWN_NOTICE

    out, manifest = generated
    modules = {m.KIND: m for m in (bank_payments, cvs_payments, eltax_payments)}
    assert [f["kind"] for f in manifest["payment_files"]] == list(modules)
    outcomes = {}
    for f in manifest["payment_files"]:
        outcome = modules[f["kind"]].parse(out / f["path"])
        assert outcome.errors == [] and outcome.file_errors == [] and outcome.records, f["kind"]
        assert outcome.sha256 == f["sha256"]
        assert manifest["counts"][f"sample_{f['kind'].replace('-', '_')}"] > 0
        outcomes[f["kind"]] = outcome
    bank = {r.line: r.record for r in outcomes["bank-payments"].records}
    anomalies = {a["kind"]: a for a in manifest["anomalies"] if a["file"] == "sample_bank_payments.csv"}
    unknown = bank[anomalies["unknown_payment_reference"]["line"]]
    assert unknown.reference.notice_number == UNKNOWN_NOTICE
    assert bank[anomalies["duplicate_payment"]["line"]] == unknown
    for r in outcomes["cvs-payments"].records:
        assert r.record.amount == int(r.record.barcode[37:43]), "the amount is the barcode's"
