"""A fake 住基ネット 全国サーバー — not a connection to the real one.

It answers from a roster (in memory, or read from a UTF-8 CSV file — docs/formats/juki-roster.md) with the
header ``住民票コード,個人番号,氏名,住所,生年月日,性別``: 生年月日 as ISO ``YYYY-MM-DD``, 性別 ``M``/``F``. A 4情報
search returns every person whose 氏名 (normalised) and 生年月日 are those asked for, as the 全国サーバー's
4情報検索 narrows on them; the caller compares 住所 and 性別. It records every query it receives (``queries``)
so a test sees what reached the peer — a 4情報 query never carries a 個人番号.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from domain.juki.identity import FourItems, JukiRecord, normalise_name
from domain.shared.person import Sex

HEADER = ("住民票コード", "個人番号", "氏名", "住所", "生年月日", "性別")


class RosterError(ValueError):
    """A malformed roster file: the message names the file, line and field (Japanese)."""


@dataclass(frozen=True)
class RosterEntry:
    individual_number: str
    record: JukiRecord


def parse_roster(path: Path) -> list[RosterEntry]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise RosterError(f"{path}: 住基ネット名簿を読めません（UTF-8 のCSV）: {e}") from e
    rows = list(csv.reader(text.splitlines()))
    if not rows or tuple(c.strip() for c in rows[0]) != HEADER:
        raise RosterError(f"{path} 1行目: 見出しが {','.join(HEADER)} ではありません。")
    out: list[RosterEntry] = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(HEADER):
            raise RosterError(f"{path} {line}行目: 項目数が {len(row)} です（{len(HEADER)} 項目）。")
        code, number, name, address, birth, sex = (c.strip() for c in row)
        if not (len(code) == 11 and code.isdigit()):
            raise RosterError(f"{path} {line}行目 住民票コード: 11桁の数字ではありません。")
        if not (len(number) == 12 and number.isdigit()):
            raise RosterError(f"{path} {line}行目 個人番号: 12桁の数字ではありません。")
        if not name:
            raise RosterError(f"{path} {line}行目 氏名: 空です。")
        try:
            birth_date = date.fromisoformat(birth)
        except ValueError as e:
            raise RosterError(f"{path} {line}行目 生年月日: YYYY-MM-DD の日付ではありません。") from e
        if sex not in ("M", "F"):
            raise RosterError(f"{path} {line}行目 性別: M または F で指定してください。")
        out.append(RosterEntry(number, JukiRecord(code, name, address, birth_date, Sex(sex))))
    return out


class FakeNationalServer:
    def __init__(self, entries: list[RosterEntry] | None = None) -> None:
        self.entries = list(entries or [])
        self.queries: list[tuple[str, str]] = []  # (kind, what was asked — never a number for 4情報)

    @classmethod
    def from_file(cls, path: Path) -> FakeNationalServer:
        return cls(parse_roster(path))

    def add(self, individual_number: str, record: JukiRecord) -> None:
        self.entries.append(RosterEntry(individual_number, record))

    def search_four_items(self, items: FourItems) -> list[JukiRecord]:
        self.queries.append(("4情報", f"{normalise_name(items.name)}/{items.birth_date.isoformat()}"))
        key = normalise_name(items.name)
        return [
            e.record
            for e in self.entries
            if normalise_name(e.record.name) == key and e.record.birth_date == items.birth_date
        ]

    def by_individual_number(self, number: str) -> JukiRecord | None:
        self.queries.append(("個人番号", "*" * len(number)))
        return next((e.record for e in self.entries if e.individual_number == number), None)
