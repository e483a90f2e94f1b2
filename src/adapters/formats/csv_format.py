"""One CSV layout, declared: the shared reader and writer of juminzei's own UTF-8 CSV formats.

An adapter declares its layout once — ``CsvFormat(KIND, HEADER, parse_row, to_row)``: the kind, the
columns (the header row, in order; the column count is checked), and the row codec, whose typed cell
readers (``Row.text``, ``Row.digits``, ``Row.iso_date``, ``Row.my_number(required=…)`` …) say each cell's
type and whether it is required and raise ``FieldError`` naming the column. The driver turns that into a
``RecordError`` naming the line and field (``_base.parse_one_line``), so every physical line gets exactly
one outcome and no adapter repeats the reading, streaming and writing machinery.

Files: UTF-8 (BOM tolerated on the header), header row, RFC 4180 quoting, LF written (CRLF read).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from adapters.formats._base import (
    CsvRecordWriter,
    ParseOutcome,
    ParseStream,
    Row,
    check_column_count,
    parse_lines,
)
from domain.intake import ParsedRecord, RecordError

T = TypeVar("T")
ENCODING = "utf-8"


@dataclass(frozen=True)
class LineFormat(Generic[T]):
    """A line-per-record text format: KIND, the row parser (cells, line → record) and writer, with the
    file's encoding, newline and optional header row; provides the adapter API. Fields named in
    ``exclude`` are left out of the duplicate fingerprint (e.g. a layout version)."""

    kind: str
    row_parser: Callable[[list[str], int], T]
    to_row: Callable[[T], list[str]]
    header: tuple[str, ...] | None = None
    encoding: str = ENCODING
    newline: str = "\n"
    exclude: frozenset[str] = frozenset()

    def iter_parse(
        self, path: Path, file_errors: list[RecordError] | None = None
    ) -> Iterator[ParsedRecord[T] | RecordError]:
        """Stream the outcomes, one per data line (a header mismatch goes to ``file_errors``)."""
        return parse_lines(
            path,
            encoding=self.encoding,
            row_parser=self.row_parser,
            header=self.header,
            file_errors=file_errors if file_errors is not None else [],
            exclude=self.exclude,
        )

    def stream(self, path: Path) -> ParseStream[T]:
        """Streaming parse (bounded memory); see ParseStream."""
        errors: list[RecordError] = []
        return ParseStream(path, self.kind, self.iter_parse(path, errors), errors)

    def parse(self, path: Path) -> ParseOutcome[T]:
        """sha256, one outcome per data line, file-level errors (header row mismatch)."""
        return self.stream(path).collect()

    def open_writer(self, path: Path) -> CsvRecordWriter[T]:
        return CsvRecordWriter(
            path, encoding=self.encoding, to_row=self.to_row, header=self.header, newline=self.newline
        )

    def write(self, path: Path, records: Iterable[T]) -> None:
        with self.open_writer(path) as w:
            for rec in records:
                w.write(rec)

    def functions(
        self,
    ) -> tuple[
        Callable[[Path, list[RecordError] | None], Iterator[ParsedRecord[T] | RecordError]],
        Callable[[Path], ParseStream[T]],
        Callable[[Path], ParseOutcome[T]],
        Callable[[Path], CsvRecordWriter[T]],
        Callable[[Path, Iterable[T]], None],
    ]:
        """The module-level adapter API (``iter_parse, stream, parse, open_writer, write``)."""
        return self.iter_parse, self.stream, self.parse, self.open_writer, self.write


class CsvFormat(LineFormat[T]):
    """One of our CSV layouts: KIND, columns (header) and the row codec (a ``Row`` of named cells)."""

    header: tuple[str, ...]

    def __init__(
        self,
        kind: str,
        header: tuple[str, ...],
        parse_row: Callable[[Row], T],
        to_row: Callable[[T], list[str]],
    ) -> None:
        def row_parser(cells: list[str], line: int) -> T:
            check_column_count(cells, len(header))
            return parse_row(Row(cells, header))

        super().__init__(kind, row_parser, to_row, header=header)
