"""``juminzei serve``, ``juminzei worker`` and ``juminzei jobs status`` (HTTP API and background worker).

Registered from ``interfaces/cli/main.py`` with ``server.register(app)``.
"""

from __future__ import annotations

import typer
from rich.table import Table

from interfaces.cli.common import JSON_OPTION, console, container, print_json, settings

jobs_app = typer.Typer(help="バックグラウンドジョブ (background jobs): status.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", "--host"),
        port: int = typer.Option(8000, "--port"),
        workers: int = typer.Option(
            1, "--workers", min=1, max=32, help="API processes (each with its own connection pool)."
        ),
        openapi_out: str | None = typer.Option(
            None,
            "--openapi-out",
            help="Write the OpenAPI document to this file and exit (see scripts/openapi).",
        ),
    ) -> None:
        """Serve the clerk HTTP API (staff session tokens; development tokens only with JUMINZEI_ALLOW_DEV_TOKENS)."""
        from adapters.logging import configure_logging
        from interfaces import serve as composition

        if openapi_out:
            composition.write_openapi(openapi_out)
            console.print(f"wrote {openapi_out}")
            return
        cfg = settings()
        configure_logging(cfg.log_format, cfg.log_level)
        composition.run_http(host, port, workers)

    @app.command("worker")
    def worker(threads: int = typer.Option(1, "--threads", min=1, max=16)) -> None:
        """Run the dramatiq worker on Redis (JUMINZEI_BROKER_URL) until interrupted."""
        from adapters.logging import configure_logging
        from interfaces import serve as composition

        cfg = settings()
        configure_logging(cfg.log_format, cfg.log_level)
        composition.run_worker(
            threads, on_started=lambda: console.print(f"worker started ({threads} thread(s)); Ctrl-C to stop")
        )

    app.add_typer(jobs_app, name="jobs")


@jobs_app.command("status")
def jobs_status(
    status: str | None = typer.Option(None, "--status", help="queued, running, succeeded, failed"),
    limit: int = typer.Option(50, "--limit", min=1, max=1000),
    json_out: bool = JSON_OPTION,
) -> None:
    """Recent jobs with their status, attempts and errors (payloads hold no personal data)."""
    from adapters.persistence.jobs import JobStore

    with container(cfg=settings()) as c:
        store = JobStore(c.db)
        jobs = store.list(status, limit)
        counts = store.counts()
    if json_out:
        print_json({"counts": counts, "jobs": [j.to_json() for j in jobs]})
        return
    table = Table(title="ジョブ (jobs): " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    for column in ("job_id", "kind", "status", "attempts", "actor", "updated_at", "error"):
        table.add_column(column)
    for j in jobs:
        table.add_row(j.job_id, j.kind, j.status, str(j.attempts), j.actor, j.updated_at, j.error or "")
    console.print(table)
