"""Legacy migration file (移行データ): our own documented CSV layout ``juminzei-legacy-v1`` (docs/compliance.md).

The national 中間標準レイアウト仕様 (J-LIS) is not publicly downloadable, so the predecessor system's export is
expected in this layout (UTF-8, optional BOM, one header row, comma-separated):

``record_type,address_number,name,kana,birth_date,sex,address,fiscal_year,tax_total,paid_total``

* ``T`` — 宛名 (identity): address_number, name, kana, birth_date (YYYY-MM-DD), sex (M/F), address.
* ``A`` — 賦課・収納履歴 of one 年度: address_number, fiscal_year, tax_total (年税額, yen), paid_total (収入済額).
* ``Z`` — control totals of one 年度 from the source system: fiscal_year, ``name`` column = number of A
  records, tax_total and paid_total = their sums. The reconciliation per 年度 is against these.

Characters (外字・旧字): text fields are normalised to NFC (compatibility ideographs with a canonical mapping
become the unified character); half-width katakana become full-width; private-use code points (外字 of the
old system) are replaced from the ward's 外字 mapping file (``U+E000,髙,note``) and, when not mapped, put
the record in quarantine (外字同定). Characters outside the JIS X 0213 repertoire are kept and reported.
Every change is listed in the mapping report, with line, field and code points — never the whole value.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import jaconv

LAYOUT = "juminzei-legacy-v1"
HEADER = (
    "record_type",
    "address_number",
    "name",
    "kana",
    "birth_date",
    "sex",
    "address",
    "fiscal_year",
    "tax_total",
    "paid_total",
)
TEXT_FIELDS = ("name", "kana", "address")
_HALF_WIDTH_KANA = re.compile("[\uff61-\uff9f]+")


@dataclass(frozen=True)
class CharChange:
    """One entry of the mapping report."""

    line: int
    field: str
    original: str  # code point(s), e.g. U+E001
    replacement: str  # code point(s), or "" when unmapped
    rule: str  # NFC | 半角カナ | 外字対応表 | 未対応外字 | JIS X 0213 外


@dataclass(frozen=True)
class LegacyRow:
    line: int
    record_type: str
    values: dict[str, str]
    problems: tuple[tuple[str, str], ...] = ()  # (field, Japanese reason): rejected
    quarantine: str | None = None  # reason: quarantined (外字同定)


@dataclass
class LegacyFile:
    file_name: str
    sha256: str
    rows: list[LegacyRow] = field(default_factory=list)
    changes: list[CharChange] = field(default_factory=list)
    file_errors: list[tuple[int, str, str]] = field(default_factory=list)


def _cp(text: str) -> str:
    return " ".join(f"U+{ord(ch):04X}" for ch in text)


def _in_jis_x_0213(ch: str) -> bool:
    if ord(ch) < 0x80:
        return True
    try:
        ch.encode("euc_jis_2004")
    except UnicodeEncodeError:
        return False
    return True


def read_legacy_file(path: Path, gaiji_map: Path | None = None) -> LegacyFile:
    """Read and parse a migration file, with the ward's 外字対応表 if given (``ValueError`` naming its line).

    The same file read with another 外字対応表 is another import (what was quarantined may now pass), so the
    map's digest is part of the file's identity."""
    mapping = load_gaiji_map(gaiji_map) if gaiji_map is not None else {}
    parsed = parse(path.read_bytes(), path.name, mapping)
    if gaiji_map is not None:
        digest = hashlib.sha256(gaiji_map.read_bytes()).hexdigest()
        parsed.sha256 = hashlib.sha256(f"{parsed.sha256}:{digest}".encode()).hexdigest()
    return parsed


def load_gaiji_map(path: Path) -> dict[str, str]:
    """外字対応表: ``U+E000,髙[,note]`` per line (``#`` comments). Errors name the line."""
    mapping: dict[str, str] = {}
    for number, row in enumerate(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))), start=1):
        if not row or row[0].startswith("#"):
            continue
        code = row[0].strip().upper()
        if not code.startswith("U+") or len(row) < 2 or not row[1]:
            raise ValueError(f"{path.name} {number}行目: 「U+XXXX,文字」の形式で指定してください。")
        try:
            mapping[chr(int(code[2:], 16))] = unicodedata.normalize("NFC", row[1].strip())
        except ValueError:
            raise ValueError(f"{path.name} {number}行目: 符号位置 {code} が不正です。") from None
    return mapping


def normalise(
    text: str, *, line: int, field_name: str, gaiji: dict[str, str], changes: list[CharChange]
) -> tuple[str, bool]:
    """The normalised text and whether an unmapped 外字 remains (then the record is quarantined)."""
    out: list[str] = []
    unmapped = False
    for ch in text:
        if 0xE000 <= ord(ch) <= 0xF8FF or 0xF0000 <= ord(ch) <= 0x10FFFD:
            if ch in gaiji:
                changes.append(CharChange(line, field_name, _cp(ch), _cp(gaiji[ch]), "外字対応表"))
                out.append(gaiji[ch])
            else:
                changes.append(CharChange(line, field_name, _cp(ch), "", "未対応外字"))
                unmapped = True
                out.append(ch)
            continue
        nfc = unicodedata.normalize("NFC", ch)
        if nfc != ch:
            changes.append(CharChange(line, field_name, _cp(ch), _cp(nfc), "NFC"))
        out.append(nfc)

    def widen(run: re.Match[str]) -> str:
        # A run at once: a voiced mark (ﾞ) joins the kana before it (ｸﾞ → グ).
        wide = jaconv.h2z(run.group(0), kana=True, ascii=False, digit=False)
        changes.append(CharChange(line, field_name, _cp(run.group(0)), _cp(wide), "半角カナ"))
        return str(wide)

    result = unicodedata.normalize("NFC", _HALF_WIDTH_KANA.sub(widen, "".join(out)))
    for ch in sorted(set(result)):
        if not unmapped and not _in_jis_x_0213(ch):
            changes.append(CharChange(line, field_name, _cp(ch), _cp(ch), "JIS X 0213 外"))
    return result, unmapped


def _int(value: str, field_name: str, problems: list[tuple[str, str]]) -> None:
    try:
        if int(value) < 0:
            problems.append((field_name, "0以上の整数（円）で指定してください。"))
    except ValueError:
        problems.append((field_name, "整数（円）で指定してください。"))


def parse(data: bytes, file_name: str, gaiji: dict[str, str] | None = None) -> LegacyFile:
    """Parse and normalise; every physical record becomes exactly one ``LegacyRow`` (or a file error)."""
    parsed = LegacyFile(file_name=file_name, sha256=hashlib.sha256(data).hexdigest())
    reader = _records(data, parsed)
    if reader is None:
        return parsed
    for line, row in enumerate(reader, start=2):
        if row and any(c.strip() for c in row):
            parsed.rows.append(_row(line, row, gaiji or {}, parsed.changes))
    return parsed


def _records(data: bytes, parsed: LegacyFile) -> Iterator[list[str]] | None:
    """The records after a valid header row, or None with the file error recorded."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        parsed.file_errors.append((0, "file", f"UTF-8 として読めません（{error.start} バイト目）。"))
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        parsed.file_errors.append((0, "file", "空のファイルです。"))
        return None
    if tuple(h.strip() for h in header) != HEADER:
        parsed.file_errors.append(
            (1, "header", f"見出し行が {LAYOUT} の形式（{','.join(HEADER)}）ではありません。")
        )
        return None
    return reader


def _row(line: int, row: list[str], gaiji: dict[str, str], changes: list[CharChange]) -> LegacyRow:
    """One physical record: its values (text normalised), problems (rejected) or quarantine reason."""
    if len(row) != len(HEADER):
        return LegacyRow(line, "?", {}, (("record", f"項目数が {len(row)} です（{len(HEADER)} 項目）。"),))
    values = dict(zip(HEADER, (c.strip() for c in row), strict=True))
    kind = values["record_type"]
    problems: list[tuple[str, str]] = []
    quarantine = None
    if kind == "T":
        quarantine = _check_identity(values, line, gaiji, changes, problems)
    elif kind in ("A", "Z"):
        _check_amounts(kind, values, problems)
    else:
        problems.append(("record_type", f"レコード種別 '{kind}' は T・A・Z のいずれかです。"))
    return LegacyRow(line, kind, values, tuple(problems), quarantine if not problems else None)


def _check_identity(
    values: dict[str, str],
    line: int,
    gaiji: dict[str, str],
    changes: list[CharChange],
    problems: list[tuple[str, str]],
) -> str | None:
    """A ``T`` row: checks its fields and normalises its text in place; the quarantine reason, if any."""
    if not values["address_number"].isdigit():
        problems.append(("address_number", "宛名番号は数字で指定してください。"))
    try:
        date.fromisoformat(values["birth_date"])
    except ValueError:
        problems.append(("birth_date", "生年月日は YYYY-MM-DD で指定してください。"))
    if values["sex"] not in ("M", "F"):
        problems.append(("sex", "性別は M または F で指定してください。"))
    quarantine = None
    for name in TEXT_FIELDS:
        if not values[name]:
            problems.append((name, "必須項目が空です。"))
            continue
        values[name], unmapped = normalise(
            values[name], line=line, field_name=name, gaiji=gaiji, changes=changes
        )
        if unmapped:
            quarantine = "外字同定: 対応表にない外字があります（外字対応表に追加して再取込）。"
    return quarantine


def _check_amounts(kind: str, values: dict[str, str], problems: list[tuple[str, str]]) -> None:
    """An ``A`` (history of one 年度) or ``Z`` (control totals of one 年度) row."""
    if kind == "A" and not values["address_number"].isdigit():
        problems.append(("address_number", "宛名番号は数字で指定してください。"))
    if not (values["fiscal_year"].isdigit() and len(values["fiscal_year"]) == 4):
        problems.append(("fiscal_year", "年度は西暦4桁で指定してください。"))
    _int(values["tax_total"], "tax_total", problems)
    _int(values["paid_total"], "paid_total", problems)
    if kind == "Z":
        _int(values["name"], "name", problems)
