"""Kana normalisation for identity matching (名寄せ, seed III-2 リスク3).

Standard library only: NFKC folds half-width katakana to full width; hiragana are shifted to katakana;
spaces and middle dots are dropped; small kana are folded to their large forms, because feeds differ
in how they write ッ/ャ (e.g. 住基 vs 給与支払報告書 from older payroll software).
"""

import unicodedata

_SMALL_TO_LARGE = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")
_DROP = str.maketrans("", "", " \u3000・･")


def kana_key(text: str) -> str:
    """The comparison key of a カナ氏名: equal keys mean "same name" for matching purposes."""
    folded = unicodedata.normalize("NFKC", text)
    katakana = "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in folded)
    return katakana.translate(_DROP).translate(_SMALL_TO_LARGE)
