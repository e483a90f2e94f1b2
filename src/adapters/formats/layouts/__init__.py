"""Versioned column layouts (descriptors) for the 法定調書 CSVs, keyed by 年分.

A layout is an ordered tuple of (key, 項目名). Parsers and writers address columns by
key, so adding or moving a column in a later 年分 is a new descriptor, not new code.
Sources and confidence are given per layout (see docs/formats/eltax-salary.md and
docs/formats/eltax-pension.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field


def _person_columns(key: str, label: str) -> tuple[tuple[str, str], ...]:
    """The four columns of one person block (フリガナ, 氏名, 区分, 個人番号)."""
    return tuple(
        (f"{key}_{part}", f"{label}（{name}）")
        for part, name in (
            ("kana", "フリガナ"),
            ("name", "氏名"),
            ("kubun", "区分"),
            ("my_number", "個人番号"),
        )
    )


#: The spouse block and the four 控除対象扶養親族 and four 16歳未満の扶養親族 blocks, in the same shape in
#: the 315 and the 331 layouts.
FAMILY_COLUMNS: tuple[tuple[str, str], ...] = (
    *_person_columns("spouse", "控除対象配偶者"),
    *(col for i in range(1, 5) for col in _person_columns(f"dep{i}", f"控除対象扶養親族{i}")),
    *(col for i in range(1, 5) for col in _person_columns(f"u16_{i}", f"16歳未満の扶養親族{i}")),
)


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
