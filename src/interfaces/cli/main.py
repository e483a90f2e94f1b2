"""The ``juminzei`` command line (typer). Composition root for CLI use (DESIGN §9)."""

from __future__ import annotations

from typing import Any

import click
import typer
from typer.core import TyperGroup

from interfaces.cli import (
    anomalies,
    audit,
    backup,
    bench,
    contracts,
    db,
    demo,
    documents,
    generate,
    images,
    inquiries,
    inspection,
    intake,
    integrated_address,
    juki,
    keys,
    levy,
    migration,
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


class GuardedGroup(TyperGroup):
    """The root command: no Python traceback ever reaches a clerk (issue 22).

    An error no command anticipated is reported in one Japanese line naming its kind (exit 70); the
    details go to the log (English, never personal data), not to the screen."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (
            typer.Exit,
            typer.Abort,
            click.exceptions.Exit,
            click.ClickException,
            click.exceptions.Abort,
            # typer ≥ 0.25 vendors click: its usage errors (missing option → exit 2) are these.
            typer.exceptions.TyperException,
            SystemExit,
            KeyboardInterrupt,
        ):
            raise
        except Exception as error:  # the last line of defence, by design
            import traceback

            import structlog

            # Where it was raised (file:line:function), never the message: it may quote personal data.
            frames = [
                f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}:{f.name}"
                for f in traceback.extract_tb(error.__traceback__)
            ]
            structlog.get_logger("juminzei.cli").error(
                "cli.unexpected_error",
                error=f"{type(error).__module__}.{type(error).__name__}",
                command=ctx.invoked_subcommand,
                frames=frames[-8:],
            )
            click.echo(f"エラー: {describe_unexpected(error)}", err=True)
            ctx.exit(UNEXPECTED_EXIT)


UNEXPECTED_EXIT = 70


def describe_unexpected(error: BaseException) -> str:
    """A clerk-readable line for an error no command handled (database unreachable, disk full, …)."""
    kind = type(error).__name__
    module = type(error).__module__
    if module.startswith(("psycopg", "sqlite3")) or kind in ("OperationalError", "DatabaseError"):
        return (
            f"データベースの処理に失敗しました（{kind}）。接続先 (JUMINZEI_DATABASE_URL) と"
            " データベースの状態を確認してください。データは変更されていないか、変更の途中で取り消されています。"
        )
    if isinstance(error, OSError):
        return f"ファイルの読み書きに失敗しました（{kind}: {getattr(error, 'filename', '') or ''}）。"
    return f"予期しないエラーが発生しました（{kind}）。運用担当者に連絡してください（詳細はログにあります）。"


app = typer.Typer(
    cls=GuardedGroup,
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
anomalies.register(audit.app)
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
app.add_typer(contracts.app, name="contract")
app.add_typer(inquiries.app, name="inquiry")
app.add_typer(integrated_address.app, name="integrated-address")
app.add_typer(juki.app, name="juki")
app.add_typer(images.app, name="image")
app.add_typer(migration.app, name="migrate")
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
