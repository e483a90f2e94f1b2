"""Ad-hoc statistics (EUC): aggregate-only tables with small cells suppressed — pure, stdlib only.

DESIGN §8 lists 課税状況調 statistics among the read models; the seed PIA (shared/seed, 情報の統計分析)
says statistics are made "のみ" for 課税状況の分析等 and never so as to identify a person
("特定の個人を判別するような情報の統計や分析は行わない"). So EUC output is grouped counts and sums only,
and every group under a minimum number of persons is masked. Policy: docs/reporting.md, ADR 0011.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Final

from domain.reporting.survey import (
    AMOUNT_FIELDS,
    BANDS,
    INCOME_CLASSES,
    ROW_FIELDS,
    SurveyRow,
    band_of,
    classify,
)

#: Replaces every cell (persons and each measure) of a suppressed group. "X" is the 秘匿 marker of
#: Japanese official statistics (e-Stat / 総務省統計局 凡例: "X … 秘匿").
SUPPRESSED: Final = "X"
#: Name of the person-count column in every output row (reserved: not usable as a dimension/measure).
PERSONS: Final = "persons"
#: Derived dimensions: 所得者区分 (:func:`classify`) and the 第9表 課税標準額 band label (:func:`band_of`).
DERIVED_DIMENSIONS: Final = ("income_class", "band")

Key = str | int | bool
Cell = str | int | bool


def _dimension(name: str) -> Callable[[SurveyRow], Key]:
    if name == "income_class":
        return classify
    if name == "band":
        return lambda row: band_of(row.taxable_standard).label
    if name in ROW_FIELDS:
        return lambda row: getattr(row, name)
    raise ValueError(f"unknown dimension {name!r}; use a SurveyRow field, 'income_class' or 'band'")


_CLASS_ORDER: Final = {name: i for i, name in enumerate(INCOME_CLASSES)}
_BAND_ORDER: Final = {band.label: band.index for band in BANDS}


def _order(name: str, value: Key) -> tuple[int, str]:
    """Sort key of a dimension value: official order for 所得者区分 and bands, natural order otherwise."""
    if name == "income_class" and isinstance(value, str):
        return (_CLASS_ORDER.get(value, len(_CLASS_ORDER)), value)
    if name == "band" and isinstance(value, str):
        return (_BAND_ORDER.get(value, 0), value)
    if isinstance(value, bool | int):
        return (int(value), "")
    return (0, value)


def aggregate(
    rows: Iterable[SurveyRow],
    by: tuple[str, ...],
    measures: tuple[str, ...],
    min_cell: int = 10,
) -> list[dict[str, Cell]]:
    """Group ``rows`` by ``by`` and sum ``measures``; mask small groups.

    * ``by``: SurveyRow field names, ``"income_class"`` (所得者区分) or ``"band"`` (第9表 band of 課税標準額).
    * ``measures``: integer (yen) SurveyRow fields; ``"persons"`` (the group size) is always included.
    * Output: one dict per non-empty group, keys in the order ``*by, "persons", *measures``, sorted by
      the dimension values (所得者区分 and bands in their official order).
    * **Primary suppression**: a group with fewer than ``min_cell`` persons has its ``persons`` and
      every measure replaced by :data:`SUPPRESSED`; its sums are never returned.
    * **Complementary suppression**: for every dimension, within each line of cells that differ only
      in that dimension, if exactly one cell is masked, the unmasked cell with the fewest persons (ties:
      the later one in sort order) is masked too, because a published margin (e.g. the survey's 計) minus
      the others would reveal it. Repeated until no line has exactly one masked cell. A line of a
      single cell cannot be protected this way (its margin *is* the cell) — see docs/reporting.md.
    """
    if min_cell < 1:
        raise ValueError("min_cell must be at least 1")
    if len(set(by)) != len(by) or len(set(measures)) != len(measures):
        raise ValueError("duplicate names in by/measures")
    if PERSONS in by or PERSONS in measures:
        raise ValueError(f"{PERSONS!r} is reserved for the person count")
    for measure in measures:
        if measure not in AMOUNT_FIELDS:
            raise ValueError(f"measure {measure!r} is not an integer SurveyRow field")
    if set(by) & set(measures):
        raise ValueError("a name cannot be both a dimension and a measure")
    keys = [_dimension(name) for name in by]

    groups: dict[tuple[Key, ...], list[int]] = {}
    for row in rows:
        key = tuple(k(row) for k in keys)
        acc = groups.setdefault(key, [0] * (1 + len(measures)))
        acc[0] += 1
        for i, measure in enumerate(measures, start=1):
            acc[i] += getattr(row, measure)

    ordered = sorted(groups, key=lambda key: tuple(_order(n, v) for n, v in zip(by, key, strict=True)))
    masked = {key for key in ordered if groups[key][0] < min_cell}
    _complementary(ordered, groups, masked, len(by))

    out: list[dict[str, Cell]] = []
    for key in ordered:
        record: dict[str, Cell] = dict(zip(by, key, strict=True))
        if key in masked:
            record[PERSONS] = SUPPRESSED
            record.update(dict.fromkeys(measures, SUPPRESSED))
        else:
            acc = groups[key]
            record[PERSONS] = acc[0]
            record.update({m: acc[i] for i, m in enumerate(measures, start=1)})
        out.append(record)
    return out


def _complementary(
    ordered: list[tuple[Key, ...]],
    groups: dict[tuple[Key, ...], list[int]],
    masked: set[tuple[Key, ...]],
    dimensions: int,
) -> None:
    """Secondary suppression in place: no line along any dimension may hold exactly one masked cell."""
    position = {key: i for i, key in enumerate(ordered)}
    changed = True
    while changed:
        changed = False
        for d in range(dimensions):
            lines: dict[tuple[Key, ...], list[tuple[Key, ...]]] = {}
            for key in ordered:
                lines.setdefault(key[:d] + key[d + 1 :], []).append(key)
            for cells in lines.values():
                hidden = [c for c in cells if c in masked]
                if len(hidden) != 1 or len(cells) < 2:
                    continue
                shown = [c for c in cells if c not in masked]
                victim = min(shown, key=lambda c: (groups[c][0], -position[c]))
                masked.add(victim)
                changed = True
