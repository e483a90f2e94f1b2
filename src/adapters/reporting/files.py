"""Write the 課税状況調 survey as CSV (one per table), one XLSX workbook and ``survey.html``.

* CSV: UTF-8 with BOM (Excel opens it as UTF-8; cp932 cannot hold every character), CRLF, one header
  row with Japanese headings (units in the headings), then the data rows. No title row, so the files
  stay machine-readable.
* XLSX (openpyxl): one sheet per table (title, unit, header, rows). Reproducible byte for byte:
  openpyxl stamps ``dcterms:modified`` with the clock at save time and zip entries with the current
  local time, so the saved package is rewritten with ``created = modified = 1 January of the
  fiscal year`` (賦課期日) and every zip entry dated the same; entry order and content are unchanged.
* HTML: see :mod:`adapters.reporting.html`.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from adapters.reporting.html import render_html
from adapters.reporting.shapes import TableShape, era_fiscal_year, shapes
from domain.reporting import Survey

XLSX_NAME = "tax-status-survey.xlsx"
HTML_NAME = "survey.html"


def _csv_bytes(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([_csv_cell(v) for v in row] for row in rows)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def _csv_cell(value: object) -> object:
    if isinstance(value, bool):
        return "1" if value else "0"
    return value


def _xlsx_bytes(survey: Survey, tables: Sequence[TableShape]) -> bytes:
    wb = Workbook()
    first = wb.active
    if first is not None:
        wb.remove(first)
    bold = Font(bold=True)
    for shape in tables:
        ws = wb.create_sheet(shape.sheet)
        ws.append([shape.title])
        ws.append([shape.unit])
        ws.append(list(shape.headers))
        for row in shape.rows:
            ws.append(list(row))
        ws["A1"].font = bold
        for cell in ws[3]:
            cell.font = bold
        ws.freeze_panes = "A4"
        for index, header in enumerate(shape.headers, start=1):
            letter = ws.cell(row=3, column=index).column_letter
            ws.column_dimensions[letter].width = max(12, min(40, len(header) * 2))
    stamp = datetime(survey.fiscal_year, 1, 1)
    props = wb.properties
    props.creator = "juminzei"
    props.lastModifiedBy = "juminzei"
    props.title = f"市町村税課税状況等の調（個人住民税）{era_fiscal_year(survey.fiscal_year)}"
    props.created = stamp
    props.modified = stamp
    raw = io.BytesIO()
    wb.save(raw)
    return _normalise_package(raw.getvalue(), stamp)


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _normalise_package(data: bytes, stamp: datetime) -> bytes:
    """Rewrite an XLSX package so that nothing in it depends on the clock."""
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>" + iso + rb"\g<2>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, content)
    return out.getvalue()


def write_survey(survey: Survey, out_dir: Path) -> list[Path]:
    """Write every table as CSV, the XLSX workbook and ``survey.html`` into ``out_dir`` (created).

    Returns the written paths in a fixed order: the CSVs (第2表, 第11表, 第9表, 寄附金税額控除, 照合),
    the workbook, the HTML page. Re-running with the same survey gives byte-identical files.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = shapes(survey)
    written: list[Path] = []
    for shape in tables:
        path = out_dir / f"{shape.key}.csv"
        path.write_bytes(_csv_bytes(shape.headers, shape.rows))
        written.append(path)
    xlsx = out_dir / XLSX_NAME
    xlsx.write_bytes(_xlsx_bytes(survey, tables))
    written.append(xlsx)
    html = out_dir / HTML_NAME
    html.write_bytes(render_html(survey).encode("utf-8"))
    written.append(html)
    return written


def write_aggregate_csv(
    rows: list[dict[str, str | int | bool]], path: Path, columns: Sequence[str] | None = None
) -> Path:
    """EUC output of :func:`domain.reporting.aggregate` as CSV (UTF-8 BOM, CRLF).

    Columns are ``columns`` or the keys of the first row (all rows share them). Suppressed cells keep
    the ``"X"`` marker; booleans are written ``1``/``0``. With no rows and no ``columns``, the file holds
    only the BOM.
    """
    headers = list(columns) if columns is not None else (list(rows[0]) if rows else [])
    for row in rows:
        if any(h not in row for h in headers):
            raise ValueError("every row must have every column")
    path.parent.mkdir(parents=True, exist_ok=True)
    if not headers:
        path.write_bytes(b"\xef\xbb\xbf")
        return path
    path.write_bytes(_csv_bytes(headers, [[row[h] for h in headers] for row in rows]))
    return path
