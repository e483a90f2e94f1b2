"""Malformed input: each bad record is rejected with its line and field, good ones still
parse, every physical record has exactly one outcome, and no message echoes a personal value."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import formats_samples as S

from adapters.formats import (
    disability,
    eltax_pension,
    eltax_salary,
    employers,
    etax_return,
    furusato_notice,
    public_assistance,
    resident_registry,
)
from adapters.formats._base import ParseOutcome
from adapters.formats.layouts.eltax_salary import SALARY_R07
from domain.intake import RecordError

PERSONAL = ("山田", "花子", "ヤマダ", "中目黒", "目黒一丁目", "鈴木", "佐藤", "安藤", "近藤", "高橋")


def _errors_by_line(outcome: ParseOutcome) -> dict[int, RecordError]:  # type: ignore[type-arg]
    errs = {e.line: e for e in outcome.errors}
    assert len(errs) == len(outcome.errors), "one outcome per line"
    return errs


def _assert_no_personal_values(outcome: ParseOutcome, values: list[str]) -> None:  # type: ignore[type-arg]
    for e in [*outcome.errors, *outcome.file_errors]:
        for v in [*values, *PERSONAL]:
            assert v not in e.message, (e.field, e.message)
        assert e.message and any("\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" for c in e.message)


def _rewrite(path: Path, encoding: str, newline: bytes, edits: dict[int, bytes | None]) -> None:
    lines = path.read_bytes().split(newline)
    assert lines[-1] == b""
    body = lines[:-1]
    for n, new in edits.items():
        if new is not None:
            body[n - 1] = new
    path.write_bytes(newline.join(body) + newline)


def _cells(path: Path, n: int, encoding: str, newline: bytes) -> list[str]:
    return path.read_bytes().split(newline)[n - 1].decode(encoding).split(",")


def _join(cells: list[str], encoding: str) -> bytes:
    return ",".join(cells).encode(encoding)


def test_resident_registry_bad_lines(tmp_path: Path) -> None:
    p = tmp_path / "r.csv"
    resident_registry.write(p, [S.resident(i) for i in range(1, 10)])
    enc, nl = "utf-8", b"\n"

    def edit(n: int, col: int, value: str) -> bytes:
        c = _cells(p, n, enc, nl)
        c[col] = value
        return _join(c, enc)

    bad_mn = S.bad_mn(3)
    edits = {
        3: edit(3, 1, bad_mn),  # check digit
        4: edit(4, 2, ""),  # missing 氏名
        5: _join(_cells(p, 5, enc, nl)[:7], enc),  # truncated
        6: edit(6, 2, "山田").replace("山田".encode(), b"\x82\xff\x82"),  # not UTF-8
        7: edit(7, 5, "1980-02-30"),  # bad date
        8: edit(8, 10, "引越し"),  # unknown 異動事由
    }
    _rewrite(p, enc, nl, edits)
    out = resident_registry.parse(p)
    errs = _errors_by_line(out)
    assert {n: e.field for n, e in errs.items()} == {
        3: "個人番号",
        4: "氏名",
        5: "項目数",
        6: "文字コード",
        7: "生年月日",
        8: "異動事由",
    }
    assert "検査用数字" in errs[3].message
    assert sorted(r.line for r in out.records) == [2, 9, 10]
    assert out.physical_records == 9 and out.reconciles
    _assert_no_personal_values(out, [bad_mn, S.mn(3)])


def test_header_mismatch_is_a_file_error_and_rows_still_parse(tmp_path: Path) -> None:
    p = tmp_path / "r.csv"
    resident_registry.write(p, [S.resident(1)])
    p.write_bytes(p.read_bytes().replace("宛名番号".encode(), b"atena", 1))
    out = resident_registry.parse(p)
    assert [e.field for e in out.file_errors] == ["見出し行"]
    assert len(out.records) == 1


def test_eltax_salary_bad_lines(tmp_path: Path) -> None:
    p = tmp_path / "s.csv"
    eltax_salary.write(p, [S.salary(i) for i in range(1, 11)])
    enc, nl = "cp932", b"\r\n"
    idx = SALARY_R07.index

    def edit(n: int, key: str, value: str) -> bytes:
        c = _cells(p, n, enc, nl)
        c[idx[key]] = value
        return _join(c, enc)

    bad = S.bad_mn(2)
    bad_corp = S.corp(3)[:-1] + str((int(S.corp(3)[-1]) + 1) % 10)
    edits = {
        2: edit(2, "my_number", bad),
        3: edit(3, "corporate_number", bad_corp),
        4: edit(4, "name", ""),
        5: _join(_cells(p, 5, enc, nl)[:100], enc),
        6: edit(6, "address", "X").replace(b"X", b"\x82\xff"),
        7: edit(7, "birth_mm", "13"),
        8: edit(8, "year", "03"),  # 令和3年分 → no layout accepts 147 columns for 2021? (315-R06 has 144)
        9: edit(9, "destination_code", "131106"),  # wrong 団体コード check digit
        10: edit(10, "spouse_my_number", S.bad_mn(9)),
    }
    _rewrite(p, enc, nl, edits)
    out = eltax_salary.parse(p)
    errs = _errors_by_line(out)
    assert {n: e.field for n, e in errs.items()} == {
        2: "受給者の個人番号",
        3: "法人番号",
        4: "支払を受ける者の氏名",
        5: "項目数",
        6: "文字コード",
        7: "受給者の生年月日",
        8: "項目数",
        9: "提出先市町村コード",
        10: "控除対象配偶者（個人番号）",
    }
    assert "法人番号の検査用数字" in errs[3].message
    assert [r.line for r in out.records] == [1]
    assert out.physical_records == 10 and out.reconciles
    _assert_no_personal_values(out, [bad, bad_corp, S.mn(2)])


def test_eltax_salary_external_characters_and_blank_lines(tmp_path: Path) -> None:
    p = tmp_path / "s.csv"
    eltax_salary.write(p, [S.salary(1)])
    good = p.read_bytes()
    # a UTF-8 file sent instead of Shift_JIS, a 外字 (user-defined area) and an empty line
    p.write_bytes(good + "315,東京".encode() + b"\r\n" + b"\xf0\x40" + good[2:] + b"\r\n" + good)
    out = eltax_salary.parse(p)
    assert [(e.line, e.field) for e in out.errors] == [(2, "文字コード"), (3, "文字コード"), (4, "行")]
    assert [r.line for r in out.records] == [1, 5]
    assert out.reconciles


def test_eltax_pension_bad_lines(tmp_path: Path) -> None:
    p = tmp_path / "p.csv"
    eltax_pension.write(p, [S.pension(i) for i in range(1, 5)])
    enc, nl = "cp932", b"\r\n"
    from adapters.formats.layouts.eltax_pension import PENSION_R06J

    def edit(n: int, key: str, value: str) -> bytes:
        c = _cells(p, n, enc, nl)
        c[PENSION_R06J.index[key]] = value
        return _join(c, enc)

    _rewrite(
        p, enc, nl, {2: edit(2, "my_number", S.bad_mn(1)), 3: edit(3, "kana", ""), 4: edit(4, "form", "315")}
    )
    out = eltax_pension.parse(p)
    assert [(e.line, e.field) for e in out.errors] == [
        (2, "受給者の個人番号"),
        (3, "カナ氏名"),
        (4, "法定資料の種類"),
    ]
    assert [r.line for r in out.records] == [1]
    assert out.reconciles


def test_etax_return_bad_records(tmp_path: Path) -> None:
    p = tmp_path / "t.xml"
    etax_return.write(p, [S.tax_return(i) for i in range(1, 7)], tax_year=2025)
    lines = p.read_bytes().split(b"\n")
    bad = S.bad_mn(601)
    lines[3] = lines[3].replace(S.mn(601 + 1).encode(), bad.encode())  # record 2 (line 4)
    lines[4] = lines[4].replace(b"</IT>", b"")  # broken XML (line 5)
    lines[5] = lines[5].replace("鈴木".encode(), b"\xff\xfe")  # not UTF-8 (line 6)
    lines[6] = (
        lines[6]
        .replace(b"<gen:mm>5</gen:mm>", b"<gen:mm>2</gen:mm>")
        .replace(b"<gen:dd>5</gen:dd>", b"<gen:dd>31</gen:dd>")
    )
    lines[7] = lines[7].replace(b"<ABB00300>", b"<ABB00300>12x")  # amount not numeric
    lines.insert(8, b"stray text")
    p.write_bytes(b"\n".join(lines))
    out = etax_return.parse(p)
    assert [(e.line, e.field) for e in out.errors] == [
        (4, "個人番号"),
        (5, "XML"),
        (6, "文字コード"),
        (7, "生年月日"),
        (8, "営業等 所得金額（ABB00300）"),
        (9, "行"),
    ]
    assert [r.line for r in out.records] == [3]
    # 6 DATA elements declared, 7 physical records (the stray line counts as one)
    assert out.declared_count == 6 and out.physical_records == 7
    assert not out.reconciles and [e.field for e in out.file_errors] == ["KENSU"]
    _assert_no_personal_values(out, [bad])


def test_etax_refuses_entities_and_truncated_data(tmp_path: Path) -> None:
    p = tmp_path / "t.xml"
    etax_return.write(p, [S.tax_return(1)], tax_year=2025)
    data_line = p.read_bytes().split(b"\n")[2]
    evil = b'<!DOCTYPE DATA [<!ENTITY x "y">]>' + data_line
    multi = data_line.replace(b"<IT ", b"\n<IT ").replace(b"</KOA020>", b"\n</KOA020>")
    p.write_bytes(
        b"\n".join(
            [b'<?xml version="1.0"?>', b'<KOKUZEI_RENKEI KENSU="4">', evil, multi, data_line[:200], b""]
        )
    )
    out = etax_return.parse(p)
    assert [(e.line, e.field) for e in out.errors] == [(3, "XML"), (7, "XML")]
    assert [r.line for r in out.records] == [4]  # a DATA spread over several lines counts once
    assert out.physical_records == 3


def test_our_formats_domain_checks(tmp_path: Path) -> None:
    f = tmp_path / "f.csv"
    furusato_notice.write(
        f,
        [
            S.furusato(1),
            S.furusato(2, sender_code="012190" if S.furusato().sender_code != "012190" else "012191"),
            S.furusato(3, amount=0),
            replace(S.furusato(4), individual_number=None),
        ],
    )
    out = furusato_notice.parse(f)
    assert [(e.line, e.field) for e in out.errors] == [
        (3, "通知元団体コード"),
        (4, "寄附金額"),
        (5, "個人番号"),
    ]

    pa = tmp_path / "pa.csv"
    from datetime import date

    public_assistance.write(pa, [S.assistance(1), S.assistance(2)])
    pa.write_bytes(pa.read_bytes().replace("生活扶助".encode(), "扶助".encode(), 1))
    out_pa = public_assistance.parse(pa)
    assert [(e.line, e.field) for e in out_pa.errors] == [(2, "扶助種別")]
    public_assistance.write(pa, [S.assistance(1, end_date=date(2010, 1, 1))])
    assert [(e.line, e.field) for e in public_assistance.parse(pa).errors] == [(2, "廃止日")]

    d = tmp_path / "d.csv"
    disability.write(d, [S.disability_rec(1, grade="7級"), S.disability_rec(2)])
    assert [(e.line, e.field) for e in disability.parse(d).errors] == [(2, "等級")]

    e = tmp_path / "e.csv"
    bad_corp = S.corp(1)[:-1] + str((int(S.corp(1)[-1]) + 1) % 10)
    employers.write(
        e, [S.employer(1, corporate_number=bad_corp), S.employer(2, postal_code="1530063"), S.employer(3)]
    )
    out_e = employers.parse(e)
    assert [(x.line, x.field) for x in out_e.errors] == [(2, "法人番号"), (3, "郵便番号")]
    _assert_no_personal_values(out_e, [bad_corp])
