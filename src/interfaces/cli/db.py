"""``juminzei db …``: create or migrate the event store and read-model tables."""

from __future__ import annotations

import typer

from adapters.persistence.migrations import apply_migrations
from interfaces.cli.common import JSON_OPTION, console, container, print_json, settings

app = typer.Typer(
    help="Database: create or migrate the event store and read-model tables.", no_args_is_help=True
)


@app.command("upgrade")
def upgrade(json_out: bool = JSON_OPTION) -> None:
    """Create or migrate everything (safe to run any number of times)."""
    cfg = settings()
    with container(upgrade=True, cfg=cfg) as c:
        applied = c.applied_migrations + apply_migrations(c.db)  # the second call finds nothing pending
        head = c.app.head()
        described = c.store.describe()
    if json_out:
        print_json({"database": described, "applied_now": applied, "head": head})
    else:
        if applied:
            console.print(f"マイグレーションを適用しました: {', '.join(applied)}")
        console.print(f"データベースは最新です: {described} (event log head {head})")
