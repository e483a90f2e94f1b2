"""Helpers shared by tests (importable as ``tests_support``)."""

from __future__ import annotations


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
