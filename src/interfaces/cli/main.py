"""The ``juminzei`` command line (typer). Composition root for CLI use (DESIGN §9)."""

from __future__ import annotations

import typer

from interfaces.cli import (
    audit,
    backup,
    bench,
    db,
    demo,
    documents,
    generate,
    inspection,
    intake,
    keys,
    levy,
    payments,
    projections,
    provision,
    replica,
    retention,
    returns,
    server,
    staff,
    tax,
    taxpayer,
)

app = typer.Typer(
    name="juminzei",
    help="juminzei — 個人住民税 (特別区民税・都民税) administration, event-sourced.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(taxpayer.app, name="taxpayer")
app.add_typer(projections.app, name="projections")
demo.register(app)
intake.register(app)
app.add_typer(intake.queue_app, name="queue")
app.add_typer(returns.app, name="return")
app.add_typer(tax.app, name="tax")
app.add_typer(levy.levy_app, name="levy")
app.add_typer(levy.assessment_app, name="assessment")
app.add_typer(levy.report_app, name="report")
app.add_typer(documents.certificate_app, name="certificate")
app.add_typer(documents.notice_app, name="notice")
app.add_typer(documents.document_app, name="document")
app.add_typer(audit.app, name="audit")
inspection.register(audit.app)
app.add_typer(retention.app, name="retention")
app.add_typer(provision.provision_app, name="provision")
app.add_typer(provision.export_app, name="export")
app.add_typer(payments.payments_app, name="payments")
app.add_typer(payments.ledger_app, name="ledger")
app.add_typer(payments.debit_app, name="debit")
app.add_typer(payments.refunds_app, name="refunds")
app.add_typer(payments.closing_app, name="closing")
app.add_typer(staff.app, name="staff")
app.add_typer(bench.app, name="bench")
app.add_typer(backup.app, name="backup")
app.add_typer(keys.app, name="keys")
app.add_typer(replica.app, name="replica")
generate.register(app)
server.register(app)


def package_version() -> str:
    """The installed distribution's version: defined once, in ``pyproject.toml``."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("juminzei")
    except PackageNotFoundError:  # pragma: no cover - running from a tree that was never installed
        return "0+unknown"


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"juminzei {package_version()}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        help="バージョンを表示して終了 (show the version and exit).",
        callback=_show_version,
        is_eager=True,
    ),
) -> None:
    """juminzei — 個人住民税 (特別区民税・都民税) administration, event-sourced."""


if __name__ == "__main__":  # pragma: no cover
    app()
