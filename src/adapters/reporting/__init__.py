"""File output of the 課税状況調 survey (CSV, XLSX, HTML with inline SVG charts) and of EUC aggregates.

See docs/reporting.md and ADR 0011. The tables themselves are computed in ``domain.reporting``.
"""

from adapters.reporting.files import HTML_NAME, XLSX_NAME, write_aggregate_csv, write_survey
from adapters.reporting.html import bar_chart_svg, render_html
from adapters.reporting.shapes import TableShape, era_fiscal_year, shapes

__all__ = [
    "HTML_NAME",
    "XLSX_NAME",
    "TableShape",
    "bar_chart_svg",
    "era_fiscal_year",
    "render_html",
    "shapes",
    "write_aggregate_csv",
    "write_survey",
]
