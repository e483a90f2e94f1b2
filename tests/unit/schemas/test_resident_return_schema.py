"""The 住民税申告書 input schema is derived from the domain dataclasses: one list of 記載事項."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError
from stdnum.jp import in_ as my_number

from domain.filings.resident_return import DeclaredDependent, ResidentReturn
from interfaces.schemas.resident_return import DependentIn, ResidentReturnIn, schema_for

NUMBER = "12345678901" + my_number.calc_check_digit("12345678901")


@pytest.mark.parametrize(
    ("model", "record"), [(ResidentReturnIn, ResidentReturn), (DependentIn, DeclaredDependent)]
)
def test_fields_are_the_dataclass_fields_in_order(model: Any, record: Any) -> None:
    assert list(model.model_fields) == [f.name for f in dataclasses.fields(record)]


@pytest.mark.parametrize(
    ("model", "record"), [(ResidentReturnIn, ResidentReturn), (DependentIn, DeclaredDependent)]
)
def test_defaults_are_the_dataclass_defaults(model: Any, record: Any) -> None:
    for f in dataclasses.fields(record):
        if f.name == "individual_number":  # may be left blank on input
            assert not model.model_fields[f.name].is_required()
            continue
        field = model.model_fields[f.name]
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            assert field.is_required(), f.name
        else:
            default = field.get_default(call_default_factory=True)
            assert (tuple(default) if isinstance(default, list) else default) == f.default, f.name


def _full_return() -> dict[str, Any]:
    record = ResidentReturn(
        tax_year=2025,
        individual_number=NUMBER,
        name="窓口申告子",
        kana="マドグチシンコクコ",
        birth_date=date(1960, 6, 1),
        address="東京都目黒区中目黒1-1",
        public_pension_revenue=1_800_000,
        social_insurance=120_000,
        disability="general",
        spouse=DeclaredDependent(
            "配偶者", "窓口一郎", "マドグチイチロウ", date(1958, 1, 2), total_income=300_000
        ),
        dependents=(
            DeclaredDependent("子", "窓口花子", "マドグチハナコ", date(2005, 3, 4), cohabiting=False),
        ),
    )
    data = dataclasses.asdict(record)
    data["dependents"] = list(data["dependents"])
    return {"record": record, "json": data}


def test_a_return_round_trips_to_the_domain_record() -> None:
    sample = _full_return()
    parsed = ResidentReturnIn.model_validate(sample["json"]).to_record()
    assert parsed == sample["record"]
    assert isinstance(parsed.dependents, tuple) and isinstance(parsed.spouse, DeclaredDependent)
    # Same JSON shape on the way out (the HTTP request log records the body).
    assert ResidentReturnIn.model_validate(sample["json"]).model_dump() == sample["json"]


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"salary_revenue": -1}, "salary_revenue"),
        ({"furusato_donations": 10**12 + 1}, "furusato_donations"),
        ({"tax_year": 1999}, "tax_year"),
        ({"name": ""}, "name"),
        ({"disability": "severe"}, "disability"),
        ({"individual_number": "123456789012"}, "individual_number"),
        ({"unknown_item": 1}, "unknown_item"),
        ({"dependents": [{"relationship": "子"}]}, "dependents.0.name"),
    ],
)
def test_bad_input_is_refused_naming_the_field(change: dict[str, Any], where: str) -> None:
    data = _full_return()["json"] | change
    with pytest.raises(ValidationError) as error:
        ResidentReturnIn.model_validate(data)
    assert where in {".".join(str(p) for p in e["loc"]) for e in error.value.errors()}


def test_a_field_type_without_a_rule_fails_at_derivation_naming_it() -> None:
    @dataclasses.dataclass(frozen=True)
    class Odd:
        ratio: float

    with pytest.raises(TypeError, match=r"Odd\.ratio"):
        schema_for(Odd, "OddIn", None, {})
