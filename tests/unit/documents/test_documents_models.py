"""Document models: exact JSON round trip, consistency checks, era and yen formatting."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

import doc_samples as samples
import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.documents.models import (
    Addressee,
    CalculationBasis,
    CertificateModel,
    CertificateSubject,
    EmployeeSpecialCollectionModel,
    InstallmentSlip,
    SpecialCollectionRow,
    TaxAmounts,
    TaxNoticeModel,
)
from domain.documents.wareki import amount_text, era_date, era_year, fiscal_year_label, yen

MODELS = {
    "tax_notice": samples.tax_notice,
    "employer_notice": samples.employer_notice,
    "employee_notice": samples.employee_notice,
    "change_notice": samples.change_notice,
    "certificate": samples.certificate,
    "non_taxable_certificate": lambda: samples.certificate("non_taxable"),
    "non_resident_notice": samples.non_resident_notice,
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_to_dict_from_dict_round_trips_through_json(name: str) -> None:
    model = MODELS[name]()
    stored = json.dumps(model.to_dict(), ensure_ascii=False, sort_keys=True)
    back = type(model).from_dict(json.loads(stored))
    assert back == model
    assert back.to_dict() == model.to_dict()


def test_dict_is_plain_json_values() -> None:
    d = samples.tax_notice().to_dict()
    assert d["issue_date"] == "2026-06-10"
    assert d["installments"][0]["amount"] == 31_400
    assert isinstance(d["installments"], list)


def test_from_dict_is_strict() -> None:
    d: dict[str, Any] = samples.tax_notice().to_dict()
    with pytest.raises(ValueError):
        TaxNoticeModel.from_dict({**d, "unexpected": 1})
    bad = json.loads(json.dumps(d))
    bad["taxes"]["municipal_income_levy"] = 71400.0
    with pytest.raises((TypeError, ValueError)):
        TaxNoticeModel.from_dict(bad)


texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
yen_amounts = st.integers(min_value=0, max_value=10**9)


@given(
    name=texts,
    address=texts,
    birth=st.none() | st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 1, 1)),
    amounts=st.lists(yen_amounts, min_size=5, max_size=5),
    basis=st.lists(yen_amounts, min_size=5, max_size=5),
    remarks=st.lists(texts, max_size=3),
)
def test_certificate_round_trip_for_any_text_and_amounts(
    name: str, address: str, birth: date | None, amounts: list[int], basis: list[int], remarks: list[str]
) -> None:
    taxes = TaxAmounts(*amounts)
    model = CertificateModel(
        kind="taxable" if taxes.total else "non_taxable",
        certificate_number="C1",
        fiscal_year=2026,
        issue_date=date(2026, 7, 1),
        issuer=samples.ISSUER,
        subject=CertificateSubject(name=name, address=address, birth_date=birth),
        basis=CalculationBasis(basis[0], basis[1], basis[2], basis[3], basis[4]),
        taxes=taxes if taxes.total else None,
        remarks=tuple(remarks),
        verification_code="X",
    )
    assert CertificateModel.from_dict(json.loads(json.dumps(model.to_dict()))) == model


def test_totals() -> None:
    t = samples.TAXES
    assert (t.municipal_total, t.prefectural_total, t.total) == (74_400, 48_000, 123_400)
    assert samples.tax_notice().ordinary_collection_total == 123_400
    employer = samples.employer_notice(3)
    assert employer.annual_total == sum(r.annual_tax for r in employer.rows)
    assert sum(employer.monthly_totals) == employer.annual_total
    assert samples.change_notice().delta_total == 10_000


def test_inconsistent_models_are_refused() -> None:
    with pytest.raises(ValueError):
        replace(samples.employee_row(1), monthly=(1,) * 12)  # does not add up
    with pytest.raises(ValueError):
        replace(samples.employee_row(1), monthly=(0,) * 11)  # 11 months
    with pytest.raises(ValueError):
        replace(samples.employee_notice(), monthly=(0,) * 12)
    slip = samples.slip(1, 31_400, samples.DUE[0])
    with pytest.raises(ValueError, match="amount"):
        replace(slip, amount=31_401)  # barcode says 31,400
    with pytest.raises(ValueError):
        replace(slip, barcode="91" + "0" * 42)  # wrong check digit
    with pytest.raises(ValueError):
        replace(samples.tax_notice(), installments=())
    with pytest.raises(ValueError):
        replace(samples.tax_notice(), taxes=replace(samples.TAXES, municipal_income_levy=0))  # slips > tax
    with pytest.raises(ValueError):
        replace(samples.certificate(), taxes=None)  # taxable without taxes
    with pytest.raises(ValueError):
        replace(samples.certificate("non_taxable"), taxes=samples.TAXES)
    with pytest.raises(ValueError):
        replace(samples.certificate(), kind="other")
    with pytest.raises(ValueError):
        TaxAmounts(-1, 0, 0, 0, 0)


def test_slip_without_barcode_and_its_cvs_deadline() -> None:
    slip = InstallmentSlip(period=1, label="第1期", amount=1_200_000, due_date=date(2026, 6, 30))
    assert slip.cvs_deadline is None
    assert samples.slip(1, 31_400, samples.DUE[0]).cvs_deadline == samples.DUE[0]


def test_special_collection_row_annual_tax() -> None:
    row = SpecialCollectionRow("", "1", "A", 600, 400, 1_000, (2_000,) + (0,) * 11)
    assert row.annual_tax == 2_000


def test_addressee_postal_code_text() -> None:
    assert Addressee("1538573", "a", "b").postal_code_text == "〒153-8573"
    assert Addressee("153-8573", "a", "b").postal_code_text == "〒153-8573"


def test_employee_model_type() -> None:
    assert isinstance(samples.employee_notice(), EmployeeSpecialCollectionModel)


@pytest.mark.parametrize(
    ("d", "text"),
    [
        (date(2026, 6, 30), "令和8年6月30日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(1926, 12, 25), "昭和元年12月25日"),
        (date(1985, 4, 12), "昭和60年4月12日"),
    ],
)
def test_era_date(d: date, text: str) -> None:
    assert era_date(d) == text


def test_fiscal_year_labels_and_yen() -> None:
    assert fiscal_year_label(2026) == "令和8年度"
    assert fiscal_year_label(2019) == "令和元年度"
    assert fiscal_year_label(2018) == "平成30年度"
    assert fiscal_year_label(1989) == "平成元年度"
    assert era_year(date(2027, 1, 4)) == "令和9年"
    assert yen(123_400) == "123,400円"
    assert yen(0) == "0円"
    assert yen(-1_200) == "△1,200円"
    assert amount_text(1_234_567) == "1,234,567"
    assert amount_text(-5) == "△5"
