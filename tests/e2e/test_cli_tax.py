"""End-to-end tests of ``juminzei tax`` (the sub-app, through typer's CliRunner)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from interfaces.cli.tax import app

runner = CliRunner()


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_calc_contract_fields() -> None:
    payload = {
        "fiscal_year": 2026,
        "taxpayer": {"birth_date": "1974-05-10", "disability": "none"},
        "income": {"salary_revenue": 5_000_000},
        "deductions": {"social_insurance": 700_000, "life_insurance": {"general_new": 80_000}},
        "spouse": None,
        "dependents": [
            {"birth_date": "2010-04-01", "total_income": 0, "disability": "none", "cohabiting": True}
        ],
        "credits": {"furusato_donations": 30_000, "one_stop": True},
    }
    code, out, _ = run("calc", "-", input=json.dumps(payload))
    assert code == 0
    data = json.loads(out)
    assert data["fiscal_year"] == 2026
    assert set(data["non_taxable"]) >= {"per_capita", "income_levy", "reason"}
    assert set(data["income"]) >= {
        "salary_income",
        "public_pension_income",
        "income_adjustment_deduction",
        "total_income",
        "total_income_amount",
    }
    for tax in ("municipal", "prefectural"):
        assert set(data[tax]) >= {
            "income_levy_gross",
            "adjustment_credit",
            "dividend_credit",
            "housing_loan_credit",
            "donation_credit",
            "flat_reduction",
            "income_levy",
            "per_capita_levy",
        }
    assert data["income"]["salary_income"] == 3_560_000
    assert data["total"] == (
        data["municipal"]["income_levy"]
        + data["prefectural"]["income_levy"]
        + data["municipal"]["per_capita_levy"]
        + data["prefectural"]["per_capita_levy"]
        + data["forest_environment_tax"]
    )
    assert all({"step", "value", "parameters", "citation"} <= set(line) for line in data["trace"])
    assert data["deductions"]["total"] == sum(data["deductions"]["items"].values())


def test_calc_from_file(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "in.json"
    path.write_text(
        json.dumps({"fiscal_year": 2025, "income": {"salary_revenue": 1_000_000}}), encoding="utf-8"
    )
    code, out, _ = run("calc", str(path))
    assert code == 0
    assert json.loads(out)["non_taxable"]["per_capita"] is True


def test_calc_invalid_fields_exit_2() -> None:
    bad = {
        "fiscal_year": 2030,
        "income": {"salary_revenue": -1, "unknown": 5},
        "taxpayer": {"disability": "maybe"},
        "dependents": [{"birth_date": "not-a-date"}],
    }
    code, out, err = run("calc", "-", input=json.dumps(bad))
    assert code == 2
    assert out == ""
    for path in (
        "fiscal_year",
        "income.salary_revenue",
        "income.unknown",
        "taxpayer.disability",
        "dependents.0.birth_date",
    ):
        assert path in err
    assert "0以上" in err


def test_calc_malformed_json_exit_2() -> None:
    code, _, err = run("calc", "-", input="{not json")
    assert code == 2 and "malformed JSON" in err
    code, _, err = run("calc", "-", input="[1, 2]")
    assert code == 2 and "JSON object" in err


def test_installments_salary_and_ordinary() -> None:
    code, out, _ = run(
        "installments", "--method", "salary", "--annual-tax", "172500", "--fiscal-year", "2026"
    )
    assert code == 0
    items = json.loads(out)["installments"]
    assert [i["amount"] for i in items] == [15_200] + [14_300] * 11
    code, out, _ = run(
        "installments", "--method", "ordinary", "--annual-tax", "172500", "--fiscal-year", "2026"
    )
    items = json.loads(out)["installments"]
    assert items[2] == {"label": "第3期", "due_date": "2026-11-02", "amount": 43_000}


def test_installments_pension() -> None:
    code, out, _ = run(
        "installments",
        "--method",
        "pension",
        "--annual-tax",
        "36000",
        "--fiscal-year",
        "2026",
        "--previous-pension-tax",
        "60000",
    )
    assert code == 0
    items = json.loads(out)["installments"]
    assert [i["amount"] for i in items] == [10_000] * 3 + [2_000] * 3
    assert items[0]["due_date"] is None


def test_installments_invalid() -> None:
    code, _, err = run("installments", "--method", "ordinary", "--annual-tax", "-5", "--fiscal-year", "2031")
    assert code == 2 and "--annual-tax" in err and "--fiscal-year" in err


def test_late_fee() -> None:
    code, out, _ = run("late-fee", "--tax", "100500", "--due-date", "2025-10-31", "--paid-date", "2026-03-15")
    assert code == 0
    data = json.loads(out)
    assert data["late_fee"] == sum(s["amount"] for s in data["segments"]) // 100 * 100
    assert [s["rate"] for s in data["segments"]] == ["2.4%", "8.7%", "9.1%"]
    assert data["segments"][0] == {
        "from": "2025-11-01",
        "to": "2025-11-30",
        "days": 30,
        "rate": "2.4%",
        "amount": 197,
    }


def test_late_fee_due_date_on_holiday_is_moved() -> None:
    # 2027-01-01 is closed → legal 納期限 2027-01-04: paying on the 4th is on time.
    code, out, _ = run("late-fee", "--tax", "100000", "--due-date", "2027-01-01", "--paid-date", "2027-01-04")
    assert code == 0 and json.loads(out) == {"late_fee": 0, "segments": []}


def test_late_fee_invalid_date() -> None:
    code, _, err = run("late-fee", "--tax", "1000", "--due-date", "2025-13-01", "--paid-date", "x")
    assert code == 2 and "--due-date" in err and "--paid-date" in err
