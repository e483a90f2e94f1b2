"""コンビニ GS1-128 44-digit code: check digit vectors (formats.md §3.2), layout, error detection."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.documents.pdf import gs1_128_widget
from domain.documents import barcode
from domain.documents.barcode import CvsBarcode, check_digit, compose, free_field, human_readable, is_valid

# Verified vectors quoted in shared/reference/formats.md §3.2 (spaces only for readability there).
VECTORS = [
    ("9191234501234567890123456789010103310123000", 3),
    ("9194238617895391785393569273010307311031290", 3),
]


@pytest.mark.parametrize(("body", "cd"), VECTORS)
def test_formats_md_vectors(body: str, cd: int) -> None:
    assert len(body) == 43
    assert check_digit(body) == cd
    assert is_valid(body + str(cd))
    assert not is_valid(body + str((cd + 1) % 10))


def test_parse_splits_the_guideline_fields() -> None:
    code = VECTORS[0][0] + "3"
    parts = CvsBarcode.parse(code)
    assert parts.company_code == "912345"
    assert parts.free_field == "012345678901234567890"  # 21 digits; the 22nd shown in the notes is 再発行区分
    assert parts.reissue == 1
    assert parts.payment_deadline == date(2001, 3, 31)
    assert parts.stamp_flag == 0
    assert parts.amount == 123_000
    assert parts.digits() == code
    assert human_readable(code) == "(91)912345-012345678901234567890-1-010331-0-123000-3"


def test_compose_places_our_free_field_layout() -> None:
    code = compose(
        company_code="912345",
        fiscal_year=2026,
        notice_number="26000012345",
        period=2,
        payment_deadline=date(2026, 8, 31),
        amount=31_000,
        reissue=1,
        client_code="54321",
    )
    assert len(code) == 44 and is_valid(code)
    assert code[0:2] == "91"
    assert code[2:8] == "912345"
    assert code[8:13] == "54321"  # 委託企業コード
    assert code[13] == "1"  # 税目区分 個人住民税 普通徴収
    assert code[14:16] == "26"  # 年度
    assert code[16:27] == "26000012345"  # 通知書番号
    assert code[27:29] == "02"  # 期別
    assert code[29] == "1"  # 再発行区分
    assert code[30:36] == "260831"  # 支払期限日 YYMMDD
    assert code[36] == "0"  # 印紙フラグ
    assert code[37:43] == "031000"  # 金額
    assert CvsBarcode.parse(code).free_field == free_field(
        fiscal_year=2026, notice_number="26000012345", period=2, client_code="54321"
    )


def test_no_deadline_is_999999_and_parses_back_to_none() -> None:
    code = compose(
        company_code="912345", fiscal_year=2026, notice_number="1", period=0, payment_deadline=None, amount=0
    )
    assert code[30:36] == "999999"
    assert CvsBarcode.parse(code).payment_deadline is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"amount": 1_000_000},
        {"amount": -1},
        {"company_code": "12345"},
        {"company_code": "12345a"},
        {"notice_number": "123456789012"},
        {"notice_number": "12-4"},
        {"period": 100},
        {"reissue": 10},
        {"payment_deadline": date(2100, 1, 1)},
    ],
)
def test_compose_rejects_values_that_do_not_fit(kwargs: dict[str, object]) -> None:
    base: dict[str, object] = {
        "company_code": "912345",
        "fiscal_year": 2026,
        "notice_number": "26000012345",
        "period": 1,
        "payment_deadline": date(2026, 6, 30),
        "amount": 31_400,
    }
    with pytest.raises(ValueError):
        compose(**{**base, **kwargs})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "code",
    ["", "91" + "0" * 41, "92" + "0" * 42, "９１" + "0" * 42, "91" + "0" * 41 + "x", "91" + "0" * 43],
)
def test_malformed_codes_are_invalid(code: str) -> None:
    assert not is_valid(code)
    with pytest.raises(ValueError):
        CvsBarcode.parse(code)


codes = st.text(alphabet="0123456789", min_size=41, max_size=41).map(lambda s: "91" + s)


@given(codes, st.data())
def test_any_single_digit_change_is_detected(body: str, data: st.DataObject) -> None:
    code = body + str(check_digit(body))
    assert is_valid(code)
    pos = data.draw(st.integers(min_value=2, max_value=43), label="position")
    new = data.draw(st.sampled_from([d for d in "0123456789" if d != code[pos]]), label="digit")
    assert not is_valid(code[:pos] + new + code[pos + 1 :])


@given(codes)
def test_check_digit_makes_the_weighted_sum_a_multiple_of_ten(body: str) -> None:
    code = body + str(check_digit(body))
    weighted = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(reversed(code)))
    assert weighted % 10 == 0


def _code128_checksum(values: list[int]) -> int:
    return (values[0] + sum(i * v for i, v in enumerate(values[1:], start=1))) % 103


def test_reportlab_symbol_is_gs1_128_start_c_fnc1_and_digit_pairs() -> None:
    code = VECTORS[0][0] + "3"
    widget = gs1_128_widget(code)
    widget.validate()
    encoded = widget.encode()
    start_c, fnc1, stop = 105, 102, 106
    pairs = [int(code[i : i + 2]) for i in range(0, 44, 2)]
    assert encoded[:2] == [start_c, fnc1]
    assert encoded[2:-2] == pairs
    assert encoded[-2] == _code128_checksum(encoded[:-2])
    assert encoded[-1] == stop


def test_widget_refuses_an_invalid_code() -> None:
    with pytest.raises(ValueError):
        gs1_128_widget("91" + "0" * 42)


def test_module_constants() -> None:
    assert barcode.LENGTH == 44 and barcode.AI == "91" and barcode.MAX_AMOUNT == 999_999
