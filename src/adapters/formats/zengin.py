"""全銀協 120-byte fixed-length files: 預金口座振替 (種別 91, 依頼明細・処理結果明細) and 総合振込 (種別 21).

Authority: 全国銀行協会「全銀協パーソナル・コンピュータ用標準通信プロトコル（ベーシック手順）適用業務および
レコード・フォーマット」 (令和元年12月版) §15–16 預金口座振替, §8 総合振込, 付録1 使用文字一覧, 付録3 預金種目
コード — as read second-hand in shared/reference/formats.md §1.1–1.5 [A] (drag0sd0g/zengin4j docs, bank
sheets of 群馬銀行・宮崎銀行・北國銀行 and others). The byte tables are in docs/formats/zengin.md.

Rules implemented (formats.md §1.1):

* every record is exactly 120 bytes; records are typed by byte 1 (データ区分 1 header, 2 data,
  8 trailer, 9 end); the grammar is ``(1 2* 8)+ 9`` (more than one group is legal);
* N = ASCII digits, right-justified, zero-filled; C = single-byte characters, left-justified,
  space-filled; ダミー = spaces;
* encoding ``cp932`` restricted to single-byte characters (ASCII + half-width katakana, which is
  byte-identical to JIS X 0201 8-bit, コード区分 ``0``); コード区分 ``1`` (EBCDIC) is refused;
* writers put CR LF after every record (default); readers accept CRLF, CR, LF or no separator
  (120-byte blocks), a missing final separator and a trailing EOF byte (0x1A), and remember what
  they read so that :func:`reserialise` gives back the same bytes.
* the 預金口座振替 request and result share one layout (JBA §16 「次の項目以外は依頼明細と同一」):
  振替結果コード is ``0`` in a request and the trailer's 振替済/振替不能 are zero; in a result they are
  filled and checked against the data records (mismatch → ``file_errors`` naming the 項目).
* 振替結果コード (formats.md §1.3): 0 振替済, 1 資金不足, 2 取引なし, 3 預金者の都合による振替停止,
  4 預金口座振替依頼書なし, 8 委託者の都合による振替停止, 9 その他; any other value is treated as 9 and
  flagged (``DebitResultLine.unknown_code``). Only code 0 is collected money.

Every physical record yields exactly one ``ParsedRecord`` or one ``RecordError`` (DESIGN §2.4).
Messages are Japanese and never contain a value from the record (口座番号, 名義, 金額).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Generic, Literal, TypeVar

import jaconv
from zengin_code import Bank

from adapters.formats._base import FieldError, ParseOutcome, sha256_file
from application.usecases.collection import DebitResultFile
from domain.collection.records import (
    DEBIT_ACCOUNT_TYPES,
    HEADER_ACCOUNT_TYPES,
    TRANSFER_ACCOUNT_TYPES,
    AccountType,
    Channel,
    DebitMandate,
    DebitReference,
    DebitRequestLine,
    DebitResultLine,
    NewCode,
    Receipt,
    TransferDesignation,
    TransferLine,
    ZenginEnd,
    ZenginHeader,
    ZenginKind,
    ZenginRecord,
    ZenginTrailer,
    result_code,
)
from domain.intake import ParsedRecord, RecordError, fingerprint

KIND_DEBIT_REQUEST = "zengin-debit-request"
KIND_DEBIT_RESULT = "zengin-debit-result"
KIND_TRANSFER = "zengin-transfer"
ENCODING = "cp932"
RECORD_LENGTH = 120
CRLF = b"\r\n"
EOF = b"\x1a"

T = TypeVar("T")

# --------------------------------------------------------------------------- character set

# 付録1 使用文字一覧 (formats.md §1.5): half-width katakana without ｦ and small kana, ﾞ ﾟ, A–Z, 0–9, space.
_KANA = "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝﾞﾟ"
_BASE = _KANA + "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 "
FieldClass = Literal["shop", "name", "edi"]
CHARSETS: dict[FieldClass, frozenset[str]] = {
    "shop": frozenset(_BASE + "-"),  # 店舗名 (bank/branch names)
    "name": frozenset(_BASE + "().-"),  # 名義 (委託者名・預金者名・受取人名), strict JBA list
    "edi": frozenset(_BASE + "ｦ\\｢｣()-/."),  # EDI情報; never ","
}

_SMALL = dict(zip("ァィゥェォッャュョヮヵヶｧｨｩｪｫｯｬｭｮ", "ｱｲｳｴｵﾂﾔﾕﾖﾜｶｹｱｲｳｴｵﾂﾔﾕﾖ", strict=True))
_OBSOLETE = {"ヰ": "ｲ", "ヱ": "ｴ", "ゐ": "ｲ", "ゑ": "ｴ"}
_LONG_VOWEL = frozenset("ーｰ－‐‑–—―−")
_SPACES = frozenset(" \u3000\t")


@dataclass(frozen=True)
class KanaConversion:
    """Result of :func:`convert_kana`. ``changes`` lists lossy substitutions (e.g. ``ッ→ﾂ``) and
    ``unsupported`` lists characters that were dropped (e.g. kanji). Both contain characters of
    the input (part of a name): show them to the clerk, never log them."""

    converted: str
    changes: list[str]
    unsupported: list[str]

    @property
    def lossy(self) -> list[str]:
        return [*self.changes, *self.unsupported]


def convert_kana(text: str, field_class: FieldClass = "name") -> KanaConversion:
    """Convert a kana name to the Zengin character set of ``field_class`` (formats.md §1.5).

    Full-width → half-width (ガ → ｶﾞ, the mark becomes its own byte), hiragana → katakana, 長音
    (ー, ｰ, －, dashes) → ``-`` (0x2D, not ｰ), 中黒 ・ → space (lossy), small kana → large (lossy), ヰ/ヱ → ｲ/ｴ (lossy), ヲ → ｵ
    outside EDI (lossy), lowercase → uppercase (lossy), full-width space → space, runs of spaces
    collapsed and the ends trimmed. Anything else (kanji, unsupported symbols) is dropped and reported.
    """
    allowed = CHARSETS[field_class]
    out: list[str] = []
    changes: list[str] = []
    unsupported: list[str] = []
    for ch in text:
        if ch in _SPACES:
            if out and out[-1] != " ":
                out.append(" ")
            continue
        if ch in _LONG_VOWEL:
            rep = "-"
        elif ch in "・･":  # 中黒 between given and family name → the name separator (space)
            changes.append(f"{ch}→空白")
            if out and out[-1] != " ":
                out.append(" ")
            continue
        elif ch in _SMALL:
            rep = _SMALL[ch]
            changes.append(f"{ch}→{rep}")
        elif ch in _OBSOLETE:
            rep = _OBSOLETE[ch]
            changes.append(f"{ch}→{rep}")
        elif ch in "ヲをｦ":
            rep = "ｦ" if "ｦ" in allowed else "ｵ"
            if rep != "ｦ":
                changes.append(f"{ch}→{rep}")
        else:
            rep = _to_halfwidth(ch)
            if rep.upper() != rep and rep.isascii():
                changes.append(f"{ch}→{rep.upper()}")
                rep = rep.upper()
        small_in_rep = "".join(_SMALL.get(c, c) for c in rep)
        if small_in_rep != rep:  # e.g. ゃ → ｬ by jaconv
            changes.append(f"{ch}→{small_in_rep}")
            rep = small_in_rep
        if rep and all(c in allowed for c in rep):
            out.append(rep)
        else:
            unsupported.append(f"{ch}→（削除）")
    return KanaConversion("".join(out).strip(" "), changes, unsupported)


def _to_halfwidth(ch: str) -> str:
    ch = jaconv.hira2kata(ch)
    if "\uff01" <= ch <= "\uff5e":  # full-width ASCII
        ch = unicodedata.normalize("NFKC", ch)
    return str(jaconv.z2h(ch, kana=True, ascii=True, digit=True))


def zengin_kana(text: str, field_class: FieldClass = "name") -> tuple[str, list[str]]:
    """``(converted, lossy)``: the Zengin form of a kana name and every lossy change made (small kana,
    ヰヱヲ, lowercase, dropped characters). See :func:`convert_kana`."""
    conv = convert_kana(text, field_class)
    return conv.converted, conv.lossy


def is_zengin_text(text: str, field_class: FieldClass = "name") -> bool:
    allowed = CHARSETS[field_class]
    return all(c in allowed for c in text)


def truncate_kana(text: str, length: int) -> str:
    """Cut to ``length`` bytes without separating a kana from its ﾞ/ﾟ mark (formats.md §1.5)."""
    if len(text) <= length:
        return text
    cut = text[:length]
    if text[length] in "ﾞﾟ":
        cut = cut[:-1]
    return cut.rstrip(" ")


# --------------------------------------------------------------------------- bank master


def zengin_code_version() -> str:
    """The dated version of the installed bank/branch master (formats.md §6)."""
    import zengin_code

    return str(zengin_code.__version__)


def bank_branch_problem(bank_code: str, branch_code: str) -> tuple[str, str] | None:
    """``(項目, message)`` if the bank or branch code is malformed or unknown to ``zengin-code``."""
    if not (len(bank_code) == 4 and bank_code.isascii() and bank_code.isdigit()):
        return "金融機関コード", "金融機関コードは4桁の半角数字で記載してください。"
    if not (len(branch_code) == 3 and branch_code.isascii() and branch_code.isdigit()):
        return "支店コード", "支店コードは3桁の半角数字で記載してください。"
    bank = Bank.all.get(bank_code)
    if bank is None:
        return "金融機関コード", "金融機関コードが全銀協の金融機関マスタに存在しません。"
    if branch_code not in bank.branches:
        return "支店コード", "支店コードが当該金融機関の店舗マスタに存在しません。"
    return None


def bank_kana(bank_code: str) -> str:
    """Half-width Zengin 店舗名 of the bank (≤ 15 bytes), ``""`` if unknown."""
    bank = Bank.all.get(bank_code)
    return "" if bank is None else truncate_kana(convert_kana(bank.kana, "shop").converted, 15)


def branch_kana(bank_code: str, branch_code: str) -> str:
    """Half-width Zengin 店舗名 of the branch (≤ 15 bytes), ``""`` if unknown."""
    bank = Bank.all.get(bank_code)
    branch = None if bank is None else bank.branches.get(branch_code)
    return "" if branch is None else truncate_kana(convert_kana(branch.kana, "shop").converted, 15)


# --------------------------------------------------------------------------- layouts


@dataclass(frozen=True)
class _F:
    label: str
    length: int
    attr: Literal["N", "C", "X"]  # X = blank-or-digits, or the raw result code
    charset: FieldClass | Literal["blank", "any"] = "any"


def _layout(*fields: _F) -> tuple[_F, ...]:
    assert sum(f.length for f in fields) == RECORD_LENGTH, [f.label for f in fields]
    return fields


def _header_layout(kind: ZenginKind) -> tuple[_F, ...]:
    debit = kind is ZenginKind.DEBIT
    return _layout(
        _F("データ区分", 1, "N"),
        _F("種別コード", 2, "N"),
        _F("コード区分", 1, "N"),
        _F("委託者コード" if debit else "振込依頼人コード", 10, "N"),
        _F("委託者名" if debit else "振込依頼人名", 40, "C", "name"),
        _F("引落日" if debit else "振込指定日", 4, "N"),
        _F("取引銀行番号" if debit else "仕向銀行番号", 4, "N"),
        _F("取引銀行名" if debit else "仕向銀行名", 15, "C", "shop"),
        _F("取引支店番号" if debit else "仕向支店番号", 3, "N"),
        _F("取引支店名" if debit else "仕向支店名", 15, "C", "shop"),
        _F("預金種目（委託者）" if debit else "預金種目（依頼人）", 1, "N"),
        _F("口座番号（委託者）" if debit else "口座番号（依頼人）", 7, "N"),
        _F("ダミー", 17, "C", "blank"),
    )


HEADER_91 = _header_layout(ZenginKind.DEBIT)
HEADER_21 = _header_layout(ZenginKind.TRANSFER)
DATA_91 = _layout(
    _F("データ区分", 1, "N"),
    _F("引落銀行番号", 4, "N"),
    _F("引落銀行名", 15, "C", "shop"),
    _F("引落支店番号", 3, "N"),
    _F("引落支店名", 15, "C", "shop"),
    _F("ダミー", 4, "C", "blank"),
    _F("預金種目", 1, "N"),
    _F("口座番号", 7, "N"),
    _F("預金者名", 30, "C", "name"),
    _F("引落金額", 10, "N"),
    _F("新規コード", 1, "N"),
    _F("顧客番号", 20, "N"),
    _F("振替結果コード", 1, "X"),
    _F("ダミー", 8, "C", "blank"),
)
DATA_21 = _layout(
    _F("データ区分", 1, "N"),
    _F("被仕向銀行番号", 4, "N"),
    _F("被仕向銀行名", 15, "C", "shop"),
    _F("被仕向支店番号", 3, "N"),
    _F("被仕向支店名", 15, "C", "shop"),
    _F("手形交換所番号", 4, "X"),
    _F("預金種目", 1, "N"),
    _F("口座番号", 7, "N"),
    _F("受取人名", 30, "C", "name"),
    _F("振込金額", 10, "N"),
    _F("新規コード", 1, "N"),
    _F("顧客コード1", 10, "X"),
    _F("顧客コード2", 10, "X"),
    _F("振込指定区分", 1, "X"),
    _F("識別表示", 1, "X"),
    _F("ダミー", 7, "C", "blank"),
)
TRAILER_91 = _layout(
    _F("データ区分", 1, "N"),
    _F("合計件数", 6, "N"),
    _F("合計金額", 12, "N"),
    _F("振替済件数", 6, "N"),
    _F("振替済金額", 12, "N"),
    _F("振替不能件数", 6, "N"),
    _F("振替不能金額", 12, "N"),
    _F("ダミー", 65, "C", "blank"),
)
TRAILER_21 = _layout(
    _F("データ区分", 1, "N"),
    _F("合計件数", 6, "N"),
    _F("合計金額", 12, "N"),
    _F("ダミー", 101, "C", "blank"),
)
END = _layout(_F("データ区分", 1, "N"), _F("ダミー", 119, "C", "blank"))


def _label_at(layout: Sequence[_F], offset: int) -> str:
    pos = 0
    for f in layout:
        if pos <= offset < pos + f.length:
            return f.label
        pos += f.length
    return "レコード"


# --------------------------------------------------------------------------- encoding


class _Values:
    """Raw field values of one decoded record, with typed accessors raising FieldError."""

    def __init__(self, text: str, layout: Sequence[_F]) -> None:
        self.layout = layout
        self.values: list[str] = []
        pos = 0
        for f in layout:
            self.values.append(text[pos : pos + f.length])
            pos += f.length
        for f, v in zip(layout, self.values, strict=True):
            if f.charset == "blank" and v.strip(" "):
                raise FieldError(f.label, "ダミー領域は空白（スペース）でなければなりません。")

    def label(self, i: int) -> str:
        return self.layout[i].label

    def digits(self, i: int) -> str:
        v = self.values[i]
        if not (v.isascii() and v.isdigit()):
            raise FieldError(self.label(i), "半角数字（右詰め・前ゼロ埋め）で記載してください。")
        return v

    def number(self, i: int) -> int:
        return int(self.digits(i))

    def text(self, i: int) -> str:
        f = self.layout[i]
        v = self.values[i].rstrip(" ")
        if f.charset in ("shop", "name", "edi") and not is_zengin_text(v, f.charset):
            raise FieldError(f.label, "全銀協の使用文字以外の文字（小書き文字・記号など）が含まれています。")
        return v

    def blank_or_digits(self, i: int) -> str:
        v = self.values[i]
        if not v.strip(" "):
            return ""
        return self.digits(i)

    def account_type(self, i: int, allowed: frozenset[AccountType]) -> AccountType:
        v = self.digits(i)
        for t in AccountType:
            if t.value == v and t in allowed:
                return t
        codes = "・".join(sorted(t.value for t in allowed))
        raise FieldError(self.label(i), f"預金種目が正しくありません（{codes}のいずれか）。")

    def mmdd(self, i: int) -> str:
        v = self.digits(i)
        try:
            date(2000, int(v[:2]), int(v[2:]))  # 2000 is a leap year: 0229 is a valid MMDD
        except ValueError:
            raise FieldError(self.label(i), "月日（MMDD）が実在しない日付です。") from None
        return v

    def new_code(self, i: int) -> NewCode:
        v = self.values[i]
        for c in NewCode:
            if c.value == v:
                return c
        raise FieldError(self.label(i), "新規コードが正しくありません（0・1・2のいずれか）。")


def _n(value: int | str, length: int, what: str) -> str:
    s = str(value) if isinstance(value, int) else value
    if isinstance(value, int) and value < 0:
        raise ValueError(f"{what}: negative")
    if not (s.isascii() and s.isdigit()):
        raise ValueError(f"{what}: not ASCII digits")
    if len(s) > length:
        raise ValueError(f"{what}: longer than {length} digits")
    if isinstance(value, str) and len(s) != length:
        raise ValueError(f"{what}: must be exactly {length} digits")
    return s.zfill(length)


def _c(value: str, length: int, what: str, charset: FieldClass) -> str:
    if not is_zengin_text(value, charset):
        raise ValueError(f"{what}: characters outside the Zengin {charset} set")
    if len(value) > length:
        raise ValueError(f"{what}: longer than {length} bytes")
    return value.ljust(length, " ")


def _blank_or_n(value: str, length: int, what: str) -> str:
    return " " * length if value == "" else _n(value, length, what)


def _account(t: AccountType, allowed: frozenset[AccountType], what: str) -> str:
    if t not in allowed:
        raise ValueError(f"{what}: 預金種目 {t.value} not allowed here")
    return t.value


def _encode_header(record: ZenginHeader) -> list[str]:
    """ヘッダー・レコード (データ区分 1), shared by 種別 91 and 21."""
    if record.code_division != "0":
        raise ValueError("code_division: only 0 (JIS) is written")
    return [
        "1",
        record.kind.value,
        "0",
        _n(record.originator_code, 10, "originator_code"),
        _c(record.originator_name, 40, "originator_name", "name"),
        _n(record.mmdd, 4, "mmdd"),
        _n(record.bank_code, 4, "bank_code"),
        _c(record.bank_name, 15, "bank_name", "shop"),
        _n(record.branch_code, 3, "branch_code"),
        _c(record.branch_name, 15, "branch_name", "shop"),
        _account(record.account_type, HEADER_ACCOUNT_TYPES, "account_type"),
        _n(record.account_number, 7, "account_number"),
        " " * 17,
    ]


def _encode_debit_line(record: DebitRequestLine | DebitResultLine) -> list[str]:
    """預金口座振替 データ・レコード; a request's 振替結果コード is ``0`` (JBA §16)."""
    code = record.raw_result_code if isinstance(record, DebitResultLine) else "0"
    if len(code) != 1 or code == " " or not ("!" <= code <= "~" or "｡" <= code <= "ﾟ"):
        raise ValueError("raw_result_code: one printable single-byte character")
    return [
        "2",
        _n(record.bank_code, 4, "bank_code"),
        _c(record.bank_name, 15, "bank_name", "shop"),
        _n(record.branch_code, 3, "branch_code"),
        _c(record.branch_name, 15, "branch_name", "shop"),
        " " * 4,
        _account(record.account_type, DEBIT_ACCOUNT_TYPES, "account_type"),
        _n(record.account_number, 7, "account_number"),
        _c(record.holder_kana, 30, "holder_kana", "name"),
        _n(record.amount, 10, "amount"),
        record.new_code.value,
        _n(record.customer_number, 20, "customer_number"),
        code,
        " " * 8,
    ]


def _transfer_codes(record: TransferLine) -> str:
    """The 20 bytes after 新規コード: EDI情報, or 顧客コード1 and 2 (never both)."""
    if record.edi:
        codes = _c(record.edi_info, 20, "edi_info", "edi")
        if record.customer_code1 or record.customer_code2:
            raise ValueError("customer codes must be empty when edi is set")
        return codes
    if record.edi_info:
        raise ValueError("edi_info requires edi=True")
    return _blank_or_n(record.customer_code1, 10, "customer_code1") + _blank_or_n(
        record.customer_code2, 10, "customer_code2"
    )


def _encode_transfer_line(record: TransferLine) -> list[str]:
    """総合振込 データ・レコード (種別 21)."""
    return [
        "2",
        _n(record.bank_code, 4, "bank_code"),
        _c(record.bank_name, 15, "bank_name", "shop"),
        _n(record.branch_code, 3, "branch_code"),
        _c(record.branch_name, 15, "branch_name", "shop"),
        _blank_or_n(record.clearing_house, 4, "clearing_house"),
        _account(record.account_type, TRANSFER_ACCOUNT_TYPES, "account_type"),
        _n(record.account_number, 7, "account_number"),
        _c(record.payee_kana, 30, "payee_kana", "name"),
        _n(record.amount, 10, "amount"),
        record.new_code.value,
        _transfer_codes(record),
        record.designation.value,
        "Y" if record.edi else " ",
        " " * 7,
    ]


def _encode_trailer(record: ZenginTrailer) -> list[str]:
    """トレーラ・レコード (データ区分 8); only 種別 91 has 振替済/振替不能 件数・金額."""
    parts = ["8", _n(record.total_count, 6, "total_count"), _n(record.total_amount, 12, "total_amount")]
    if record.kind is ZenginKind.DEBIT:
        return [
            *parts,
            _n(record.collected_count, 6, "collected_count"),
            _n(record.collected_amount, 12, "collected_amount"),
            _n(record.failed_count, 6, "failed_count"),
            _n(record.failed_amount, 12, "failed_amount"),
            " " * 65,
        ]
    if record.collected_count or record.collected_amount or record.failed_count or record.failed_amount:
        raise ValueError("a 種別21 trailer has no 振替済/振替不能 fields")
    return [*parts, " " * 101]


def _encode_fields(record: ZenginRecord) -> list[str]:
    if isinstance(record, ZenginHeader):
        return _encode_header(record)
    if isinstance(record, DebitRequestLine | DebitResultLine):
        return _encode_debit_line(record)
    if isinstance(record, TransferLine):
        return _encode_transfer_line(record)
    if isinstance(record, ZenginTrailer):
        return _encode_trailer(record)
    if isinstance(record, ZenginEnd):
        return ["9", " " * 119]
    raise TypeError(type(record).__name__)  # pragma: no cover - exhaustive over ZenginRecord


def encode_record(record: ZenginRecord) -> bytes:
    """The 120 bytes of one record (no separator). ``ValueError`` if a value does not fit the layout
    (programming or data error; the message names the field, never the value)."""
    raw = "".join(_encode_fields(record)).encode(ENCODING)
    if len(raw) != RECORD_LENGTH:  # pragma: no cover - guarded by the field checks above
        raise ValueError(f"record is {len(raw)} bytes, not {RECORD_LENGTH}")
    return raw


def serialise(records: Iterable[ZenginRecord], *, newline: bytes = CRLF, final_newline: bool = True) -> bytes:
    """All records joined; by default CR LF after every record (formats.md §1.1)."""
    if newline not in (CRLF, b"\n", b"\r", b""):
        raise ValueError("newline must be CRLF, LF, CR or empty")
    body = newline.join(encode_record(r) for r in records)
    return body + newline if final_newline and body else body


def write_records(
    path: Path, records: Iterable[ZenginRecord], *, newline: bytes = CRLF, final_newline: bool = True
) -> None:
    path.write_bytes(serialise(records, newline=newline, final_newline=final_newline))


def debit_request_records(header: ZenginHeader, lines: Sequence[DebitRequestLine]) -> list[ZenginRecord]:
    """One 依頼明細 group: header, data, trailer (合計 only; 振替済/振替不能 zero), end."""
    if header.kind is not ZenginKind.DEBIT:
        raise ValueError("header kind must be 91")
    trailer = ZenginTrailer(ZenginKind.DEBIT, len(lines), sum(line.amount for line in lines))
    return [header, *lines, trailer, ZenginEnd()]


def debit_result_records(header: ZenginHeader, lines: Sequence[DebitResultLine]) -> list[ZenginRecord]:
    """One 処理結果明細 group with the trailer's 振替済/振替不能 computed from the result codes."""
    if header.kind is not ZenginKind.DEBIT:
        raise ValueError("header kind must be 91")
    ok = [line for line in lines if line.collected]
    ng = [line for line in lines if not line.collected]
    trailer = ZenginTrailer(
        ZenginKind.DEBIT,
        len(lines),
        sum(line.amount for line in lines),
        len(ok),
        sum(line.amount for line in ok),
        len(ng),
        sum(line.amount for line in ng),
    )
    return [header, *lines, trailer, ZenginEnd()]


def transfer_records(header: ZenginHeader, lines: Sequence[TransferLine]) -> list[ZenginRecord]:
    """One 総合振込 group: header, data, trailer, end."""
    if header.kind is not ZenginKind.TRANSFER:
        raise ValueError("header kind must be 21")
    trailer = ZenginTrailer(ZenginKind.TRANSFER, len(lines), sum(line.amount for line in lines))
    return [header, *lines, trailer, ZenginEnd()]


def write_debit_request(
    path: Path, header: ZenginHeader, lines: Sequence[DebitRequestLine], *, newline: bytes = CRLF
) -> None:
    """Write a 預金口座振替 依頼 file (種別 91, cp932, CR LF after every record by default)."""
    write_records(path, debit_request_records(header, lines), newline=newline)


def write_debit_result(
    path: Path, header: ZenginHeader, lines: Sequence[DebitResultLine], *, newline: bytes = CRLF
) -> None:
    """Write a 処理結果 file (what the bank returns; used for tests and re-sending)."""
    write_records(path, debit_result_records(header, lines), newline=newline)


def write_transfer(
    path: Path, header: ZenginHeader, lines: Sequence[TransferLine], *, newline: bytes = CRLF
) -> None:
    """Write a 総合振込 file (種別 21) for refunds."""
    write_records(path, transfer_records(header, lines), newline=newline)


def request_line(
    mandate: DebitMandate, *, amount: int, customer_number: str, new_code: NewCode = NewCode.OTHER
) -> DebitRequestLine:
    """A 依頼明細 line for one 納期 from a registered mandate; bank/branch names from ``zengin-code``."""
    return DebitRequestLine(
        bank_code=mandate.bank_code,
        bank_name=bank_kana(mandate.bank_code),
        branch_code=mandate.branch_code,
        branch_name=branch_kana(mandate.bank_code, mandate.branch_code),
        account_type=mandate.account_type,
        account_number=mandate.account_number,
        holder_kana=mandate.holder_kana,
        amount=amount,
        new_code=new_code,
        customer_number=customer_number,
    )


def debit_receipts(lines: Iterable[DebitResultLine], debit_date: date) -> list[Receipt]:
    """Receipts (channel 口座振替) for the collected lines only (振替結果コード 0)."""
    return [
        Receipt(
            channel=Channel.DIRECT_DEBIT,
            receipt_id=line.customer_number,
            paid_on=debit_date,
            amount=line.amount,
            reference=DebitReference(line.customer_number),
            collected_by=f"{line.bank_code}-{line.branch_code}",
        )
        for line in lines
        if line.collected
    ]


# --------------------------------------------------------------------------- reading


@dataclass
class ZenginOutcome(ParseOutcome[T], Generic[T]):
    """A parsed Zengin file: one item per physical record (header, data, trailer and end records
    alike). ``newline``/``final_newline``/``eof`` record how the file was laid out so that
    :func:`reserialise` reproduces it; ``totals_ok`` is False when a trailer disagrees with its data
    records (details in ``file_errors``), and then ``reconciles`` is False too."""

    newline: bytes = CRLF
    final_newline: bool = True
    eof: bool = False
    totals_ok: bool = True

    @property
    def reconciles(self) -> bool:
        return super().reconciles and self.totals_ok and not self.file_errors

    def headers(self) -> list[ZenginHeader]:
        return [r.record for r in self.records if isinstance(r.record, ZenginHeader)]

    def trailers(self) -> list[ZenginTrailer]:
        return [r.record for r in self.records if isinstance(r.record, ZenginTrailer)]

    def data(self) -> list[ParsedRecord[T]]:
        """The accepted data records (データ区分 2) with their line numbers."""
        return [
            r for r in self.records if isinstance(r.record, DebitRequestLine | DebitResultLine | TransferLine)
        ]


_EBCDIC_ONE = 0xF1  # '1' in EBCDIC: the first byte of an EBCDIC header
_EBCDIC_MESSAGE = "EBCDIC（コード区分1）のファイルは取り扱えません。JIS（コード区分0）で作成してください。"


def split_physical(data: bytes) -> tuple[list[bytes], bytes, bool, bool]:
    """(records, newline, final_newline, eof). Accepts CR LF, CR, LF or none (fixed 120-byte blocks)."""
    eof = data.endswith(EOF)
    if eof:
        data = data[:-1]
    if not data:
        return [], CRLF, False, eof
    newline = CRLF if CRLF in data else b"\n" if b"\n" in data else b"\r" if b"\r" in data else b""
    if newline == b"":
        return [data[i : i + RECORD_LENGTH] for i in range(0, len(data), RECORD_LENGTH)], b"", False, eof
    parts = re.split(rb"\r\n|\r|\n", data)
    final = data.endswith((b"\n", b"\r"))
    if final:
        parts = parts[:-1]
    return parts, newline, final, eof


def _decode(raw: bytes, layout: Sequence[_F]) -> str:
    if len(raw) != RECORD_LENGTH:
        if not raw.isascii():
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                raise FieldError(
                    "文字コード", "UTF-8で作成されたレコードです（Shift_JISの半角文字で作成してください）。"
                )
        raise FieldError("レコード長", f"レコード長が{len(raw)}バイトです（120バイト固定）。")
    for i, b in enumerate(raw):
        if not (0x20 <= b <= 0x7E or 0xA1 <= b <= 0xDF):
            raise FieldError(
                _label_at(layout, i),
                "全銀協の使用文字以外のバイトが含まれています（半角英数字・半角カナのShift_JIS/JISで作成してください）。",
            )
    return raw.decode(ENCODING)


Mode = Literal["request", "result", "transfer"]


def _parse_header(text: str, kind: ZenginKind) -> ZenginHeader:
    v = _Values(text, HEADER_91 if kind is ZenginKind.DEBIT else HEADER_21)
    if v.values[1] != kind.value:
        what = "預金口座振替" if kind is ZenginKind.DEBIT else "総合振込"
        raise FieldError("種別コード", f"種別コードが{kind.value}（{what}）ではありません。")
    if v.values[2] == "1":
        raise FieldError("コード区分", _EBCDIC_MESSAGE)
    if v.values[2] != "0":
        raise FieldError("コード区分", "コード区分が正しくありません（0：JIS）。")
    return ZenginHeader(
        kind=kind,
        originator_code=v.digits(3),
        originator_name=v.text(4),
        mmdd=v.mmdd(5),
        bank_code=v.digits(6),
        bank_name=v.text(7),
        branch_code=v.digits(8),
        branch_name=v.text(9),
        account_type=v.account_type(10, HEADER_ACCOUNT_TYPES),
        account_number=v.digits(11),
    )


def _parse_debit_data(text: str, mode: Mode) -> DebitRequestLine | DebitResultLine:
    v = _Values(text, DATA_91)
    fields = {
        "bank_code": v.digits(1),
        "bank_name": v.text(2),
        "branch_code": v.digits(3),
        "branch_name": v.text(4),
        "account_type": v.account_type(6, DEBIT_ACCOUNT_TYPES),
        "account_number": v.digits(7),
        "holder_kana": v.text(8),
        "amount": v.number(9),
        "new_code": v.new_code(10),
        "customer_number": v.digits(11),
    }
    code = v.values[12]
    if mode == "request":
        if code != "0":
            raise FieldError("振替結果コード", "依頼明細の振替結果コードは「0」でなければなりません。")
        return DebitRequestLine(**fields)  # type: ignore[arg-type]
    if code == " ":
        raise FieldError("振替結果コード", "振替結果コードが空欄です。")
    return DebitResultLine(**fields, raw_result_code=code)  # type: ignore[arg-type]


def _parse_transfer_data(text: str) -> TransferLine:
    v = _Values(text, DATA_21)
    edi_flag = v.values[14]
    if edi_flag not in ("Y", " "):
        raise FieldError("識別表示", "識別表示が正しくありません（「Y」または空白）。")
    designation = next((d for d in TransferDesignation if d.value == v.values[13]), None)
    if designation is None:
        raise FieldError("振込指定区分", "振込指定区分が正しくありません（7・8または空白）。")
    edi = edi_flag == "Y"
    if edi:
        raw = v.values[11] + v.values[12]
        edi_info = raw.rstrip(" ")
        if not is_zengin_text(edi_info, "edi"):
            raise FieldError("EDI情報", "EDI情報に使用できない文字（「,」など）が含まれています。")
        code1 = code2 = ""
    else:
        edi_info = ""
        code1, code2 = v.blank_or_digits(11), v.blank_or_digits(12)
    return TransferLine(
        bank_code=v.digits(1),
        bank_name=v.text(2),
        branch_code=v.digits(3),
        branch_name=v.text(4),
        clearing_house=v.blank_or_digits(5),
        account_type=v.account_type(6, TRANSFER_ACCOUNT_TYPES),
        account_number=v.digits(7),
        payee_kana=v.text(8),
        amount=v.number(9),
        new_code=v.new_code(10),
        customer_code1=code1,
        customer_code2=code2,
        designation=designation,
        edi=edi,
        edi_info=edi_info,
    )


def _parse_trailer(text: str, kind: ZenginKind) -> ZenginTrailer:
    if kind is ZenginKind.DEBIT:
        v = _Values(text, TRAILER_91)
        return ZenginTrailer(kind, *(v.number(i) for i in range(1, 7)))
    v = _Values(text, TRAILER_21)
    return ZenginTrailer(kind, v.number(1), v.number(2))


@dataclass
class _Group:
    header_line: int
    data_lines: int = 0
    failed_lines: int = 0
    parsed: list[DebitRequestLine | DebitResultLine | TransferLine] = field(default_factory=list)


def _check_trailer(
    trailer: ZenginTrailer, group: _Group, line: int, mode: Mode, errors: list[RecordError]
) -> bool:
    ok = True

    def mismatch(item: str, declared: int, actual: int, unit: str) -> None:
        # counts are shown; amounts are not (a one-record group's total is one taxpayer's amount)
        nonlocal ok
        ok = False
        detail = f"（トレーラ{declared}件、データ・レコード{actual}件）" if unit == "件" else ""
        errors.append(
            RecordError(line, item, f"トレーラの{item}がデータ・レコードの集計と一致しません{detail}。")
        )

    if trailer.total_count != group.data_lines:
        mismatch("合計件数", trailer.total_count, group.data_lines, "件")
    if group.failed_lines:
        errors.append(
            RecordError(line, "合計金額", "不備のあるデータ・レコードがあるため、金額を照合できません。")
        )
        return False
    total = sum(d.amount for d in group.parsed)
    if trailer.total_amount != total:
        mismatch("合計金額", trailer.total_amount, total, "円")
    if mode == "request":
        if (
            trailer.collected_count
            or trailer.collected_amount
            or trailer.failed_count
            or trailer.failed_amount
        ):
            ok = False
            errors.append(
                RecordError(line, "振替済件数", "依頼明細のトレーラでは振替済・振替不能の件数・金額は0です。")
            )
    elif mode == "result":
        done = [d for d in group.parsed if isinstance(d, DebitResultLine) and d.collected]
        failed = [d for d in group.parsed if isinstance(d, DebitResultLine) and not d.collected]
        checks = (
            ("振替済件数", trailer.collected_count, len(done), "件"),
            ("振替済金額", trailer.collected_amount, sum(d.amount for d in done), "円"),
            ("振替不能件数", trailer.failed_count, len(failed), "件"),
            ("振替不能金額", trailer.failed_amount, sum(d.amount for d in failed), "円"),
        )
        for item, declared, actual, unit in checks:
            if declared != actual:
                mismatch(item, declared, actual, unit)
    return ok


_STRUCTURE = "レコード構成"


def _parse_file(path: Path, kind_name: str, mode: Mode) -> ZenginOutcome[ZenginRecord]:
    """Every physical record parsed on its own, then the file's grammar and trailer totals checked."""
    kind = ZenginKind.TRANSFER if mode == "transfer" else ZenginKind.DEBIT
    raws, newline, final, eof = split_physical(path.read_bytes())
    outcome = ZenginOutcome[ZenginRecord](
        path=path,
        kind=kind_name,
        sha256=sha256_file(path),
        declared_count=None,
        physical_records=len(raws),
        items=[],
        file_errors=[],
        newline=newline,
        final_newline=final,
        eof=eof,
    )
    if _refuse_unreadable(raws, outcome):
        outcome.totals_ok = False
        return outcome
    grammar = _Grammar(mode, outcome.file_errors)
    for n, raw in enumerate(raws, start=1):
        record, item = _parse_physical(n, raw, kind, mode)
        outcome.items.append(item)
        grammar.feed(n, raw[:1], record)
    outcome.totals_ok = grammar.finish()
    return outcome


def _refuse_unreadable(raws: Sequence[bytes], outcome: ZenginOutcome[ZenginRecord]) -> bool:
    """An empty file, or コード区分 1 (EBCDIC), is refused as a whole (every record named)."""
    if not raws:
        outcome.file_errors.append(RecordError(0, _STRUCTURE, "レコードがありません（空のファイルです）。"))
        return True
    if raws[0][:1] == bytes([_EBCDIC_ONE]) or any(
        len(r) >= 4 and r[:1] == b"1" and r[3:4] == b"1" for r in raws
    ):
        outcome.file_errors.append(RecordError(0, "コード区分", _EBCDIC_MESSAGE))
        outcome.items.extend(RecordError(n, "コード区分", _EBCDIC_MESSAGE) for n in range(1, len(raws) + 1))
        return True
    return False


def _parse_physical(
    n: int, raw: bytes, kind: ZenginKind, mode: Mode
) -> tuple[ZenginRecord | None, ParsedRecord[ZenginRecord] | RecordError]:
    """One physical record by its データ区分: the record (None if rejected) and its item."""
    transfer = kind is ZenginKind.TRANSFER
    marker = raw[:1]
    layout = {
        b"1": HEADER_21 if transfer else HEADER_91,
        b"2": DATA_21 if transfer else DATA_91,
        b"8": TRAILER_21 if transfer else TRAILER_91,
        b"9": END,
    }.get(marker)
    try:
        if layout is None:
            raise FieldError("データ区分", "データ区分が正しくありません（1・2・8・9のいずれか）。")
        text = _decode(raw, layout)
        record: ZenginRecord
        if marker == b"1":
            record = _parse_header(text, kind)
        elif marker == b"2":
            record = _parse_transfer_data(text) if mode == "transfer" else _parse_debit_data(text, mode)
        elif marker == b"8":
            record = _parse_trailer(text, kind)
        else:
            _Values(text, END)
            record = ZenginEnd()
    except FieldError as e:
        return None, RecordError(n, e.field, e.message)
    return record, ParsedRecord(n, record, fingerprint(record))


class _Grammar:
    """The file grammar ``(1 2* 8)+ 9``, judged on データ区分 even when the record itself was rejected,
    and each group's trailer totals: start → header → (data)* → trailer → header | end → done."""

    def __init__(self, mode: Mode, file_errors: list[RecordError]) -> None:
        self.mode = mode
        self.file_errors = file_errors
        self.state = "start"
        self.group: _Group | None = None
        self.totals_ok = True

    def _structure(self, line: int, message: str) -> None:
        self.totals_ok = False
        self.file_errors.append(RecordError(line, _STRUCTURE, message))

    def feed(self, n: int, marker: bytes, record: ZenginRecord | None) -> None:
        if self.state == "done":
            self._structure(n, "エンド・レコードの後にレコードがあります。")
        elif marker == b"1":
            if self.state == "header":
                self._structure(n, "トレーラ・レコードがないまま次のヘッダー・レコードがあります。")
            self.group = _Group(header_line=n)
            self.state = "header"
        elif marker == b"2":
            self._data(n, record)
        elif marker == b"8":
            self._trailer(n, record)
        elif marker == b"9":
            if self.state != "trailer":
                self._structure(n, "トレーラ・レコードの後にエンド・レコードがありません（順序不正）。")
            self.state = "done"
        else:
            self.totals_ok = False

    def _data(self, n: int, record: ZenginRecord | None) -> None:
        if self.group is None or self.state != "header":
            self._structure(n, "ヘッダー・レコードの前にデータ・レコードがあります。")
            return
        self.group.data_lines += 1
        if isinstance(record, DebitRequestLine | DebitResultLine | TransferLine):
            self.group.parsed.append(record)
        else:
            self.group.failed_lines += 1

    def _trailer(self, n: int, record: ZenginRecord | None) -> None:
        if self.group is None or self.state != "header":
            self._structure(n, "ヘッダー・レコードに対応しないトレーラ・レコードがあります。")
            return
        if isinstance(record, ZenginTrailer):
            self.totals_ok &= _check_trailer(record, self.group, n, self.mode, self.file_errors)
        else:
            self.totals_ok = False
        self.group = None
        self.state = "trailer"

    def finish(self) -> bool:
        """Whether the structure and every trailer's totals were right."""
        if self.state != "done":
            self._structure(0, "エンド・レコードがありません（ファイルが途中で切れている可能性があります）。")
        return self.totals_ok


def parse_debit_request(path: Path) -> ZenginOutcome[ZenginRecord]:
    """Parse a 預金口座振替 依頼 file (種別 91): data records are ``DebitRequestLine`` (振替結果コード 0)."""
    return _parse_file(path, KIND_DEBIT_REQUEST, "request")


def parse_debit_result(path: Path) -> ZenginOutcome[ZenginRecord]:
    """Parse a 預金口座振替 結果 file (種別 91): data records are ``DebitResultLine``; the trailer's
    合計/振替済/振替不能 件数・金額 are checked against the data records (mismatch → ``file_errors``)."""
    return _parse_file(path, KIND_DEBIT_RESULT, "result")


def parse_transfer(path: Path) -> ZenginOutcome[ZenginRecord]:
    """Parse a 総合振込 file (種別 21): data records are ``TransferLine``."""
    return _parse_file(path, KIND_TRANSFER, "transfer")


def reserialise(outcome: ZenginOutcome[ZenginRecord]) -> bytes:
    """The bytes of a cleanly parsed file, rebuilt from its records with the separators it had."""
    if outcome.errors:
        raise ValueError("cannot re-serialise a file with rejected records")
    body = serialise(
        (r.record for r in outcome.records), newline=outcome.newline, final_newline=outcome.final_newline
    )
    return body + (EOF if outcome.eof else b"")


def debit_results(outcome: ZenginOutcome[ZenginRecord]) -> list[ParsedRecord[DebitResultLine]]:
    """The accepted result lines with their line numbers (typed view of :meth:`ZenginOutcome.data`)."""
    return [
        ParsedRecord(r.line, r.record, r.fingerprint)
        for r in outcome.records
        if isinstance(r.record, DebitResultLine)
    ]


__all__ = [
    "CHARSETS",
    "CRLF",
    "ENCODING",
    "KIND_DEBIT_REQUEST",
    "KIND_DEBIT_RESULT",
    "KIND_TRANSFER",
    "RECORD_LENGTH",
    "KanaConversion",
    "ZenginOutcome",
    "bank_branch_problem",
    "bank_kana",
    "branch_kana",
    "convert_kana",
    "debit_receipts",
    "debit_request_records",
    "debit_result_records",
    "debit_results",
    "encode_record",
    "is_zengin_text",
    "parse_debit_request",
    "parse_debit_result",
    "parse_transfer",
    "request_line",
    "reserialise",
    "result_code",
    "serialise",
    "split_physical",
    "transfer_records",
    "truncate_kana",
    "write_debit_request",
    "write_debit_result",
    "write_records",
    "write_transfer",
    "zengin_code_version",
    "zengin_kana",
]


def read_debit_result_file(path: Path, reference: date) -> DebitResultFile:
    """``application.usecases.collection.DebitResultReader``: parse a 種別91 結果 file; the header's MMDD is
    resolved to a date on or after ``reference`` (the start of the current year)."""
    from domain.collection.records import resolve_mmdd

    outcome = parse_debit_result(path)
    headers = outcome.headers()
    debit_date = resolve_mmdd(headers[0].mmdd, reference) if headers else None
    results = debit_results(outcome)
    receipts = (
        debit_receipts([r.record for r in results if r.record.collected], debit_date) if debit_date else []
    )
    return DebitResultFile(
        file_name=path.name,
        sha256=outcome.sha256,
        file_errors=[(e.line, e.field, e.message) for e in outcome.file_errors],
        debit_date=debit_date,
        results=results,
        receipts=receipts,
    )
