"""Helpers shared by tests (importable as ``tests_support``)."""

from __future__ import annotations


def reset_postgres(url: str) -> None:
    """Drop every table in the public schema of a throw-away test database."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        for table in tables:
            conn.execute(f'DROP TABLE IF EXISTS "{table}" CASCADE')
