"""Our payment-channel CSVs (bank/CVS/eLTAX payments, 特別徴収 remittances, 口座振替 mandates):
write → parse gives equal records; malformed lines are rejected with line and 項目, others still parse."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import ModuleType

import collection_samples as S
import pytest

from adapters.formats import (
    bank_payments,
    cvs_payments,
    debit_mandates,
    eltax_payments,
    employer_remittances,
    pension_remittances,
)
from adapters.formats._base import ParseOutcome
from domain.collection.records import (
    AccountType,
    Channel,
    DebitMandate,
    NoticeReference,
    Receipt,
    RemittanceReference,
)
from domain.intake import RecordError

CASES: list[tuple[ModuleType, str, list[object]]] = [
    (bank_payments, "bank-payments", S.bank_receipts()),  # type: ignore[list-item]
    (cvs_payments, "cvs-payments", S.cvs_receipts()),  # type: ignore[list-item]
    (eltax_payments, "eltax-payments", S.eltax_receipts()),  # type: ignore[list-item]
    (employer_remittances, "employer-remittances", S.remittances(Channel.SPECIAL)),  # type: ignore[list-item]
    (pension_remittances, "pension-remittances", S.remittances(Channel.PENSION)),  # type: ignore[list-item]
    (debit_mandates, "debit-mandates", S.mandates()),  # type: ignore[list-item]
]


def _errors(outcome: ParseOutcome) -> dict[int, RecordError]:  # type: ignore[type-arg]
    errs = {e.line: e for e in outcome.errors}
    assert len(errs) == len(outcome.errors)
    for e in [*outcome.errors, *outcome.file_errors]:
        assert any("\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" for c in e.message)
        for secret in [*S.ACCOUNT_NUMBERS, *S.HOLDERS, "ヤマダ", "0000012345"]:
            assert secret not in e.message, (e.field, e.message)
    return errs


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _replace_cell(line: str, index: int, value: str) -> str:
    cells = line.split(",")
    cells[index] = value
    return ",".join(cells)


@pytest.mark.parametrize(("module", "kind", "records"), CASES, ids=[c[1] for c in CASES])
def test_round_trip(tmp_path: Path, module: ModuleType, kind: str, records: list[object]) -> None:
    p = tmp_path / f"{kind}.csv"
    module.write(p, records)
    out = module.parse(p)
    assert kind == module.KIND and out.kind == kind
    assert out.errors == [] and out.file_errors == [] and out.reconciles
    assert [r.record for r in out.records] == records
    assert [r.line for r in out.records] == list(range(2, 2 + len(records)))
    assert len({r.fingerprint for r in out.records}) == len(records)
    assert len(out.sha256) == 64
    assert _lines(p)[0].split(",") == list(module.HEADER)
    again = tmp_path / "again.csv"
    module.write(again, [r.record for r in out.records])
    assert again.read_bytes() == p.read_bytes()


@pytest.mark.parametrize(("module", "kind", "records"), CASES, ids=[c[1] for c in CASES])
def test_common_malformed_lines(tmp_path: Path, module: ModuleType, kind: str, records: list[object]) -> None:
    p = tmp_path / f"{kind}.csv"
    module.write(p, records)
    lines = _lines(p)
    good = lines[1]
    lines[0] = lines[0].replace(module.HEADER[0], "ID")
    lines += [
        good + ",extra",  # 3 + 1: too many columns
        ",".join(good.split(",")[:-1]),  # too few
        "",  # empty line
        _replace_cell(good, 1, "2026-02-30"),  # column 2 (a date, 区分 or 宛名番号) made invalid
    ]
    _write_lines(p, lines)
    raw = p.read_bytes()
    p.write_bytes(raw + b"\xff\xfe" + b"," * (len(module.HEADER) - 1) + b"\n")  # not UTF-8
    out = module.parse(p)
    errs = _errors(out)
    n = len(records) + 1
    assert [e.field for e in out.file_errors] == ["見出し行"]
    assert errs[n + 1].field == errs[n + 2].field == "項目数"
    assert errs[n + 3].field == "行"
    assert errs[n + 4].field == module.HEADER[1]
    assert errs[n + 5].field == "文字コード"
    assert len(out.records) == len(records)
    assert len(out.items) == out.physical_records == len(records) + 5


def _one_bad(
    tmp_path: Path, module: ModuleType, records: list[object], column: str, value: str
) -> RecordError:
    p = tmp_path / "bad.csv"
    module.write(p, records)
    lines = _lines(p)
    lines[1] = _replace_cell(lines[1], module.HEADER.index(column), value)
    _write_lines(p, lines)
    out = module.parse(p)
    errs = _errors(out)
    assert list(errs) == [2] and len(out.records) == len(records) - 1
    return errs[2]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("受付番号", ""),
        ("受付番号", "番号1"),
        ("金融機関コード", "001"),
        ("店舗コード", "01A"),
        ("年度", "26"),
        ("通知書番号", "12345"),
        ("期別", "5"),
        ("金額", "0"),
        ("金額", '"1,000"'),
        ("金額", "-5"),
        ("金額", ""),
    ],
)
def test_bank_payments_bad_cells(tmp_path: Path, column: str, value: str) -> None:
    assert _one_bad(tmp_path, bank_payments, S.bank_receipts(), column, value).field == column  # type: ignore[arg-type]


def _with_check_digit_off(code: str) -> str:
    return code[:-1] + str((int(code[-1]) + 1) % 10)


@pytest.mark.parametrize(
    ("column", "value", "hint"),
    [
        ("バーコード", _with_check_digit_off(S.CVS_CODE), "チェックデジット"),
        ("バーコード", S.CVS_CODE[:-1], "44桁"),
        ("バーコード", "92" + S.CVS_CODE[2:], "AI"),
        ("バーコード", "", "空欄"),
        ("金額", "12301", "一致しません"),
        ("速報確報区分", "取消", "速報"),
        ("店舗コード", "", "空欄"),
        ("店舗コード", "12-34", "半角英数字"),
    ],
)
def test_cvs_payments_bad_cells(tmp_path: Path, column: str, value: str, hint: str) -> None:
    err = _one_bad(tmp_path, cvs_payments, S.cvs_receipts(), column, value)  # type: ignore[arg-type]
    assert err.field == column and hint in err.message


def test_cvs_barcode_is_read_with_our_free_field() -> None:
    from domain.documents.barcode import compose

    bc, ref = cvs_payments.parse_barcode(S.CVS_CODE)
    assert ref == NoticeReference(2026, "00000012345", 2, reissue=1)
    assert bc.amount == 12_300 and bc.company_code == "959919"
    other_tax = compose(
        company_code="959919",
        fiscal_year=2026,
        notice_number="1",
        period=1,
        payment_deadline=None,
        amount=100,
    )
    other_tax = other_tax[:13] + "2" + other_tax[14:-1]
    from domain.documents.barcode import check_digit

    other_tax += str(check_digit(other_tax))
    with pytest.raises(Exception, match="バーコード"):
        cvs_payments.parse_barcode(other_tax)


@pytest.mark.parametrize(
    ("column", "value"),
    [("eL番号", "EL-123"), ("納付手段", "あ" * 21), ("期別", "12"), ("通知書番号", "1234567890A")],
)
def test_eltax_payments_bad_cells(tmp_path: Path, column: str, value: str) -> None:
    assert _one_bad(tmp_path, eltax_payments, S.eltax_receipts(), column, value).field == column  # type: ignore[arg-type]


def _our_el_number(year: int, notice: str, period: int, reissue: int = 0) -> str:
    """The eL番号 we print on a slip (domain.documents.el_qr)."""
    from domain.documents import el_qr

    payload = el_qr.compose(
        municipality_code="131105",
        collector_code="13110",
        fiscal_year=year,
        notice_number=notice,
        period=period,
        due_date=date(2026, 10, 30),
        amount=30_000,
        reissue=reissue,
    )
    return el_qr.parse(payload).el_number


def test_eltax_line_with_our_el_number_needs_no_notice_columns(tmp_path: Path) -> None:
    el = _our_el_number(2026, "26000012345", 3, reissue=1)
    p = tmp_path / "eltax.csv"
    _write_lines(
        p,
        [
            ",".join(eltax_payments.HEADER),
            f"E1,2026-10-20,スマートフォン決済,{el},,,,30000",
            f"E2,2026-10-21,,{el},2026,26000012345,3,30000",
        ],
    )
    out = eltax_payments.parse(p)
    assert out.errors == []
    refs = [r.record.reference for r in out.records]
    assert refs == [NoticeReference(2026, "26000012345", 3, 1)] * 2
    assert all(r.record.el_number == el for r in out.records)


@pytest.mark.parametrize(
    ("cells", "alter_check_digit"),
    [
        ("2026,26000012345,4", False),  # another 期別 than the eL番号's 納付番号
        ("2025,26000012345,3", False),  # another 年度
        (",,", True),  # the 納付番号's check digit altered: the eL番号 itself is refused
    ],
)
def test_eltax_line_whose_el_number_disagrees_is_rejected(
    tmp_path: Path, cells: str, alter_check_digit: bool
) -> None:
    el = _our_el_number(2026, "26000012345", 3)
    if alter_check_digit:
        digits = el.replace("-", "")
        el = digits[:24] + str((int(digits[24]) + 1) % 10) + digits[25:]  # the 納付番号's check digit
    p = tmp_path / "eltax.csv"
    _write_lines(p, [",".join(eltax_payments.HEADER), f"E1,2026-10-20,,{el},{cells},30000"])
    (err,) = _errors(eltax_payments.parse(p)).values()
    assert err.field == "eL番号" and ("一致しません" in err.message or "チェックデジット" in err.message)


def test_eltax_line_with_another_el_number_still_needs_the_columns(tmp_path: Path) -> None:
    p = tmp_path / "eltax.csv"
    _write_lines(p, [",".join(eltax_payments.HEADER), "E1,2026-10-20,,01234-567890,,,,30000"])
    (err,) = _errors(eltax_payments.parse(p)).values()
    assert err.field == "年度"


@pytest.mark.parametrize(
    ("module", "column", "value"),
    [
        (employer_remittances, "指定番号", ""),
        (employer_remittances, "指定番号", "1234567890123"),
        (employer_remittances, "納入月", "2026-13"),
        (employer_remittances, "納入月", "202606"),
        (employer_remittances, "人員", ""),
        (employer_remittances, "人員", "4.5"),
        (pension_remittances, "年金保険者コード", "ABC"),
        (pension_remittances, "金額", "0"),
        (pension_remittances, "収納日", "2026/07/10"),
        (pension_remittances, "宛名番号", "123"),
        (pension_remittances, "人員", None),  # 宛名番号 on a line of 42 people
    ],
)
def test_remittances_bad_cells(tmp_path: Path, module: ModuleType, column: str, value: str | None) -> None:
    records = S.remittances(Channel.SPECIAL if module is employer_remittances else Channel.PENSION)
    if value is None:  # the cell is fine; another one (宛名番号) makes it wrong
        assert _one_bad(tmp_path, module, records, "宛名番号", "0000100147").field == column  # type: ignore[arg-type]
        return
    assert _one_bad(tmp_path, module, records, column, value).field == column  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("column", "value", "hint"),
    [
        ("金融機関コード", "9999", "金融機関マスタ"),
        ("金融機関コード", "05", "4桁"),
        ("支店コード", "999", "店舗マスタ"),
        ("預金種目", "貯蓄", "普通"),
        ("口座番号", "123456", "7桁"),
        ("口座名義カナ", "山田太郎", "変換できない"),
        ("口座名義カナ", "ア" * 31, "30文字"),
        ("届出区分", "停止", "登録"),
        ("宛名番号", "123", "10桁"),
    ],
)
def test_debit_mandates_bad_cells(tmp_path: Path, column: str, value: str, hint: str) -> None:
    err = _one_bad(tmp_path, debit_mandates, S.mandates(), column, value)  # type: ignore[arg-type]
    assert err.field == column and hint in err.message, err


def test_debit_mandate_kana_is_converted_to_zengin(tmp_path: Path) -> None:
    p = tmp_path / "m.csv"
    debit_mandates.write(p, S.mandates())
    lines = _lines(p)
    lines[1] = _replace_cell(lines[1], debit_mandates.HEADER.index("口座名義カナ"), "ハットリ　キョウコ")
    lines[2] = _replace_cell(lines[2], debit_mandates.HEADER.index("預金種目"), "納税準備預金")
    _write_lines(p, lines)
    out = debit_mandates.parse(p)
    assert out.errors == []
    first, second = (r.record for r in out.records)
    assert isinstance(first, DebitMandate) and first.holder_kana == "ﾊﾂﾄﾘ ｷﾖｳｺ"
    assert second.account_type is AccountType.TAX_RESERVE


def test_writers_refuse_the_wrong_reference(tmp_path: Path) -> None:
    bad = S.remittances(Channel.SPECIAL)[0]
    with pytest.raises(ValueError):
        bank_payments.write(tmp_path / "x.csv", [bad])
    receipt = S.bank_receipts()[0]
    with pytest.raises(ValueError):
        employer_remittances.write(tmp_path / "y.csv", [receipt])
    with pytest.raises(ValueError):
        cvs_payments.write(tmp_path / "z.csv", [receipt])
    assert isinstance(bad, Receipt) and isinstance(bad.reference, RemittanceReference)


def test_stream_matches_parse(tmp_path: Path) -> None:
    p = tmp_path / "b.csv"
    bank_payments.write(p, S.bank_receipts())
    s = bank_payments.stream(p)
    items = list(s)
    assert s.reconciles and len(items) == 2 and s.sha256 == bank_payments.parse(p).sha256


def test_lossy_holder_kana_is_converted_and_reported(tmp_path: Path) -> None:
    """口座名義カナ: full-width input is converted to the Zengin set; every lossy change is reported per line
    (only the changed characters, never the whole name)."""
    path = tmp_path / "mandates.csv"
    path.write_text(
        ",".join(debit_mandates.HEADER)
        + "\nM1,0000100243,登録,2026-04-01,0001,001,普通,1234567,メグロ　ハッタ・ヰ"
        + "\nM2,0000100244,登録,2026-04-01,0001,001,普通,1234568,ﾒｸﾞﾛ ﾀﾛｳ\n",
        encoding="utf-8",
    )
    outcome = debit_mandates.parse(path)
    first, second = (r.record for r in outcome.records)
    assert first.holder_kana == "ﾒｸﾞﾛ ﾊﾂﾀ ｲ" and first.holder_kana_changes == ("ッ→ﾂ", "・→空白", "ヰ→ｲ")
    assert second.holder_kana_changes == ()
    report = debit_mandates.kana_changes(path)
    assert report == [{"line": 2, "field": "口座名義カナ", "changes": ["ッ→ﾂ", "・→空白", "ヰ→ｲ"]}]
    assert all("メグロ" not in str(r) and "ﾒｸﾞﾛ" not in str(r) for r in report)
