"""Tables on the clerk's console: a title, the column headings and one row of cells per record."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.table import Table

from interfaces.cli.common import console


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """Print a table titled ``title`` with ``columns`` and one line per row (cells already formatted)."""
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    console.print(table)
