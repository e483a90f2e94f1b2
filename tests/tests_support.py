"""Helpers shared by tests (importable as ``tests_support``)."""

from __future__ import annotations

from typing import Any


def reset_postgres(url: str) -> None:
    """Drop every table in the public schema of a throw-away test database."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        for table in tables:
            conn.execute(f'DROP TABLE IF EXISTS "{table}" CASCADE')


def decode_qr_codes(pdf: bytes, *, dpi: int = 150) -> list[list[str]]:
    """The QR payloads on each page of a PDF, read the way a scanner would: the pages rasterised with
    ``pdftoppm`` (poppler-utils) and decoded with ``zbarimg`` (zbar-tools). One list per page."""
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    for tool in ("pdftoppm", "zbarimg"):
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} is missing (apt-get install poppler-utils zbar-tools; .ci/run does)")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "doc.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", str(source), str(Path(tmp) / "page")],
            check=True,
            timeout=120,
        )
        pages = []
        for image in sorted(Path(tmp).glob("page-*.png"), key=lambda p: int(p.stem.split("-")[-1])):
            # zbarimg exits 4 when a page has no symbol at all; that is an empty page here, not an error.
            result = subprocess.run(
                ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            if result.returncode not in (0, 4):
                raise RuntimeError(f"zbarimg failed on {image.name}: {result.returncode}")
            pages.append([line for line in result.stdout.splitlines() if line])
        return pages


def write_corrected_salary_report(
    c: Any, ward_dir: Any, target: Any, path: Any, raise_by: int = 1_200_000
) -> None:
    """A 訂正 給与支払報告書 (eLTAX 315) for the filing behind ``target`` (an assessment based on one), with the
    支払金額 raised by ``raise_by``, written to ``path`` — importing it and running 一括更正 gives a 更正."""
    import dataclasses
    from uuid import UUID

    from adapters.formats import eltax_salary
    from domain.intake import ParsedRecord, SubmissionKind

    outcome = eltax_salary.parse(ward_dir / "eltax_salary_315.csv")
    filing = c.app.repository.get(UUID(target.source_filing_ids[0]))
    original = next(i.record for i in outcome.items if isinstance(i, ParsedRecord) and i.line == filing.line)
    corrected = dataclasses.replace(
        original,
        submission_kind=SubmissionKind.CORRECTION,
        payment_amount=original.payment_amount + raise_by,
    )
    eltax_salary.write(path, [corrected])
