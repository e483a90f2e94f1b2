"""外字・旧字 normalisation of the legacy migration layout (adapters.migration.legacy_csv)."""

from __future__ import annotations

from adapters.migration.legacy_csv import CharChange, normalise, parse


def run(
    text: str, field: str = "name", gaiji: dict[str, str] | None = None
) -> tuple[str, bool, list[CharChange]]:
    changes: list[CharChange] = []
    out, unmapped = normalise(text, line=7, field_name=field, gaiji=gaiji or {}, changes=changes)
    return out, unmapped, changes


def test_compatibility_ideographs_become_unified_by_nfc() -> None:
    out, unmapped, changes = run("\uf9dc田")
    assert out == "隆田" and not unmapped
    assert [(c.original, c.replacement, c.rule) for c in changes] == [("U+F9DC", "U+9686", "NFC")]


def test_half_width_kana_runs_become_full_width_with_voiced_marks() -> None:
    out, _, changes = run("ｶﾞｯｺｳ ﾀﾛｳ", field="kana")
    assert out == "ガッコウ タロウ"
    assert {c.rule for c in changes} == {"半角カナ"} and len(changes) == 2


def test_private_use_characters_are_mapped_or_quarantined() -> None:
    out, unmapped, changes = run("\ue001山", gaiji={"\ue001": "髙"})
    assert out == "髙山" and not unmapped
    assert ("U+E001", "U+9AD9", "外字対応表") in {(c.original, c.replacement, c.rule) for c in changes}
    assert any(c.rule == "JIS X 0213 外" and c.original == "U+9AD9" for c in changes), "kept, but reported"
    _, unmapped, changes = run("\ue002山")
    assert unmapped and [c.rule for c in changes] == ["未対応外字"]


def test_plain_text_is_untouched_and_file_errors_name_the_line() -> None:
    assert run("目黒 太郎") == ("目黒 太郎", False, [])
    bad = parse(b"x,y\n", "f.csv")
    assert bad.file_errors and bad.file_errors[0][0] == 1 and not bad.rows
    short = parse(
        b"record_type,address_number,name,kana,birth_date,sex,address,fiscal_year,tax_total,paid_total\nT,1\n",
        "f.csv",
    )
    assert short.rows[0].line == 2 and short.rows[0].problems
