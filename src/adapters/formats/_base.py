"""Shared machinery for intake file adapters.

Every physical record (CSV line, XML record element) becomes exactly one
``ParsedRecord`` or one ``RecordError`` (DESIGN §2.4). Errors name the field and
what is wrong in Japanese; they never echo the value (no 個人番号/氏名/住所 in messages).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from pathlib import Path
from typing import IO, Generic, TypeVar

import jaconv
from stdnum.jp import cn as _corporate_number
from stdnum.jp import in_ as _individual_number

from adapters.hashing import sha256_file as sha256_file
from domain.intake import ParsedRecord, RecordError, Sex, fingerprint

T = TypeVar("T")
E = TypeVar("E", bound=Enum)

Item = ParsedRecord[T] | RecordError


class FieldError(Exception):
    """Raised inside a row parser; turned into a RecordError for that line."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(field)
        self.field = field
        self.message = message


@dataclass
class ParseOutcome(Generic[T]):
    """Result of parsing one received file (取込ファイル単位の結果)."""

    path: Path
    kind: str
    sha256: str
    declared_count: int | None
    physical_records: int
    items: list[ParsedRecord[T] | RecordError]
    file_errors: list[RecordError] = field(default_factory=list)

    @property
    def records(self) -> list[ParsedRecord[T]]:
        return [i for i in self.items if isinstance(i, ParsedRecord)]

    @property
    def errors(self) -> list[RecordError]:
        return [i for i in self.items if isinstance(i, RecordError)]

    @property
    def reconciles(self) -> bool:
        """Counts reconcile: one outcome per physical record, and the declared count
        (where the format has one) equals the physical count."""
        lines = [i.line for i in self.items]
        if len(self.items) != self.physical_records or len(set(lines)) != len(lines):
            return False
        return self.declared_count is None or self.declared_count == self.physical_records


# --------------------------------------------------------------------------- kana


#: 性別 as our CSVs write it.
SEX_CODES = {"男": Sex.M, "女": Sex.F}
SEX_LABELS = {v: k for k, v in SEX_CODES.items()}


def kana_normalise(s: str) -> str:
    """Normalise a kana name for storage and matching: half-width → full-width
    katakana (ｶﾞ → ガ), hiragana → katakana, any run of spaces → one full-width
    space, trimmed. Kanji and Latin letters are left as they are."""
    s = jaconv.h2z(s, kana=True, ascii=False, digit=False)
    s = jaconv.hira2kata(s)
    parts = s.replace("\u3000", " ").split()
    return "\u3000".join(parts)


def kana_match_key(s: str) -> str:
    """A looser key for matching: normalised, NFKC, no spaces, small kana as large."""
    s = unicodedata.normalize("NFKC", kana_normalise(s)).replace(" ", "").replace("\u3000", "")
    return s.translate(str.maketrans("ァィゥェォッャュョヮ", "アイウエオツヤユヨワ"))


def to_halfwidth_kana(s: str) -> str:
    """Full-width katakana → half-width (for eLTAX フリガナ fields); space → ASCII space."""
    return jaconv.z2h(s.replace("\u3000", " "), kana=True, ascii=False, digit=False)


# --------------------------------------------------------------------------- eras

# Era codes of the NTA 法定調書 CSV (as implemented by chumaltd/luca-jp; [B] verify):
# 明治 3, 大正 2, 昭和 1, 平成 4, 令和 5.
NTA_ERAS: dict[str, int] = {"3": 1867, "2": 1911, "1": 1925, "4": 1988, "5": 2018}
# Era codes of e-Tax XML (1 明治 … 5 令和).
ETAX_ERAS: dict[str, int] = {"1": 1867, "2": 1911, "3": 1925, "4": 1988, "5": 2018}
_ERA_STARTS = [  # (first day, nta code, etax code, offset)
    (date(2019, 5, 1), "5", "5", 2018),
    (date(1989, 1, 8), "4", "4", 1988),
    (date(1926, 12, 25), "1", "3", 1925),
    (date(1912, 7, 30), "2", "2", 1911),
    (date(1868, 10, 23), "3", "1", 1867),
]


def to_wareki(d: date, *, etax: bool = False) -> tuple[str, int]:
    """(era code, year within era) for a date."""
    for start, nta, et, offset in _ERA_STARTS:
        if d >= start:
            return (et if etax else nta), d.year - offset
    raise ValueError("date before 明治")


def reiwa_year(western: int) -> int:
    return western - 2018


# --------------------------------------------------------------------------- codes


def local_gov_check_digit(five: str) -> str:
    """全国地方公共団体コード 検査数字 (総務省: weights 6,5,4,3,2; 11 − sum mod 11, last digit)."""
    total = sum(int(c) * w for c, w in zip(five, (6, 5, 4, 3, 2), strict=True))
    return str((11 - total % 11) % 10)


def is_valid_local_gov_code(code: str) -> bool:
    if len(code) == 5 and code.isdigit():
        return True
    return len(code) == 6 and code.isdigit() and local_gov_check_digit(code[:5]) == code[5]


def my_number_check_digit(eleven: str) -> str:
    return str(_individual_number.calc_check_digit(eleven))


def corporate_number_check_digit(twelve: str) -> str:
    return str(_corporate_number.calc_check_digit(twelve))


# --------------------------------------------------------------------------- rows


class Row:
    """Typed access to the cells of one record; raises FieldError naming the column."""

    def __init__(self, cells: Sequence[str], names: Sequence[str]) -> None:
        self.cells = cells
        self.names = names

    def name(self, i: int) -> str:
        return self.names[i]

    def raw(self, i: int) -> str:
        return self.cells[i].strip().strip("\u3000")

    def text(self, i: int, *, max_len: int | None = None) -> str:
        v = self.raw(i)
        if not v:
            raise FieldError(self.name(i), "必須項目が空欄です。")
        if max_len is not None and len(v) > max_len:
            raise FieldError(self.name(i), f"文字数が上限（{max_len}文字）を超えています。")
        return v

    def opt_text(self, i: int, *, max_len: int | None = None) -> str | None:
        return self.text(i, max_len=max_len) if self.raw(i) else None

    def kana(self, i: int) -> str:
        v = kana_normalise(self.text(i))
        if any(unicodedata.category(c).startswith("L") and not _is_kana(c) for c in v):
            raise FieldError(self.name(i), "カナ以外の文字が含まれています。")
        return v

    def digits(self, i: int, lengths: Iterable[int] | None = None) -> str:
        v = self.text(i)
        if not (v.isascii() and v.isdigit()):
            raise FieldError(self.name(i), "半角数字以外の文字が含まれています。")
        if lengths is not None:
            allowed = sorted(set(lengths))
            if len(v) not in allowed:
                want = "・".join(str(n) for n in allowed)
                raise FieldError(self.name(i), f"桁数が正しくありません（{want}桁）。")
        return v

    def opt_digits(self, i: int, lengths: Iterable[int] | None = None) -> str | None:
        return self.digits(i, lengths) if self.raw(i) else None

    def amount(self, i: int) -> int:
        """Non-negative integer yen; blank = 0."""
        v = self.raw(i)
        if not v:
            return 0
        if not (v.isascii() and v.isdigit()):
            raise FieldError(self.name(i), "金額は半角数字（0以上の整数、円単位）で記載してください。")
        return int(v)

    def opt_amount(self, i: int) -> int | None:
        return self.amount(i) if self.raw(i) else None

    def count(self, i: int) -> int:
        return self.amount(i)

    def my_number(self, i: int, *, required: bool) -> str | None:
        v = self.raw(i)
        if not v:
            if required:
                raise FieldError(self.name(i), "必須項目が空欄です。")
            return None
        if not (v.isascii() and v.isdigit()) or len(v) != 12:
            raise FieldError(self.name(i), "個人番号は12桁の半角数字で記載してください。")
        if not _individual_number.is_valid(v):
            raise FieldError(self.name(i), "個人番号の検査用数字が正しくありません。")
        return v

    def corporate_number(self, i: int, *, required: bool) -> str | None:
        v = self.raw(i)
        if not v:
            if required:
                raise FieldError(self.name(i), "必須項目が空欄です。")
            return None
        if not (v.isascii() and v.isdigit()) or len(v) != 13:
            raise FieldError(self.name(i), "法人番号は13桁の半角数字で記載してください。")
        if not _corporate_number.is_valid(v):
            raise FieldError(self.name(i), "法人番号の検査用数字が正しくありません。")
        return v

    def local_gov_code(self, i: int) -> str:
        v = self.digits(i, (5, 6))
        if not is_valid_local_gov_code(v):
            raise FieldError(self.name(i), "地方公共団体コードの検査数字が正しくありません。")
        return v

    def iso_date(self, i: int) -> date:
        v = self.text(i)
        try:
            if len(v) != 10:
                raise ValueError
            return date.fromisoformat(v)
        except ValueError:
            raise FieldError(
                self.name(i), "日付が正しくありません（YYYY-MM-DD形式の実在する日付）。"
            ) from None

    def opt_iso_date(self, i: int) -> date | None:
        return self.iso_date(i) if self.raw(i) else None

    def choice(self, i: int, enum_cls: type[E]) -> E:
        v = self.text(i)
        for member in enum_cls:
            if member.value == v:
                return member
        allowed = "・".join(str(m.value) for m in enum_cls)
        raise FieldError(self.name(i), f"区分の値が正しくありません（{allowed}のいずれか）。")

    def flag(self, i: int) -> bool:
        v = self.raw(i)
        if v in ("", "0"):
            return False
        if v == "1":
            return True
        raise FieldError(self.name(i), "区分は「1」または空欄で記載してください。")

    def wareki_date(self, era_i: int, yy_i: int, mm_i: int, dd_i: int, label: str) -> date:
        era, yy, mm, dd = (self.raw(i) for i in (era_i, yy_i, mm_i, dd_i))
        if not (era and yy and mm and dd):
            raise FieldError(label, "必須項目が空欄です。")
        if era not in NTA_ERAS:
            raise FieldError(label, "元号の区分が正しくありません。")
        try:
            return date(NTA_ERAS[era] + int(yy), int(mm), int(dd))
        except ValueError:
            raise FieldError(label, "日付が正しくありません（実在しない日付です）。") from None


def _is_kana(c: str) -> bool:
    return "\u30a0" <= c <= "\u30ff" or "\u3040" <= c <= "\u309f" or c in "ー・"


# --------------------------------------------------------------------------- line reading


def iter_physical_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """Yield (1-based line number, bytes without line terminator). A final line
    terminator does not create an empty extra line."""
    with path.open("rb") as f:
        for n, raw in enumerate(f, start=1):
            yield n, raw.rstrip(b"\r\n")


def split_csv(text: str) -> list[str]:
    return next(csv.reader([text]))


def parse_lines(
    path: Path,
    *,
    encoding: str,
    row_parser: Callable[[list[str], int], T],
    header: Sequence[str] | None,
    file_errors: list[RecordError],
    exclude: frozenset[str] = frozenset(),
) -> Iterator[ParsedRecord[T] | RecordError]:
    """Generic line-per-record driver. If ``header`` is given, line 1 is the header
    row (not a record): a mismatch is a file-level error and the data lines are still
    parsed positionally."""
    for n, raw in iter_physical_lines(path):
        if header is not None and n == 1:
            try:
                got = split_csv(raw.decode(encoding).lstrip("\ufeff"))
            except (UnicodeDecodeError, csv.Error):
                got = []
            if [g.strip() for g in got] != list(header):
                file_errors.append(RecordError(1, "見出し行", "見出し行が規定の項目名・順序と一致しません。"))
            continue
        yield parse_one_line(raw, n, encoding, row_parser, exclude)


def parse_one_line(
    raw: bytes,
    n: int,
    encoding: str,
    row_parser: Callable[[list[str], int], T],
    exclude: frozenset[str] = frozenset(),
) -> ParsedRecord[T] | RecordError:
    if encoding == "cp932" and not raw.isascii() and _is_utf8(raw):
        return RecordError(n, "文字コード", "UTF-8で作成された行です（Shift_JISで作成してください）。")
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        label = "Shift_JIS" if encoding == "cp932" else "UTF-8"
        return RecordError(n, "文字コード", f"{label}として読み取れない文字が含まれています。")
    if encoding == "cp932" and any("\ue000" <= c <= "\uf8ff" for c in text):
        return RecordError(
            n, "文字コード", "外字（利用者定義文字）が含まれているか、Shift_JIS以外の文字コードです。"
        )
    if not text.strip():
        return RecordError(n, "行", "空行です（レコードがありません）。")
    try:
        cells = split_csv(text)
    except csv.Error:
        return RecordError(n, "行", "CSVの形式が正しくありません（引用符の対応など）。")
    try:
        record = row_parser(cells, n)
    except FieldError as e:
        return RecordError(n, e.field, e.message)
    return ParsedRecord(n, record, fingerprint(record, exclude=exclude))


def _is_utf8(raw: bytes) -> bool:
    """Genuine Shift_JIS Japanese text is practically never valid UTF-8, so a non-ASCII
    line that decodes as UTF-8 was written in the wrong encoding."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def check_column_count(cells: Sequence[str], expected: int) -> None:
    if len(cells) < expected:
        raise FieldError("項目数", f"項目数が不足しています（{expected}項目必要なところ{len(cells)}項目）。")
    if len(cells) > expected:
        raise FieldError("項目数", f"項目数が多すぎます（{expected}項目のところ{len(cells)}項目）。")


class ParseStream(Generic[T]):
    """Streaming form of :class:`ParseOutcome` for large files (bounded memory).

    The sha256 is taken up front (so an importer can check idempotency before reading);
    iterate once; the counts, ``declared_count`` and ``reconciles`` are final once the
    iteration is exhausted. A declared count that differs from the physical count adds a
    file-level error."""

    def __init__(
        self,
        path: Path,
        kind: str,
        items: Iterator[ParsedRecord[T] | RecordError],
        file_errors: list[RecordError],
        declared: Callable[[], int | None] = lambda: None,
        declared_field: str = "件数",
    ) -> None:
        self.path = path
        self.kind = kind
        self.sha256 = sha256_file(path)
        self.file_errors = file_errors
        self.physical_records = 0
        self.accepted = 0
        self.rejected = 0
        self.exhausted = False
        self._items = items
        self._declared = declared
        self._declared_field = declared_field
        self._started = False
        self._last_line = 0
        self._ordered = True

    @property
    def declared_count(self) -> int | None:
        return self._declared()

    def __iter__(self) -> Iterator[ParsedRecord[T] | RecordError]:
        if self._started:
            raise RuntimeError("a ParseStream can be iterated only once")
        self._started = True
        for item in self._items:
            self.physical_records += 1
            if isinstance(item, ParsedRecord):
                self.accepted += 1
            else:
                self.rejected += 1
            if item.line <= self._last_line:
                self._ordered = False
            self._last_line = item.line
            yield item
        self.exhausted = True
        declared = self.declared_count
        if declared is not None and declared != self.physical_records:
            self.file_errors.append(
                RecordError(
                    0,
                    self._declared_field,
                    f"宣言された件数（{declared}件）と実際のレコード数（{self.physical_records}件）が一致しません。",
                )
            )

    @property
    def reconciles(self) -> bool:
        declared = self.declared_count
        return (
            self.exhausted
            and self._ordered
            and self.accepted + self.rejected == self.physical_records
            and (declared is None or declared == self.physical_records)
        )

    def collect(self) -> ParseOutcome[T]:
        items = list(self)
        return ParseOutcome(
            path=self.path,
            kind=self.kind,
            sha256=self.sha256,
            declared_count=self.declared_count,
            physical_records=len(items),
            items=items,
            file_errors=self.file_errors,
        )


# --------------------------------------------------------------------------- writing


class CsvRecordWriter(Generic[T]):
    """Streams records to a CSV file row by row; returns the line number written."""

    def __init__(
        self,
        path: Path,
        *,
        encoding: str,
        to_row: Callable[[T], list[str]],
        header: Sequence[str] | None,
        newline: str,
    ) -> None:
        self._fh: IO[str] = path.open("w", encoding=encoding, newline="")
        self._csv = csv.writer(self._fh, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
        self._to_row = to_row
        self.line = 0
        if header is not None:
            self._csv.writerow(list(header))
            self.line = 1

    def write(self, record: T) -> int:
        self._csv.writerow(self._to_row(record))
        self.line += 1
        return self.line

    def write_raw(self, cells: list[str]) -> int:
        self._csv.writerow(cells)
        self.line += 1
        return self.line

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> CsvRecordWriter[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def row_to_text(cells: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(cells)
    return buf.getvalue()


def iso(d: date | None) -> str:
    return d.isoformat() if d is not None else ""


def num(v: int | None) -> str:
    return "" if v is None else str(v)
