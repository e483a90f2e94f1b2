"""本人確認情報 (住民基本台帳法 第30条の6・第30条の9) and the comparison of a filing's 4情報 with it.

The 4情報 are 氏名・住所・生年月日・性別 (住民基本台帳法 第7条第1号〜第3号・第7号, 第30条の6第1項). A 住登外 person
named on a filing is confirmed when the 全国サーバー (機構保存本人確認情報, 第30条の9 / 番号法 第14条第2項) holds
exactly one person whose 4情報 all agree with the filing. Comparison is after normalisation only (NFKC, spaces
removed, 丁目/番/号 and hyphen forms unified in addresses): no fuzzy matching, a human decides the rest.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from domain.shared.person import Sex


@dataclass(frozen=True)
class FourItems:
    """4情報 as the filing states them (``sex`` may be UNKNOWN when the filing does not state it)."""

    name: str
    address: str
    birth_date: date
    sex: Sex


@dataclass(frozen=True)
class JukiRecord:
    """本人確認情報 returned by the 全国サーバー: the 4情報 with 住民票コード (no My Number is carried)."""

    resident_code: str  # 住民票コード (11 digits, 住民基本台帳法 第7条第13号)
    name: str
    address: str
    birth_date: date
    sex: Sex


def normalise_name(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


_ADDRESS_DASH = re.compile(r"[‐‑‒–—―ーｰ−-]")
_CHOME = re.compile(r"(\d+)丁目(\d+)番(?:地)?(\d+)号?")
_BANCHI = re.compile(r"(\d+)番(?:地)?(\d+)号?")


def normalise_address(text: str) -> str:
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    s = _ADDRESS_DASH.sub("-", s)
    s = _CHOME.sub(r"\1-\2-\3", s)
    return _BANCHI.sub(r"\1-\2", s)


def mismatches(filed: FourItems, record: JukiRecord) -> tuple[str, ...]:
    """The 4情報 items (Japanese names) on which the filing and the 本人確認情報 differ."""
    out: list[str] = []
    if normalise_name(filed.name) != normalise_name(record.name):
        out.append("氏名")
    if normalise_address(filed.address) != normalise_address(record.address):
        out.append("住所")
    if filed.birth_date != record.birth_date:
        out.append("生年月日")
    if filed.sex is not Sex.UNKNOWN and filed.sex is not record.sex:
        out.append("性別")
    return tuple(out)
