"""Round trips: write with each adapter's writer, parse back, get equal records."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import formats_samples as S
import pytest

from adapters.formats import (
    disability,
    eltax_pension,
    eltax_salary,
    employers,
    etax_return,
    furusato_notice,
    kana_normalise,
    public_assistance,
    resident_registry,
)
from adapters.formats._base import sha256_file
from domain.intake import ChangeReason, CollectionMethod, DisabilityClass, ParsedRecord, RegistrationKind


def _roundtrip(module, records, path: Path, **write_kw):  # type: ignore[no-untyped-def]
    module.write(path, records, **write_kw)
    outcome = module.parse(path)
    assert outcome.errors == []
    assert outcome.file_errors == []
    assert [r.record for r in outcome.records] == records
    assert outcome.reconciles
    assert outcome.sha256 == sha256_file(path)
    return outcome


def test_resident_registry_roundtrip(tmp_path: Path) -> None:
    recs = [
        S.resident(1),
        S.resident(
            2, individual_number=None, registration=RegistrationKind.NON_RESIDENT, address_code="14100300000"
        ),
        S.resident(
            1,
            change_reason=ChangeReason.ADDRESS_CHANGE,
            change_date=date(2026, 2, 1),
            address='目黒区 "引用符", カンマ',
        ),
    ]
    out = _roundtrip(resident_registry, recs, tmp_path / "r.csv")
    assert [r.line for r in out.records] == [2, 3, 4]  # line 1 is the header
    assert (tmp_path / "r.csv").read_bytes().startswith("宛名番号,".encode())


@pytest.mark.parametrize(("year", "columns", "layout"), [(2025, 147, "315-R07"), (2024, 144, "315-R06")])
def test_eltax_salary_roundtrip_by_layout_year(tmp_path: Path, year: int, columns: int, layout: str) -> None:
    recs = [
        S.salary(1, year),
        S.salary(2, year, left_on=None, joined_on=date(year, 4, 1), ordinary_collection=False, remarks=""),
        S.salary(
            3,
            year,
            individual_number=None,
            employer_corporate_number=None,
            dependents=(),
            spouse_income=None,
            basic_deduction=None,
            left_on=None,
        ),
    ]
    path = tmp_path / "s.csv"
    out = _roundtrip(eltax_salary, recs, path)
    raw = path.read_bytes()
    assert raw.count(b"\r\n") == 3
    lines = raw.decode("cp932").split("\r\n")[:-1]
    assert all(len(line.split(",")) == columns for line in lines)
    assert {r.record.layout_version for r in out.records} == {layout}
    # フリガナ is half-width in the file, full-width in the record
    assert "ﾔﾏﾀﾞ ﾊﾅｺ" in lines[0]
    assert out.records[0].record.kana == "ヤマダ　ハナコ"


def test_eltax_pension_roundtrip_both_layouts(tmp_path: Path) -> None:
    out = _roundtrip(eltax_pension, [S.pension(1), S.pension(2, remarks="摘要あり")], tmp_path / "p.csv")
    assert out.records[0].record.layout_version == "331-R06J"
    old = _roundtrip(eltax_pension, [S.pension(3, year=2015)], tmp_path / "p_old.csv")
    line = (tmp_path / "p_old.csv").read_bytes().decode("cp932").rstrip("\r\n")
    assert len(line.split(",")) == 49
    assert old.records[0].record.layout_version == "331-H26"


def test_etax_return_roundtrip(tmp_path: Path) -> None:
    recs = [
        S.tax_return(1),
        S.tax_return(
            2,
            collection_method=None,
            donations=(),
            individual_number=None,
            etax_user_id=None,
            address_code=None,
        ),
        S.tax_return(
            3,
            collection_method=CollectionMethod.SPECIAL,
            jan1_address="神奈川県横浜市青葉区本町一丁目１番１号",
        ),
    ]
    out = _roundtrip(etax_return, recs, tmp_path / "t.xml", tax_year=2025)
    assert out.declared_count == 3
    assert [r.line for r in out.records] == [3, 4, 5]


def test_our_csv_formats_roundtrip(tmp_path: Path) -> None:
    _roundtrip(furusato_notice, [S.furusato(1), S.furusato(2, sex=None, amount=1)], tmp_path / "f.csv")
    _roundtrip(
        public_assistance,
        [S.assistance(1), S.assistance(2, end_date=date(2025, 6, 30), individual_number=None)],
        tmp_path / "pa.csv",
    )
    d = _roundtrip(disability, [S.disability_rec(1)], tmp_path / "d.csv")
    assert d.records[0].record.classification is DisabilityClass.SPECIAL
    _roundtrip(employers, [S.employer(1), S.employer(2, corporate_number=None, email="")], tmp_path / "e.csv")


def test_fingerprint_is_stable_and_detects_duplicates(tmp_path: Path) -> None:
    a, b = S.salary(1), S.salary(2)
    out = _roundtrip(eltax_salary, [a, b, a], tmp_path / "dup.csv")
    fps = [r.fingerprint for r in out.records]
    assert fps[0] == fps[2] != fps[1]
    again = eltax_salary.parse(tmp_path / "dup.csv")
    assert [r.fingerprint for r in again.records] == fps
    changed = replace(a, payment_amount=a.payment_amount + 1)
    _roundtrip(eltax_salary, [changed], tmp_path / "c.csv")
    assert eltax_salary.parse(tmp_path / "c.csv").records[0].fingerprint != fps[0]


def test_iter_parse_streams_outcomes(tmp_path: Path) -> None:
    resident_registry.write(tmp_path / "r.csv", [S.resident(i) for i in range(1, 6)])
    it = resident_registry.iter_parse(tmp_path / "r.csv")
    first = next(it)
    assert isinstance(first, ParsedRecord) and first.line == 2
    assert len(list(it)) == 4


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ﾔﾏﾀﾞ ﾊﾅｺ", "ヤマダ　ハナコ"),
        ("やまだ　はなこ", "ヤマダ　ハナコ"),
        ("  ｶﾞｯｺｳ   ﾀﾛｳ ", "ガッコウ　タロウ"),
        ("ｳﾞｨｯﾄｰﾘｵ", "ヴィットーリオ"),
    ],
)
def test_kana_normalise(raw: str, expected: str) -> None:
    assert kana_normalise(raw) == expected


def test_stream_counts_and_single_pass(tmp_path: Path) -> None:
    p = tmp_path / "t.xml"
    etax_return.write(p, [S.tax_return(i) for i in range(1, 4)], tax_year=2025)
    s = etax_return.stream(p)
    assert s.sha256 == sha256_file(p) and not s.reconciles  # not read yet
    lines = [item.line for item in s]
    assert lines == [3, 4, 5]
    assert (s.physical_records, s.accepted, s.rejected, s.declared_count) == (3, 3, 0, 3)
    assert s.reconciles and s.file_errors == []
    with pytest.raises(RuntimeError):
        list(s)
