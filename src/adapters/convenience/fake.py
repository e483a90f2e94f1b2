"""A fake 証明書交付センター — not a connection to the real one (J-LIS).

It writes a 交付要求 file for the residents it was asked about (as the センター does after identifying them by
their マイナンバーカード), reads back our 証明書データ, and "prints" one certificate per 交付可 row — keeping
what it printed (``printed``) so a test can check the data and then verify each printed code through the
same verification as counter certificates.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from adapters.formats.convenience import REQUEST_HEADER, read_answers


class FakeCertificateCentre:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, int, date]] = []
        self.printed: list[dict[str, str]] = []
        self.refused: list[dict[str, str]] = []

    def request_file(self, path: Path, requests: list[tuple[str, int, date]], *, prefix: str = "R") -> Path:
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(REQUEST_HEADER)
            for i, (address_number, fiscal_year, day) in enumerate(requests, start=1):
                number = f"{prefix}{i:05d}"
                writer.writerow([number, address_number, str(fiscal_year), day.isoformat()])
                self.sent.append((number, address_number, fiscal_year, day))
        return path

    def receive(self, path: Path) -> list[dict[str, str]]:
        rows = read_answers(path)
        for row in rows:
            (self.printed if row["結果"] == "交付可" else self.refused).append(row)
        return rows
