"""Versioned column layouts (descriptors) for the 法定調書 CSVs, keyed by 年分.

A layout is an ordered tuple of (key, 項目名). Parsers and writers address columns by
key, so adding or moving a column in a later 年分 is a new descriptor, not new code.
Sources and confidence are given per layout (see docs/formats/eltax-salary.md and
docs/formats/eltax-pension.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Layout:
    layout_id: str
    form: str  # 法定資料の種類 (315, 331)
    first_year: int  # first 年分 (Western) the layout applies to
    last_year: int | None
    columns: tuple[tuple[str, str], ...]  # (key, 項目名)
    source: str
    index: dict[str, int] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        keys = [k for k, _ in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"duplicate key in layout {self.layout_id}")
        object.__setattr__(self, "index", {k: i for i, k in enumerate(keys)})

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(n for _, n in self.columns)

    def __len__(self) -> int:
        return len(self.columns)

    def covers(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)


def pick(layouts: tuple[Layout, ...], year: int) -> Layout | None:
    for layout in layouts:
        if layout.covers(year):
            return layout
    return None
