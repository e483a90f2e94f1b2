"""A fake 中間サーバー peer for tests and demonstrations — not a connection to the real one.

It keeps the 副本 registered with it in memory (replacing a person × 年度 × item on re-registration, as the
中間サーバー does), counts every registration, and answers 情報照会 from a table the test fills (``answers``).
It refuses a key that is not a 団体内統合宛名番号 (16 digits with its check digit) — in particular a 12-digit
My Number — so a test proves the exchange never uses the My Number.
"""

from __future__ import annotations

import copy
from typing import Any

from domain.integrated_address.model import is_valid_number


class FakeIntermediateServer:
    def __init__(self) -> None:
        self.held: dict[tuple[str, str], dict[int, dict[str, Any]]] = {}
        self.registrations: list[tuple[str, int, str]] = []
        #: (団体内統合宛名番号, item, provider) → the answer a 情報照会 gets.
        self.answers: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.inquiries: list[tuple[str, str, str]] = []

    @staticmethod
    def _check(number: str) -> None:
        if not is_valid_number(number):
            raise ValueError(
                "the 中間サーバー is keyed by the 団体内統合宛名番号 (16 digits), never the My Number"
            )

    def register_copy(
        self, integrated_number: str, fiscal_year: int, item: str, content: dict[str, Any]
    ) -> None:
        self._check(integrated_number)
        self.held.setdefault((integrated_number, item), {})[fiscal_year] = copy.deepcopy(content)
        self.registrations.append((integrated_number, fiscal_year, item))

    def copies(self, integrated_number: str, item: str) -> dict[int, dict[str, Any]]:
        self._check(integrated_number)
        return copy.deepcopy(self.held.get((integrated_number, item), {}))

    def inquire(self, integrated_number: str, item: str, provider: str) -> dict[str, Any] | None:
        self._check(integrated_number)
        self.inquiries.append((integrated_number, item, provider))
        found = self.answers.get((integrated_number, item, provider))
        return None if found is None else copy.deepcopy(found)
