"""Helpers shared by the two 法定調書 CSV adapters (315 給与, 331 年金).

Both are Shift_JIS (cp932) CSV without a header row, one record per line, full-width
text and half-width kana (reference/formats.md §4.2–4.3, e-Tax 法定調書 CSV rules).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import TypeVar

from adapters.formats._base import FieldError, Row, check_column_count, to_halfwidth_kana, to_wareki
from adapters.formats.csv_format import LineFormat
from adapters.formats.layouts import Layout, pick
from domain.intake import Dependent, DependentKind, DisabilitySelf, SubmissionKind

ENCODING = "cp932"
NEWLINE = "\r\n"
T = TypeVar("T")


def statutory_format(
    kind: str, row_parser: Callable[[list[str], int], T], to_row: Callable[[T], list[str]]
) -> LineFormat[T]:
    """A 法定調書 CSV: no header row, Shift_JIS, CRLF; the layout version is not part of a record's
    fingerprint (the same record in a later layout is a duplicate)."""
    return LineFormat(
        kind, row_parser, to_row, encoding=ENCODING, newline=NEWLINE, exclude=frozenset({"layout_version"})
    )


def year_from_cell(cells: Sequence[str], year_index: int) -> int:
    """年分 is a 2-digit 和暦 year without era. We read 01–20 as 令和 (2019–2038) and
    21–99 as 平成 (our rule; valid until 令和20年分)."""
    if len(cells) <= year_index:
        raise FieldError("項目数", "項目数が不足しています（年分まで読み取れません）。")
    v = cells[year_index].strip()
    if not (v.isascii() and v.isdigit() and 1 <= len(v) <= 2):
        raise FieldError("年分", "年分は和暦の年を2桁の半角数字で記載してください。")
    yy = int(v)
    if yy == 0:
        raise FieldError("年分", "年分は和暦の年を2桁の半角数字で記載してください。")
    return 2018 + yy if yy <= 20 else 1988 + yy


def year_to_cell(year: int) -> str:
    return f"{year - 2018:02d}" if year >= 2019 else f"{year - 1988:02d}"


def layout_for(layouts: tuple[Layout, ...], year: int) -> Layout:
    layout = pick(layouts, year)
    if layout is None:
        raise FieldError("年分", "この年分に対応する様式（レイアウト）が登録されていません。")
    return layout


class LayoutRow(Row):
    """Row addressed by layout keys."""

    def __init__(self, cells: Sequence[str], layout: Layout) -> None:
        super().__init__(cells, layout.names)
        self.layout = layout

    def i(self, key: str) -> int:
        return self.layout.index[key]


def layout_row(
    cells: Sequence[str], layouts: tuple[Layout, ...], year_index: int, form: str, form_name: str
) -> tuple[int, LayoutRow]:
    """(年分, the row read with its 年分's layout); refused unless the row has that layout's column count
    and 法定資料の種類 ``form`` (``form_name``: the 源泉徴収票 it is)."""
    year = year_from_cell(cells, year_index)
    layout = layout_for(layouts, year)
    check_column_count(cells, len(layout))
    r = LayoutRow(cells, layout)
    if r.raw(r.i("form")) != form:
        raise FieldError("法定資料の種類", f"法定資料の種類が「{form}」（{form_name}）ではありません。")
    return year, r


def submission_kind(r: LayoutRow) -> SubmissionKind:
    return r.choice(r.i("submission_kind"), SubmissionKind)


def birth_date(r: LayoutRow) -> date:
    return r.wareki_date(
        r.i("birth_era"), r.i("birth_yy"), r.i("birth_mm"), r.i("birth_dd"), "受給者の生年月日"
    )


def birth_cells(d: date) -> dict[str, str]:
    era, yy = to_wareki(d)
    return {
        "birth_era": era,
        "birth_yy": f"{yy:02d}",
        "birth_mm": f"{d.month:02d}",
        "birth_dd": f"{d.day:02d}",
    }


def _kubun(r: LayoutRow, key: str) -> bool:
    v = r.raw(r.i(key))
    if v in ("", "00"):
        return False
    if v == "01":
        return True
    raise FieldError(r.name(r.i(key)), "区分は「00」（居住者）または「01」（非居住者）で記載してください。")


def read_person_block(r: LayoutRow, prefix: str, kind: DependentKind, income: int | None) -> Dependent | None:
    keys = [f"{prefix}_kana", f"{prefix}_name", f"{prefix}_kubun", f"{prefix}_my_number"]
    if not any(r.raw(r.i(k)) for k in keys):
        return None
    return Dependent(
        kind=kind,
        individual_number=r.my_number(r.i(f"{prefix}_my_number"), required=False),
        name=r.text(r.i(f"{prefix}_name"), max_len=30),
        kana=r.kana(r.i(f"{prefix}_kana")),
        non_resident=_kubun(r, f"{prefix}_kubun"),
        income=income,
    )


def person_block_cells(prefix: str, d: Dependent) -> dict[str, str]:
    return {
        f"{prefix}_kana": to_halfwidth_kana(d.kana),
        f"{prefix}_name": d.name,
        f"{prefix}_kubun": "01" if d.non_resident else "00",
        f"{prefix}_my_number": d.individual_number or "",
    }


_EXTRA = re.compile(r"\((\d*)\)([^(]*)")


def read_extra(r: LayoutRow, key: str, kind: DependentKind) -> list[Dependent]:
    """5人目以降: "(個人番号)氏名" repeated, separated by full-width spaces."""
    v = r.raw(r.i(key))
    if not v:
        return []
    out: list[Dependent] = []
    pos = 0
    for m in _EXTRA.finditer(v):
        if v[pos : m.start()].strip(" \u3000"):
            break
        pos = m.end()
        mn, name = m.group(1), m.group(2).strip(" \u3000")
        if not name:
            raise FieldError(r.name(r.i(key)), "5人目以降の扶養親族の氏名が空欄です。")
        if mn:
            Row([mn], [r.name(r.i(key))]).my_number(0, required=True)
        out.append(Dependent(kind=kind, individual_number=mn or None, name=name, kana=""))
    if pos != len(v):
        raise FieldError(
            r.name(r.i(key)), "5人目以降の扶養親族は「(個人番号)氏名」の形式で記載してください。"
        )
    return out


def extra_cell(deps: Sequence[Dependent]) -> str:
    return "\u3000".join(f"({d.individual_number or ''}){d.name}" for d in deps)


def read_dependents(r: LayoutRow, spouse_income: int | None) -> tuple[Dependent, ...]:
    deps: list[Dependent] = []
    spouse = read_person_block(r, "spouse", DependentKind.SPOUSE, spouse_income)
    if spouse is not None:
        deps.append(spouse)
    for prefix, extra, kind in (
        ("dep", "dep5_plus", DependentKind.DEPENDENT),
        ("u16_", "u16_5_plus", DependentKind.DEPENDENT_UNDER_16),
    ):
        for i in range(1, 5):
            d = read_person_block(r, f"{prefix}{i}", kind, None)
            if d is not None:
                deps.append(d)
        if extra in r.layout.index:
            deps.extend(read_extra(r, extra, kind))
    return tuple(deps)


def self_disability(r: LayoutRow, label: str) -> DisabilitySelf:
    """本人の障害者区分 from the two flags (特別障害者, その他の障害者); both marked is refused under ``label``."""
    special, general = r.flag(r.i("self_special_disabled")), r.flag(r.i("self_other_disabled"))
    if special and general:
        raise FieldError(label, "特別障害者とその他の障害者の両方に記載があります。")
    return DisabilitySelf.SPECIAL if special else DisabilitySelf.GENERAL if general else DisabilitySelf.NONE


def dependents_cells(layout: Layout, deps: Sequence[Dependent]) -> dict[str, str]:
    cells: dict[str, str] = {}
    spouses = [d for d in deps if d.kind is DependentKind.SPOUSE]
    if len(spouses) > 1:
        raise ValueError("at most one spouse per report")
    if spouses:
        cells.update(person_block_cells("spouse", spouses[0]))
    for kind, prefix, extra in (
        (DependentKind.DEPENDENT, "dep", "dep5_plus"),
        (DependentKind.DEPENDENT_UNDER_16, "u16_", "u16_5_plus"),
    ):
        group = [d for d in deps if d.kind is kind]
        for n, d in enumerate(group[:4], start=1):
            cells.update(person_block_cells(f"{prefix}{n}", d))
        if len(group) > 4:
            if extra not in layout.index:
                raise ValueError("layout has no column for a 5th dependent")
            cells[extra] = extra_cell(group[4:])
    return cells


def kana_cell(kana: str) -> str:
    return to_halfwidth_kana(kana)


def assemble(layout: Layout, values: dict[str, str]) -> list[str]:
    unknown = set(values) - set(layout.index)
    if unknown:
        raise ValueError(f"keys not in layout {layout.layout_id}: {sorted(unknown)}")
    return [values.get(k, "") for k, _ in layout.columns]
