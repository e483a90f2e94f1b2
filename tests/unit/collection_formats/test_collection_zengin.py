"""Zengin 120-byte files (種別 91 依頼/結果, 種別 21): byte layout, round trips, result codes and
malformed input — every bad record is reported with its line and 項目, never with its value."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import collection_samples as S
import pytest

from adapters.formats import zengin as Z
from domain.collection.records import (
    AccountType,
    Channel,
    DebitRequestLine,
    DebitResultLine,
    NewCode,
    TransferLine,
    ZenginEnd,
    ZenginHeader,
    ZenginTrailer,
    customer_number,
    notice_from_customer_number,
    resolve_mmdd,
)
from domain.intake import RecordError


def _assert_clean_messages(outcome: Z.ZenginOutcome) -> None:  # type: ignore[type-arg]
    secrets = [*S.ACCOUNT_NUMBERS, *S.HOLDERS, "ﾔﾏﾀﾞ", "ｽｽﾞｷ", "12300", "9999999"]
    for e in [*outcome.errors, *outcome.file_errors]:
        assert e.field and e.message
        assert any("\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" for c in e.message)
        for s in secrets:
            assert s not in e.message, (e.field, e.message)


def _one_error(outcome: Z.ZenginOutcome, line: int) -> RecordError:  # type: ignore[type-arg]
    errs = [e for e in outcome.errors if e.line == line]
    assert len(errs) == 1, outcome.errors
    return errs[0]


def _records(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    return data[:-2].split(b"\r\n")


def _patch(raw: bytes, start: int, new: bytes) -> bytes:
    """Replace bytes at 1-based ``start`` (as in the JBA tables)."""
    out = raw[: start - 1] + new + raw[start - 1 + len(new) :]
    assert len(out) == len(raw)
    return out


def _rewrite(path: Path, n: int, new: bytes | None) -> None:
    recs = _records(path.read_bytes())
    if new is None:
        del recs[n - 1]
    else:
        recs[n - 1] = new
    path.write_bytes(b"\r\n".join(recs) + b"\r\n")


# --------------------------------------------------------------------------- layouts and bytes


def test_layouts_sum_to_120_bytes() -> None:
    for layout in (Z.HEADER_91, Z.HEADER_21, Z.DATA_91, Z.DATA_21, Z.TRAILER_91, Z.TRAILER_21, Z.END):
        assert sum(f.length for f in layout) == 120


def test_debit_request_bytes_are_exact(tmp_path: Path) -> None:
    p = tmp_path / "req.txt"
    Z.write_debit_request(p, S.DEBIT_HEADER, S.debit_lines())
    data = p.read_bytes()
    recs = _records(data)
    assert len(data) == 6 * 122
    assert all(len(r) == 120 for r in recs)
    assert [r[:1] for r in recs] == [b"1", b"2", b"2", b"2", b"8", b"9"]
    h = recs[0]
    assert h[0:14] == b"1910" + b"1310000001"
    assert h[14:54] == "ﾒｸﾞﾛｸ(ｶｲｹｲｶﾝﾘｼﾔ)".encode("cp932").ljust(40)
    assert h[54:58] == b"0630" and h[58:62] == b"0001" and h[77:80] == b"001"
    assert h[95:103] == b"11000001" and h[103:] == b" " * 17
    d = recs[1]
    assert d[1:5] == b"0005" and d[20:23] == b"001" and d[38:42] == b"    "
    assert d[42:43] == b"1" and d[43:50] == b"1234567"
    assert d[50:80] == "ﾔﾏﾀﾞ ﾀﾛｳ".encode("cp932").ljust(30)
    assert d[80:90] == b"0000012300" and d[90:91] == b"1"
    assert d[91:111] == b"20261000000123450101" and d[111:112] == b"0" and d[112:] == b" " * 8
    t = recs[4]
    assert t == b"8" + b"000003" + b"000010012300" + b"0" * 36 + b" " * 65
    assert recs[5] == b"9" + b" " * 119
    assert all(0x20 <= b <= 0x7E or 0xA1 <= b <= 0xDF for r in recs for b in r)


def test_debit_request_round_trip(tmp_path: Path) -> None:
    p = tmp_path / "req.txt"
    Z.write_debit_request(p, S.DEBIT_HEADER, S.debit_lines())
    out = Z.parse_debit_request(p)
    assert out.kind == Z.KIND_DEBIT_REQUEST and out.reconciles, (out.errors, out.file_errors)
    assert out.physical_records == 6 and len(out.items) == 6 and out.errors == []
    assert out.headers() == [S.DEBIT_HEADER]
    assert [r.record for r in out.data()] == S.debit_lines()
    assert [r.line for r in out.data()] == [2, 3, 4]
    assert out.trailers() == [ZenginTrailer(S.DEBIT_HEADER.kind, 3, 10_012_300)]
    assert isinstance(out.items[-1], type(out.items[0])) and out.records[-1].record == ZenginEnd()
    assert Z.reserialise(out) == p.read_bytes()
    assert len(out.sha256) == 64


@pytest.mark.parametrize(
    ("newline", "final"), [(b"\r\n", True), (b"\n", True), (b"\r", True), (b"", False), (b"\r\n", False)]
)
def test_tolerant_separators_and_identical_reserialisation(
    tmp_path: Path, newline: bytes, final: bool
) -> None:
    p = tmp_path / "req.txt"
    records = Z.debit_request_records(S.DEBIT_HEADER, S.debit_lines())
    Z.write_records(p, records, newline=newline, final_newline=final)
    out = Z.parse_debit_request(p)
    assert out.reconciles and [r.record for r in out.records] == records
    assert out.newline == newline and out.final_newline == final
    assert Z.reserialise(out) == p.read_bytes()


def test_trailing_eof_byte_is_accepted_and_kept(tmp_path: Path) -> None:
    p = tmp_path / "req.txt"
    Z.write_debit_request(p, S.DEBIT_HEADER, S.debit_lines())
    p.write_bytes(p.read_bytes() + b"\x1a")
    out = Z.parse_debit_request(p)
    assert out.reconciles and out.eof
    assert Z.reserialise(out) == p.read_bytes()


def test_multi_group_file(tmp_path: Path) -> None:
    lines = S.debit_lines()
    group1 = Z.debit_request_records(S.DEBIT_HEADER, lines[:1])[:-1]
    group2 = Z.debit_request_records(replace(S.DEBIT_HEADER, mmdd="0727"), lines[1:])
    p = tmp_path / "multi.txt"
    Z.write_records(p, [*group1, *group2])
    out = Z.parse_debit_request(p)
    assert out.reconciles, out.file_errors
    assert len(out.headers()) == 2 and len(out.trailers()) == 2
    assert Z.reserialise(out) == p.read_bytes()


def test_transfer_round_trip_and_bytes(tmp_path: Path) -> None:
    p = tmp_path / "refund.txt"
    Z.write_transfer(p, S.TRANSFER_HEADER, S.transfer_lines())
    data = p.read_bytes()
    recs = _records(data)
    assert all(len(r) == 120 for r in recs)
    assert recs[0][:4] == b"1210" and recs[0][54:58] == b"0229"
    d1, d2 = recs[1], recs[2]
    assert d1[38:42] == b"    " and d1[91:101] == b"0000012345" and d1[101:111] == b"2026000001"
    assert d1[111:113] == b"  "
    assert d2[38:42] == b"0000" and d2[42:43] == b"4" and d2[111:112] == b"7" and d2[112:113] == b"Y"
    assert d2[91:111] == "ｶﾝﾌﾟ R8-0001/ｶﾝﾌﾟｷﾝ".encode("cp932").ljust(20)
    assert recs[3] == b"8" + b"000002" + b"000000128456" + b" " * 101
    out = Z.parse_transfer(p)
    assert out.kind == Z.KIND_TRANSFER and out.reconciles, (out.errors, out.file_errors)
    assert [r.record for r in out.data()] == S.transfer_lines()
    assert Z.reserialise(out) == data


# --------------------------------------------------------------------------- results


def test_result_with_mixed_codes(tmp_path: Path) -> None:
    codes = "0123489N5"
    p = tmp_path / "result.txt"
    Z.write_debit_result(p, S.DEBIT_HEADER, S.result_lines(codes))
    out = Z.parse_debit_result(p)
    assert out.kind == Z.KIND_DEBIT_RESULT and out.reconciles, (out.errors, out.file_errors)
    lines = Z.debit_results(out)
    assert [pl.record.raw_result_code for pl in lines] == list(codes)
    assert [pl.record.result_code for pl in lines] == [0, 1, 2, 3, 4, 8, 9, 9, 9]
    assert [pl.record.collected for pl in lines] == [True] + [False] * 8
    assert [pl.record.flagged for pl in lines] == [False] + [True] * 8
    assert [pl.record.unknown_code for pl in lines] == [False] * 7 + [True, True]
    meanings = [pl.record.result_meaning for pl in lines]
    assert meanings[:7] == [
        "振替済",
        "資金不足",
        "取引なし",
        "預金者の都合による振替停止",
        "預金口座振替依頼書なし",
        "委託者の都合による振替停止",
        "その他",
    ]
    assert meanings[7] == meanings[8] == "その他（規定外の振替結果コード）"
    # only code 0 becomes money
    receipts = Z.debit_receipts((pl.record for pl in lines), date(2026, 6, 30))
    assert len(receipts) == 1 and receipts[0].channel is Channel.DIRECT_DEBIT
    assert receipts[0].amount == lines[0].record.amount
    # the trailer carries 振替済 / 振替不能 totals
    (trailer,) = out.trailers()
    assert (trailer.collected_count, trailer.failed_count) == (1, 8)
    assert trailer.collected_amount + trailer.failed_amount == trailer.total_amount
    assert Z.reserialise(out) == p.read_bytes()


def test_result_trailer_totals_mismatch_is_named(tmp_path: Path) -> None:
    p = tmp_path / "result.txt"
    Z.write_debit_result(p, S.DEBIT_HEADER, S.result_lines("012"))
    trailer = _records(p.read_bytes())[4]
    _rewrite(p, 5, _patch(trailer, 20, b"000002"))  # 振替済件数 2 instead of 1
    out = Z.parse_debit_result(p)
    assert out.errors == [] and not out.totals_ok and not out.reconciles
    assert [(e.line, e.field) for e in out.file_errors] == [(5, "振替済件数")]
    assert "トレーラ2件、データ・レコード1件" in out.file_errors[0].message
    _assert_clean_messages(out)


def test_request_trailer_total_amount_mismatch(tmp_path: Path) -> None:
    p = tmp_path / "req.txt"
    Z.write_debit_request(p, S.DEBIT_HEADER, S.debit_lines())
    trailer = _records(p.read_bytes())[4]
    _rewrite(p, 5, _patch(trailer, 2, b"000004"))
    out = Z.parse_debit_request(p)
    assert [(e.line, e.field) for e in out.file_errors] == [(5, "合計件数")]
    assert not out.reconciles
    Z.write_debit_request(p, S.DEBIT_HEADER, S.debit_lines())
    _rewrite(p, 5, _patch(trailer, 8, b"000000000001"))
    out = Z.parse_debit_request(p)
    assert [(e.line, e.field) for e in out.file_errors] == [(5, "合計金額")]
    _assert_clean_messages(out)


def test_request_refuses_result_codes(tmp_path: Path) -> None:
    p = tmp_path / "result.txt"
    Z.write_debit_result(p, S.DEBIT_HEADER, S.result_lines("010"))
    out = Z.parse_debit_request(p)
    err = _one_error(out, 3)
    assert err.field == "振替結果コード"
    assert any(e.field == "合計金額" for e in out.file_errors)  # cannot be verified with a bad record
    assert len(out.items) == out.physical_records == 6


# --------------------------------------------------------------------------- malformed


def test_malformed_records_each_name_line_and_field(tmp_path: Path) -> None:
    p = tmp_path / "req.txt"
    Z.write_debit_request(p, S.DEBIT_HEADER, S.debit_lines())
    recs = _records(p.read_bytes())
    d1, d2, d3 = recs[1], recs[2], recs[3]
    recs[1] = d1[:119]  # wrong record length
    recs[2] = _patch(d2, 44, b"12A4567")  # 口座番号 not digits
    recs[3] = _patch(d3, 51, "ﾔｯﾀ".encode("cp932"))  # small kana is not a Zengin character
    p.write_bytes(b"\r\n".join(recs) + b"\r\n")
    out = Z.parse_debit_request(p)
    assert len(out.items) == out.physical_records == 6
    assert (_one_error(out, 2).field, _one_error(out, 3).field, _one_error(out, 4).field) == (
        "レコード長",
        "口座番号",
        "預金者名",
    )
    assert "119バイト" in _one_error(out, 2).message
    assert not out.reconciles
    _assert_clean_messages(out)


@pytest.mark.parametrize(
    ("start", "new", "field"),
    [
        (43, b"4", "預金種目"),  # 貯蓄 is not allowed in 口座振替
        (91, b"7", "新規コード"),
        (81, b" 12300    ", "引落金額"),  # not zero-filled
        (39, b"0000", "ダミー"),
        (2, b"00X1", "引落銀行番号"),
        (92, b"2026A000000012345010", "顧客番号"),
        (112, b" ", "振替結果コード"),
    ],
)
def test_bad_data_fields(tmp_path: Path, start: int, new: bytes, field: str) -> None:
    p = tmp_path / "res.txt"
    Z.write_debit_result(p, S.DEBIT_HEADER, S.result_lines("012"))
    _rewrite(p, 3, _patch(_records(p.read_bytes())[2], start, new))
    out = Z.parse_debit_result(p)
    err = _one_error(out, 3)
    assert err.field == field, err
    assert len(out.records) == 5
    _assert_clean_messages(out)


@pytest.mark.parametrize(
    ("start", "new", "field"),
    [
        (2, b"21", "種別コード"),
        (4, b"2", "コード区分"),
        (55, b"0231", "引落日"),
        (96, b"3", "預金種目（委託者）"),
        (15, "ﾒｸﾞﾛｸ,".encode("cp932"), "委託者名"),
    ],
)
def test_bad_header_fields(tmp_path: Path, start: int, new: bytes, field: str) -> None:
    p = tmp_path / "req.txt"
    Z.write_debit_request(p, S.DEBIT_HEADER, S.debit_lines())
    _rewrite(p, 1, _patch(_records(p.read_bytes())[0], start, new))
    out = Z.parse_debit_request(p)
    assert _one_error(out, 1).field == field
    assert len(out.data()) == 3  # the data records still parse
    _assert_clean_messages(out)


def test_wrong_encoding_is_reported_per_record(tmp_path: Path) -> None:
    p = tmp_path / "req.txt"
    Z.write_debit_request(p, S.DEBIT_HEADER, S.debit_lines())
    recs = _records(p.read_bytes())
    # the same record written in UTF-8 (half-width kana are 3 bytes each)
    recs[1] = recs[1].decode("cp932").encode("utf-8")
    # a double-byte (full-width) character inside 預金者名, length kept at 120 bytes
    recs[2] = _patch(recs[2], 51, "ヤマ".encode("cp932"))
    p.write_bytes(b"\r\n".join(recs) + b"\r\n")
    out = Z.parse_debit_request(p)
    assert _one_error(out, 2).field == "文字コード"
    assert _one_error(out, 3).field == "預金者名"
    assert "文字" in _one_error(out, 3).message
    _assert_clean_messages(out)


def test_ebcdic_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "req.txt"
    Z.write_debit_request(p, S.DEBIT_HEADER, S.debit_lines())
    _rewrite(p, 1, _patch(_records(p.read_bytes())[0], 4, b"1"))
    out = Z.parse_debit_request(p)
    assert [e.field for e in out.file_errors] == ["コード区分"]
    assert "EBCDIC" in out.file_errors[0].message
    assert len(out.errors) == out.physical_records == 6 and out.records == []
    # a genuine EBCDIC file: digits are 0xF0–0xF9, no line separators
    q = tmp_path / "ebcdic.txt"
    q.write_bytes(b"\xf1\xf9\xf1\xf1" + b"\x40" * 116 + b"\xf9" + b"\x40" * 119)
    out = Z.parse_debit_request(q)
    assert out.physical_records == 2 and len(out.errors) == 2
    assert all(e.field == "コード区分" for e in out.errors)


def test_structure_errors(tmp_path: Path) -> None:
    p = tmp_path / "req.txt"
    Z.write_debit_request(p, S.DEBIT_HEADER, S.debit_lines())
    _rewrite(p, 6, None)  # no end record
    out = Z.parse_debit_request(p)
    assert [(e.line, e.field) for e in out.file_errors] == [(0, "レコード構成")]
    assert not out.reconciles
    _rewrite(p, 1, None)  # data before any header
    out = Z.parse_debit_request(p)
    assert (1, "レコード構成") in [(e.line, e.field) for e in out.file_errors]
    _rewrite(p, 1, b"5" + b" " * 119)  # unknown データ区分
    out = Z.parse_debit_request(p)
    assert _one_error(out, 1).field == "データ区分"
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = Z.parse_debit_request(empty)
    assert out.physical_records == 0 and out.file_errors and not out.reconciles


def test_transfer_bad_edi_and_designation(tmp_path: Path) -> None:
    p = tmp_path / "refund.txt"
    Z.write_transfer(p, S.TRANSFER_HEADER, S.transfer_lines())
    recs = _records(p.read_bytes())
    recs[2] = _patch(recs[2], 92, b"A,B")
    recs[1] = _patch(recs[1], 112, b"5")
    p.write_bytes(b"\r\n".join(recs) + b"\r\n")
    out = Z.parse_transfer(p)
    assert _one_error(out, 2).field == "振込指定区分"
    assert _one_error(out, 3).field == "EDI情報"
    # a 種別91 file given to the 21 parser
    q = tmp_path / "req.txt"
    Z.write_debit_request(q, S.DEBIT_HEADER, S.debit_lines())
    assert _one_error(Z.parse_transfer(q), 1).field == "種別コード"


# --------------------------------------------------------------------------- writer guards


def test_writer_refuses_what_does_not_fit() -> None:
    line = S.debit_lines()[0]
    with pytest.raises(ValueError, match="holder_kana"):
        Z.encode_record(replace(line, holder_kana="ﾔｯﾀ"))
    with pytest.raises(ValueError, match="holder_kana"):
        Z.encode_record(replace(line, holder_kana="ｱ" * 31))
    with pytest.raises(ValueError, match="amount"):
        Z.encode_record(replace(line, amount=10**10))
    with pytest.raises(ValueError, match="account_number"):
        Z.encode_record(replace(line, account_number="123456"))
    with pytest.raises(ValueError, match="account_type"):
        Z.encode_record(replace(line, account_type=AccountType.SAVINGS))
    with pytest.raises(ValueError, match="account_type"):
        Z.encode_record(replace(S.transfer_lines()[0], account_type=AccountType.TAX_RESERVE))
    with pytest.raises(ValueError, match="code_division"):
        Z.encode_record(replace(S.DEBIT_HEADER, code_division="1"))
    with pytest.raises(ValueError, match="edi_info"):
        Z.encode_record(replace(S.transfer_lines()[1], edi_info="A,B"))


# --------------------------------------------------------------------------- kana, bank master, helpers


@pytest.mark.parametrize(
    ("text", "expected", "lossy"),
    [
        ("ヤマダ　タロウ", "ﾔﾏﾀﾞ ﾀﾛｳ", []),
        ("やまだ たろう", "ﾔﾏﾀﾞ ﾀﾛｳ", []),
        ("ｶﾞｯｺｳ", "ｶﾞﾂｺｳ", ["ｯ→ﾂ"]),
        ("キョウコ", "ｷﾖｳｺ", ["ョ→ﾖ"]),
        ("コーヒー", "ｺ-ﾋ-", []),
        ("ｺｰﾋｰ", "ｺ-ﾋ-", []),
        ("ヴィヴァルディ", "ｳﾞｲｳﾞｱﾙﾃﾞｲ", ["ィ→ｲ", "ァ→ｱ", "ィ→ｲ"]),
        ("ヲサム", "ｵｻﾑ", ["ヲ→ｵ"]),
        ("ジョン・スミス", "ｼﾞﾖﾝ ｽﾐｽ", ["ョ→ﾖ", "・→空白"]),
        ("ｶ)ﾒｸﾞﾛ", "ｶ)ﾒｸﾞﾛ", []),
        ("Ａｂｃ　１２", "ABC 12", ["ｂ→B", "ｃ→C"]),
        ("山田タロウ", "ﾀﾛｳ", ["山→（削除）", "田→（削除）"]),
        ("  ヤマダ   タロウ  ", "ﾔﾏﾀﾞ ﾀﾛｳ", []),
        ("ヰヱ", "ｲｴ", ["ヰ→ｲ", "ヱ→ｴ"]),
    ],
)
def test_zengin_kana(text: str, expected: str, lossy: list[str]) -> None:
    assert Z.zengin_kana(text) == (expected, lossy)


def test_kana_field_classes() -> None:
    assert Z.zengin_kana("ヲ", "edi") == ("ｦ", [])
    assert Z.zengin_kana("(ｶ)", "shop") == ("ｶ", ["(→（削除）", ")→（削除）"])
    assert Z.truncate_kana("ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾞ", 15) == "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾ"
    assert Z.truncate_kana("ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾞ", 16) == "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾞ"
    assert Z.truncate_kana("ｱｲｳｴｵｶｷｸｹｺｻｼｽ ｿﾞ", 15) == "ｱｲｳｴｵｶｷｸｹｺｻｼｽ"


def test_bank_master() -> None:
    assert Z.bank_branch_problem("0005", "001") is None
    assert Z.bank_branch_problem("9900", "018") is None
    assert Z.bank_branch_problem("9999", "001") == (
        "金融機関コード",
        "金融機関コードが全銀協の金融機関マスタに存在しません。",
    )
    assert Z.bank_branch_problem("0001", "999") is not None
    assert Z.bank_branch_problem("0001", "999")[0] == "支店コード"  # type: ignore[index]
    assert Z.bank_branch_problem("001", "001")[0] == "金融機関コード"  # type: ignore[index]
    assert Z.bank_kana("0005") == "ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ"
    assert Z.bank_kana("9999") == ""
    assert all(Z.is_zengin_text(Z.branch_kana("0005", b), "shop") for b in ("001", "002"))
    assert Z.zengin_code_version().startswith("1.")


def test_request_line_from_mandate() -> None:
    m = S.mandates()[0]
    number = customer_number(fiscal_year=2026, notice_number="00000012345", period=2)
    line = Z.request_line(m, amount=12_300, customer_number=number, new_code=NewCode.FIRST)
    assert isinstance(line, DebitRequestLine)
    assert (line.bank_name, line.branch_name) == ("ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ", "ﾎﾝﾃﾝ")
    assert len(Z.encode_record(line)) == 120


def test_customer_number_and_mmdd() -> None:
    n = customer_number(fiscal_year=2026, notice_number="12345678901", period=4, attempt=2)
    assert n == "20261123456789010402" and len(n) == 20
    ref, attempt = notice_from_customer_number(n)  # type: ignore[misc]
    assert (ref.fiscal_year, ref.notice_number, ref.period, attempt) == (2026, "12345678901", 4, 2)
    assert notice_from_customer_number("0" * 20) is None
    assert resolve_mmdd("0630", date(2026, 6, 1)) == date(2026, 6, 30)
    assert resolve_mmdd("0105", date(2026, 12, 20)) == date(2027, 1, 5)
    assert resolve_mmdd("0229", date(2026, 3, 1)) == date(2028, 2, 29)
    with pytest.raises(ValueError):
        resolve_mmdd("1332", date(2026, 1, 1))


def test_record_types_are_frozen() -> None:
    line = S.result_lines("0")[0]
    assert isinstance(line, DebitResultLine)
    with pytest.raises(AttributeError):
        line.amount = 1  # type: ignore[misc]
    assert isinstance(S.transfer_lines()[0], TransferLine)
    assert isinstance(S.DEBIT_HEADER, ZenginHeader)
