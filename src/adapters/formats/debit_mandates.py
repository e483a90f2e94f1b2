"""口座振替依頼書（登録・変更・解約） — OUR CSV layout for the 口座管理 intake.

One line per 届出. Bank and branch codes are validated against the installed ``zengin-code`` master
(reference formats.md §6; a code missing from the master is rejected here — refresh the package when a
new branch appears). 預金種目 is one of those a 種別91 data record admits (全銀協 付録3: 普通・当座・
納税準備預金・その他). The 口座名義カナ may be given in full-width or half-width kana; it is converted to
the Zengin 名義 character set (``zengin.convert_kana``; small kana → large is accepted, as banks register
names that way) and rejected if any character cannot be converted (kanji etc.) or the result exceeds the
30-byte 預金者名 field. UTF-8, header row. See docs/formats/payments.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from adapters.formats._base import FieldError, Row, iso
from adapters.formats.csv_format import CsvFormat
from adapters.formats.payments import code
from adapters.formats.zengin import bank_branch_problem, convert_kana
from application.intake.formats import ImportKind
from domain.collection.records import DEBIT_ACCOUNT_TYPES, AccountType, DebitMandate, MandateAction

KIND = ImportKind.DEBIT_MANDATES.value
HEADER = (
    "受付番号",
    "宛名番号",
    "届出区分",
    "開始日",
    "金融機関コード",
    "支店コード",
    "預金種目",
    "口座番号",
    "口座名義カナ",
)
HOLDER_MAX_BYTES = 30
_ACCOUNT_LABELS = {t.label: t for t in DEBIT_ACCOUNT_TYPES}


def _account_type(r: Row, i: int) -> AccountType:
    v = r.text(i)
    if v not in _ACCOUNT_LABELS:
        allowed = "・".join(t.label for t in sorted(DEBIT_ACCOUNT_TYPES, key=lambda t: t.value))
        raise FieldError(r.name(i), f"預金種目が正しくありません（{allowed}のいずれか）。")
    return _ACCOUNT_LABELS[v]


def _holder(r: Row, i: int) -> tuple[str, tuple[str, ...]]:
    conv = convert_kana(r.text(i), "name")
    if conv.unsupported:
        raise FieldError(
            r.name(i),
            "全銀協の使用文字に変換できない文字（漢字・記号など）が含まれています。カナで記載してください。",
        )
    if not conv.converted:
        raise FieldError(r.name(i), "必須項目が空欄です。")
    if len(conv.converted) > HOLDER_MAX_BYTES:
        raise FieldError(r.name(i), f"半角に変換すると{HOLDER_MAX_BYTES}文字（預金者名の桁数）を超えます。")
    return conv.converted, tuple(conv.lossy)


def _parse_row(r: Row) -> DebitMandate:
    mandate_id = r.text(0, max_len=20)
    address_number = r.digits(1, (10,))
    action = r.choice(2, MandateAction)
    start = r.iso_date(3)
    bank = r.text(4)
    branch = r.text(5)
    problem = bank_branch_problem(bank, branch)
    if problem is not None:
        raise FieldError(*problem)
    holder, changes = _holder(r, 8)
    return DebitMandate(
        mandate_id=mandate_id,
        address_number=address_number,
        action=action,
        start_date=start,
        bank_code=bank,
        branch_code=branch,
        account_type=_account_type(r, 6),
        account_number=code(r, 7, 7, "口座番号"),
        holder_kana=holder,
        holder_kana_changes=changes,
    )


def to_row(m: DebitMandate) -> list[str]:
    return [
        m.mandate_id,
        m.address_number,
        m.action.value,
        iso(m.start_date),
        m.bank_code,
        m.branch_code,
        m.account_type.label,
        m.account_number,
        m.holder_kana,
    ]


FORMAT = CsvFormat(KIND, HEADER, _parse_row, to_row)
iter_parse, stream, parse, open_writer, write = FORMAT.functions()


def kana_changes(path: Path) -> list[dict[str, Any]]:
    """The lossy 口座名義カナ conversions in a mandate file, per line (for the clerk to check with the bank's
    registered name): ``[{"line", "field", "changes"}]``. Only the changed characters, never the name."""
    return [
        {"line": item.line, "field": HEADER[8], "changes": list(item.record.holder_kana_changes)}
        for item in parse(path).records
        if item.record.holder_kana_changes
    ]
