"""Closed lists (Enum) that clerks type by their Japanese value or by the English member name."""

from __future__ import annotations

from enum import Enum
from typing import ClassVar, Self


class ClosedList(Enum):
    """An ``Enum`` parsed from clerk input; a subclass names its list in ``__label__`` (e.g. 利用目的, 役割)."""

    __label__: ClassVar[str]

    @classmethod
    def parse(cls, text: str) -> Self:
        """Accept either the Japanese value or the English member name (case-insensitive)."""
        for member in cls:
            if text == member.value or text.upper() == member.name:
                return member
        allowed = ", ".join(f"{m.value} ({m.name.lower()})" for m in cls)
        raise ValueError(f"{cls.__label__} '{text}' は定義されていません。使用できる値: {allowed}")
