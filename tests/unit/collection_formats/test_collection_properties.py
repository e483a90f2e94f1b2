"""Properties: the kana converter only emits Zengin characters (and is stable on its own output);
any representable 種別91/21 file is written as 120-byte records that parse back equal and re-serialise
to the same bytes."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.formats import zengin as Z
from domain.collection.records import (
    DEBIT_ACCOUNT_TYPES,
    HEADER_ACCOUNT_TYPES,
    TRANSFER_ACCOUNT_TYPES,
    DebitRequestLine,
    DebitResultLine,
    NewCode,
    TransferDesignation,
    TransferLine,
    ZenginHeader,
    ZenginKind,
)

_INPUT_ALPHABET = (
    "あいうえおかがきぎぱぴゃゅょっぁゐゑをゔー"
    "アイウエオカガキギパピャュョッァィゥェォヮヵヶヰヱヲヴー・　"
    "ｱｲｳｴｵｶｷｸｹｺｧｨｩｪｫｯｬｭｮｦﾞﾟｰ･"
    "ABCXYZabcxyz0189ＡＢｃ１２ （）().-/,\\'\"!?&＊"
    "山田太郎髙﨑①Ⅱ€é\t"
)

_SETTINGS = settings(max_examples=150, deadline=None)


@_SETTINGS
@given(st.text(alphabet=_INPUT_ALPHABET, max_size=40), st.sampled_from(["shop", "name", "edi"]))
def test_kana_output_only_permitted(text: str, field_class: Z.FieldClass) -> None:
    out, lossy = Z.zengin_kana(text, field_class)
    assert Z.is_zengin_text(out, field_class)
    assert out == out.strip(" ") and "  " not in out
    assert len(out.encode("cp932")) == len(out)  # single-byte only
    # stable: converting the output again changes nothing and loses nothing
    assert Z.zengin_kana(out, field_class) == (out, [])
    # a lossless conversion dropped nothing: every kana/letter/digit of the input survives in some form
    if not lossy:
        assert len([c for c in out if c not in " ﾞﾟ"]) >= len(
            [c for c in text if c.isalnum() and c not in "ﾞﾟ゛゜"]
        )


@_SETTINGS
@given(st.text(alphabet="".join(sorted(Z.CHARSETS["name"])), max_size=30))
def test_kana_keeps_zengin_text(text: str) -> None:
    normal = " ".join(text.split(" ")).strip(" ")
    normal = " ".join(part for part in normal.split(" ") if part)
    assert Z.zengin_kana(text) == (normal, [])


_NAME_CHARS = "".join(sorted(Z.CHARSETS["name"]))
_SHOP_CHARS = "".join(sorted(Z.CHARSETS["shop"]))
_EDI_CHARS = "".join(sorted(Z.CHARSETS["edi"]))


def _c(alphabet: str, size: int) -> st.SearchStrategy[str]:
    # trailing spaces are padding in a C field, so a value never ends with one
    return st.text(alphabet=alphabet, max_size=size).map(lambda s: s.rstrip(" "))


def _n(size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=size, max_size=size)


_mmdd = st.dates().map(lambda d: f"{d.month:02d}{d.day:02d}")


def _header(kind: ZenginKind) -> st.SearchStrategy[ZenginHeader]:
    return st.builds(
        ZenginHeader,
        kind=st.just(kind),
        originator_code=_n(10),
        originator_name=_c(_NAME_CHARS, 40),
        mmdd=_mmdd,
        bank_code=_n(4),
        bank_name=_c(_SHOP_CHARS, 15),
        branch_code=_n(3),
        branch_name=_c(_SHOP_CHARS, 15),
        account_type=st.sampled_from(sorted(HEADER_ACCOUNT_TYPES, key=lambda t: t.value)),
        account_number=_n(7),
    )


_debit_common = {
    "bank_code": _n(4),
    "bank_name": _c(_SHOP_CHARS, 15),
    "branch_code": _n(3),
    "branch_name": _c(_SHOP_CHARS, 15),
    "account_type": st.sampled_from(sorted(DEBIT_ACCOUNT_TYPES, key=lambda t: t.value)),
    "account_number": _n(7),
    "holder_kana": _c(_NAME_CHARS, 30),
    "amount": st.integers(0, 9_999_999_999),
    "new_code": st.sampled_from(list(NewCode)),
    "customer_number": _n(20),
}
_request_line = st.builds(DebitRequestLine, **_debit_common)  # type: ignore[arg-type]
_result_line = st.builds(
    DebitResultLine,
    raw_result_code=st.sampled_from(list("0123456789NX*ｱ")),
    **_debit_common,  # type: ignore[arg-type]
)
_transfer_line = st.one_of(
    st.builds(
        TransferLine,
        bank_code=_n(4),
        bank_name=_c(_SHOP_CHARS, 15),
        branch_code=_n(3),
        branch_name=_c(_SHOP_CHARS, 15),
        account_type=st.sampled_from(sorted(TRANSFER_ACCOUNT_TYPES, key=lambda t: t.value)),
        account_number=_n(7),
        payee_kana=_c(_NAME_CHARS, 30),
        amount=st.integers(0, 9_999_999_999),
        new_code=st.sampled_from(list(NewCode)),
        customer_code1=st.one_of(st.just(""), _n(10)),
        customer_code2=st.one_of(st.just(""), _n(10)),
        designation=st.sampled_from(list(TransferDesignation)),
        clearing_house=st.one_of(st.just(""), _n(4)),
    ),
    st.builds(
        TransferLine,
        bank_code=_n(4),
        bank_name=st.just(""),
        branch_code=_n(3),
        branch_name=st.just(""),
        account_type=st.sampled_from(sorted(TRANSFER_ACCOUNT_TYPES, key=lambda t: t.value)),
        account_number=_n(7),
        payee_kana=_c(_NAME_CHARS, 30),
        amount=st.integers(0, 9_999_999_999),
        edi=st.just(True),
        edi_info=_c(_EDI_CHARS, 20),
    ),
)
_newline = st.sampled_from([(b"\r\n", True), (b"\r\n", False), (b"\n", True), (b"\r", True), (b"", False)])


def _check(data: bytes, newline: bytes, final: bool, count: int) -> None:
    if newline:
        body = data[: -len(newline)] if final else data
        recs = body.split(newline)
    else:
        recs = [data[i : i + 120] for i in range(0, len(data), 120)]
    assert len(recs) == count and all(len(r) == 120 for r in recs)


@_SETTINGS
@given(_header(ZenginKind.DEBIT), st.lists(_request_line, max_size=6), _newline)
def test_debit_request_round_trip(
    header: ZenginHeader, lines: list[DebitRequestLine], nl: tuple[bytes, bool]
) -> None:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "f.txt"
        records = Z.debit_request_records(header, lines)
        Z.write_records(p, records, newline=nl[0], final_newline=nl[1])
        data = p.read_bytes()
        _check(data, nl[0], nl[1], len(records))
        out = Z.parse_debit_request(p)
        assert out.reconciles, (out.errors, out.file_errors)
        assert [r.record for r in out.records] == records
        assert Z.reserialise(out) == data


@_SETTINGS
@given(_header(ZenginKind.DEBIT), st.lists(_result_line, max_size=6))
def test_debit_result_round_trip(header: ZenginHeader, lines: list[DebitResultLine]) -> None:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "f.txt"
        Z.write_debit_result(p, header, lines)
        data = p.read_bytes()
        _check(data, b"\r\n", True, len(lines) + 3)
        out = Z.parse_debit_result(p)
        assert out.reconciles, (out.errors, out.file_errors)
        parsed = [r.record for r in Z.debit_results(out)]
        assert parsed == lines
        assert sum(x.amount for x in parsed if x.collected) == out.trailers()[0].collected_amount
        assert Z.reserialise(out) == data


@_SETTINGS
@given(_header(ZenginKind.TRANSFER), st.lists(_transfer_line, max_size=6), _newline)
def test_transfer_round_trip(header: ZenginHeader, lines: list[TransferLine], nl: tuple[bytes, bool]) -> None:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "f.txt"
        records = Z.transfer_records(header, lines)
        Z.write_records(p, records, newline=nl[0], final_newline=nl[1])
        data = p.read_bytes()
        _check(data, nl[0], nl[1], len(records))
        out = Z.parse_transfer(p)
        assert out.reconciles, (out.errors, out.file_errors)
        assert [r.record for r in out.records] == records
        assert Z.reserialise(out) == data
