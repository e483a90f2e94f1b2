"""Employer CSV (our layout, UTF-8 with BOM, CRLF): round trip and malformed input."""

from __future__ import annotations

from dataclasses import replace

import doc_samples as samples
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.documents.employer_csv import COLUMNS, EmployerCsvError, parse, write


def test_round_trip() -> None:
    model = samples.employer_notice(25)
    data = write(model)
    back = parse(data)
    assert back.rows == model.rows
    assert back.fiscal_year == 2026
    assert back.municipality_code == "131105"
    assert back.employer_number == model.employer_number
    assert back.employer_name == model.employer.name
    assert back.notice_number == model.notice_number
    assert write(replace(model, rows=back.rows)) == data


def test_encoding_and_layout() -> None:
    data = write(samples.employer_notice(2))
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[-1] == "" and len(lines) == 4  # header, 2 rows, final CRLF
    assert lines[0].split(",") == list(COLUMNS)
    assert len(COLUMNS) == 24
    assert lines[0].endswith("5月")
    first = lines[1].split(",")
    assert first[:5] == ["2026", "131105", "00012345", "株式会社　目黒商事", "T2600000042"]
    row = samples.employee_row(1)
    assert first[11] == str(row.annual_tax)
    assert [int(v) for v in first[12:]] == list(row.monthly)


def test_parse_accepts_a_file_without_bom() -> None:
    model = samples.employer_notice(2)
    assert parse(write(model).removeprefix(b"\xef\xbb\xbf")).rows == model.rows


names = st.text(
    st.characters(exclude_categories=["Cs", "Cc"]) | st.sampled_from([",", '"', "\n", "\r"]), max_size=20
)


@given(name=names, employee_number=names)
def test_round_trip_with_awkward_text(name: str, employee_number: str) -> None:
    model = samples.employer_notice(1)
    row = replace(model.rows[0], name=name, employee_number=employee_number)
    model = replace(model, rows=(row,), employer=replace(model.employer, name=name + "社"))
    back = parse(write(model))
    assert back.rows == (row,)
    assert back.employer_name == name + "社"


def _lines() -> list[str]:
    return write(samples.employer_notice(2)).decode("utf-8-sig").split("\r\n")


def _join(lines: list[str]) -> bytes:
    return "\r\n".join(lines).encode("utf-8-sig")


def _with_cell(line_index: int, col: int, value: str) -> bytes:
    lines = _lines()
    cells = lines[line_index].split(",")
    cells[col] = value
    lines[line_index] = ",".join(cells)
    return _join(lines)


@pytest.mark.parametrize(
    ("data", "line", "field"),
    [
        (b"", 1, "見出し行"),
        (_join([*_lines()[:1], ""]), 1, "明細"),
        (_with_cell(0, 0, "年"), 1, "見出し行"),
        (_with_cell(1, 8, "60,000"), 2, "項目数"),
        (_with_cell(1, 8, "6万"), 2, "特別区民税"),
        (_with_cell(2, 12, "-1"), 3, "6月"),
        (_with_cell(1, 12, "0"), 2, "月割額"),
        (_with_cell(1, 11, "1"), 2, "年税額"),
        (_with_cell(2, 2, "99999999"), 3, "特別徴収義務者"),
        (_with_cell(1, 0, "R8"), 2, "年度"),
        (_join([*_lines()[:2], 'a,"b']), 3, "書式"),
    ],
)
def test_malformed_input_names_line_and_field(data: bytes, line: int, field: str) -> None:
    with pytest.raises(EmployerCsvError) as error:
        parse(data)
    assert (error.value.line, error.value.field) == (line, field)
    assert error.value.message  # Japanese text for a clerk


def test_cp932_file_is_rejected_as_wrong_encoding() -> None:
    text = write(samples.employer_notice(1)).decode("utf-8-sig")
    with pytest.raises(EmployerCsvError) as error:
        parse(text.encode("cp932"))
    assert error.value.field == "文字コード"


def test_error_message_does_not_echo_the_value() -> None:
    with pytest.raises(EmployerCsvError) as error:
        parse(_with_cell(1, 8, "秘密の値"))
    assert "秘密の値" not in str(error.value)
