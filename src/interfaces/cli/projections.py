"""``juminzei projections …``: read-model status and catch-up."""

from __future__ import annotations

import typer
from rich.table import Table

from interfaces.cli.common import JSON_OPTION, console, container, print_json, settings

app = typer.Typer(help="Read models (projections): status and catch-up.", no_args_is_help=True)


@app.command("status")
def status(json_out: bool = JSON_OPTION) -> None:
    """Position, head, lag, checksum and last error of every projection."""
    with container(cfg=settings()) as c:
        rows = c.runner.status()
    if json_out:
        print_json(
            {
                "projections": [
                    {
                        "name": s.name,
                        "position": s.position,
                        "head": s.head,
                        "lag": s.lag,
                        "checksum": s.checksum,
                        "rows": s.rows,
                        "error": s.error,
                    }
                    for s in rows
                ]
            }
        )
        return
    table = Table(title="Projections")
    for column in ("name", "position", "head", "lag", "rows", "checksum", "error"):
        table.add_column(column)
    for s in rows:
        table.add_row(
            s.name, str(s.position), str(s.head), str(s.lag), str(s.rows), s.checksum[:16], s.error or ""
        )
    console.print(table)


@app.command("catch-up")
def catch_up(json_out: bool = JSON_OPTION) -> None:
    """Apply every event not yet applied to each projection."""
    with container(cfg=settings()) as c:
        applied = c.runner.catch_up()
    if json_out:
        print_json({"applied": applied})
    else:
        for name, count in applied.items():
            console.print(f"{name}: {count} events applied")
