"""``juminzei replica …``: 縮退運用 — the read-only replica's journal buffer (seed II-6, ADR 0020)."""

from __future__ import annotations

import typer

from adapters.persistence.degraded_journal import DegradedJournalError
from application.usecases.operations import DrainReplicaJournal
from interfaces.cli.common import JSON_OPTION, container, fail, settings
from interfaces.cli.usecase import emit, run_unattributed

app = typer.Typer(
    help="縮退運用 (read-only replica): status and drain of the local journal.", no_args_is_help=True
)


@app.command("status")
def status(json_out: bool = JSON_OPTION) -> None:
    """Whether this store is read-only, and how many buffered journal entries await the primary."""
    with container(cfg=settings()) as c:
        try:
            pending = len(c.degraded_journal.pending())
        except DegradedJournalError as error:
            fail(str(error))
        data = {"read_only": c.read_only, "pending": pending, "journal": str(c.degraded_journal.path)}
    mode = "読み取り専用（縮退運用）" if data["read_only"] else "通常（書き込み可）"
    emit(
        json_out, data, f"{mode}; 主系へ未反映のジャーナル {pending} 件 ({data['journal']})", highlight=False
    )


@app.command("drain")
def drain_command(json_out: bool = JSON_OPTION) -> None:
    """On the primary (writable), append the replica's buffered journal entries in order, exactly once."""
    try:
        result = run_unattributed(DrainReplicaJournal())
    except DegradedJournalError as error:
        fail(str(error))
    data = {"entries": result.entries, "appended": result.appended, "already_present": result.already_present}
    text = f"縮退運用中の記録を主系に反映しました: {result.appended} 件追加, {result.already_present} 件は反映済み"
    emit(json_out, data, text, highlight=False)
