"""所得税確定申告書データ (国税連携) — e-Tax XML, 手続 RKO0010, 帳票 KOA020.

Basis: 地方税法第317条の3 (所得税の確定申告書の提出があったものとみなす) and the 国税連携
path (NTA → eLTAX → 市区町村). The per-return payload follows the e-Tax form XML
(reference/formats.md §4.5, after kazukinagata/shinkoku ``src/shinkoku/xtx/field_codes.py``,
KOA020 VR 23.0, RKO0010 VR 25.0.0) [B]: root ``DATA`` in namespace
``http://xml.e-tax.nta.go.jp/XSD/shotoku``, ``IT`` header (NOZEISHA_BANGO/kojinbango,
NOZEISHA_NM, NOZEISHA_NM_KN, NOZEISHA_ADR, ICHIGATSUIPPI_ADR, BIRTHDAY, NENBUN) and
KOA020 fields by element code (ABB… 第一表, ABI… 住民税・事業税に関する事項). Fields are
found by code anywhere below KOA020, so the group nesting (ABB00000 etc., ours) does not
matter when reading.

OUR choices [C] (the municipal packaging is not public, §4.6): a file is an envelope
``<KOKUZEI_RENKEI xmlns="urn:juminzei:kokuzei-renkei:1" KENSU="n" NENBUN="yyyy">`` holding
``DATA`` elements, each starting on its own line; a record's line number is the line on
which its ``<DATA`` starts. IT address codes are elements ``NOZEISHA_ADR_CODE`` /
``ICHIGATSUIPPI_ADR_CODE``; ABI00010 is written as 1 特別徴収 / 2 自分で納付 (text also
accepted); 寄附先 details use ABH00300 groups with ABH00310 寄附先, ABH00320 金額, ABH00330
区分 (codes not verified). UTF-8. DOCTYPE/ENTITY declarations are refused (no entity
expansion). ``defusedxml`` is not installed; ``xml.etree.ElementTree`` is used on each
DATA chunk after that check. See docs/formats/etax-return.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import IO
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

from adapters.formats._base import (
    ETAX_ERAS,
    FieldError,
    ParseOutcome,
    ParseStream,
    Row,
    iter_physical_lines,
    kana_normalise,
    to_wareki,
)
from application.intake.formats import ImportKind
from domain.intake import (
    CollectionMethod,
    Donation,
    DonationKind,
    ParsedRecord,
    RecordError,
    TaxReturn,
    fingerprint,
)

KIND = ImportKind.ETAX_RETURN.value
ENCODING = "utf-8"
NS = "http://xml.e-tax.nta.go.jp/XSD/shotoku"
NS_GEN = "http://xml.e-tax.nta.go.jp/XSD/general"
NS_KYO = "http://xml.e-tax.nta.go.jp/XSD/kyotsu"
ENVELOPE_NS = "urn:juminzei:kokuzei-renkei:1"
PROCEDURE_VR = "25.0.0"
FORM_VR = "23.0"

# field -> (element code, 項目名, may be negative)
AMOUNTS: dict[str, tuple[str, str, bool]] = {
    "business_revenue": ("ABB00030", "営業等 収入金額", False),
    "real_estate_revenue": ("ABB00050", "不動産 収入金額", False),
    "dividend_revenue": ("ABB00070", "配当 収入金額", False),
    "salary_revenue": ("ABB00080", "給与 収入金額", False),
    "pension_revenue": ("ABB00100", "公的年金等 収入金額", False),
    "business_income": ("ABB00300", "営業等 所得金額", True),
    "real_estate_income": ("ABB00340", "不動産 所得金額", True),
    "interest_income": ("ABB00350", "利子 所得金額", False),
    "dividend_income": ("ABB00360", "配当 所得金額", False),
    "salary_income": ("ABB00370", "給与 所得金額", False),
    "pension_income": ("ABB01060", "公的年金等 所得金額", False),
    "misc_income": ("ABB01120", "その他 雑所得金額", True),
    "total_income": ("ABB00410", "合計所得金額", True),
    "social_insurance_deduction": ("ABB00450", "社会保険料控除", False),
    "life_insurance_deduction": ("ABB00470", "生命保険料控除", False),
    "earthquake_insurance_deduction": ("ABB00480", "地震保険料控除", False),
    "medical_deduction": ("ABB00440", "医療費控除", False),
    "donation_deduction": ("ABB00490", "寄附金控除", False),
    "spouse_deduction": ("ABB00520", "配偶者（特別）控除", False),
    "dependent_deduction": ("ABB00540", "扶養控除", False),
    "basic_deduction": ("ABB00550", "基礎控除", False),
    "total_deductions": ("ABB00560", "所得から差し引かれる金額の合計", False),
    "taxable_income": ("ABB00580", "課税される所得金額", False),
    "withholding_tax": ("ABB00710", "源泉徴収税額", False),
    "dividend_tax_credit": ("ABI00104", "配当割額控除額", False),
    "stock_transfer_tax_credit": ("ABI00106", "株式等譲渡所得割額控除額", False),
    "furusato_donation": ("ABI00240", "都道府県・市区町村への寄附", False),
    "community_chest_donation": ("ABI00250", "共同募金会・日赤への寄附", False),
    "prefecture_ordinance_donation": ("ABI00270", "都道府県条例指定寄附", False),
    "municipality_ordinance_donation": ("ABI00280", "市区町村条例指定寄附", False),
}
_ABI = {k for k, (code, _, _) in AMOUNTS.items() if code.startswith("ABI")}
_COLLECTION = {
    "1": CollectionMethod.SPECIAL,
    "2": CollectionMethod.ORDINARY,
    "特別徴収": CollectionMethod.SPECIAL,
    "自分で納付": CollectionMethod.ORDINARY,
}
_COLLECTION_OUT = {CollectionMethod.SPECIAL: "1", CollectionMethod.ORDINARY: "2"}
_KENSU = re.compile(r'KENSU="(\d+)"')


def _q(tag: str, ns: str = NS) -> str:
    return f"{{{ns}}}{tag}"


class _Reader:
    def __init__(self, data: ET.Element) -> None:
        self.data = data
        it = data.find(f".//{_q('IT')}")
        koa = data.find(f".//{_q('KOA020')}")
        if it is None:
            raise FieldError("IT部", "申告者情報（IT部）がありません。")
        if koa is None:
            raise FieldError("KOA020", "申告書（KOA020）がありません。")
        self.it = it
        self.koa = koa

    def it_text(self, tag: str, label: str, *, required: bool = True) -> str | None:
        el = self.it.find(_q(tag))
        v = "".join(el.itertext()).strip() if el is not None else ""
        if not v:
            if required:
                raise FieldError(label, "必須項目が空欄です。")
            return None
        return v

    def it_date(self, tag: str, label: str) -> date:
        el = self.it.find(_q(tag))
        if el is None:
            raise FieldError(label, "必須項目が空欄です。")
        parts = [(el.findtext(_q(p, NS_GEN)) or "").strip() for p in ("era", "yy", "mm", "dd")]
        if not all(parts):
            raise FieldError(label, "必須項目が空欄です。")
        era, yy, mm, dd = parts
        if era not in ETAX_ERAS:
            raise FieldError(label, "元号の区分が正しくありません。")
        try:
            return date(ETAX_ERAS[era] + int(yy), int(mm), int(dd))
        except ValueError:
            raise FieldError(label, "日付が正しくありません（実在しない日付です）。") from None

    def code(self, code: str) -> str | None:
        el = self.koa.find(f".//{_q(code)}")
        if el is None or el.text is None or not el.text.strip():
            return None
        return el.text.strip()

    def amount(self, field: str) -> int:
        code, label, signed = AMOUNTS[field]
        v = self.code(code)
        if v is None:
            return 0
        body = v[1:] if signed and v.startswith("-") else v
        if not (body.isascii() and body.isdigit()):
            raise FieldError(f"{label}（{code}）", "金額は半角数字（円単位の整数）で記載してください。")
        return int(v)


def _parse_data(data: ET.Element) -> TaxReturn:
    r = _Reader(data)
    nen = r.it.find(_q("NENBUN"))
    try:
        if nen is None:
            raise ValueError
        era = (nen.findtext(_q("era", NS_GEN)) or "").strip()
        year = ETAX_ERAS[era] + int((nen.findtext(_q("yy", NS_GEN)) or "").strip())
    except (KeyError, ValueError):
        raise FieldError("年分", "年分（NENBUN）が正しくありません。") from None
    mn_el = r.it.find(f"{_q('NOZEISHA_BANGO')}/{_q('kojinbango', NS_GEN)}")
    mn = Row([(mn_el.text or "") if mn_el is not None else ""], ["個人番号"]).my_number(0, required=False)
    kana = kana_normalise(r.it_text("NOZEISHA_NM_KN", "氏名（フリガナ）") or "")
    address = r.it_text("NOZEISHA_ADR", "住所") or ""
    cm_raw = r.code("ABI00010")
    if cm_raw is not None and cm_raw not in _COLLECTION:
        raise FieldError(
            "住民税の徴収方法（ABI00010）", "徴収方法の区分が正しくありません（1 特別徴収／2 自分で納付）。"
        )
    donations: list[Donation] = []
    for group in r.koa.iter(_q("ABH00300")):
        recipient = (group.findtext(_q("ABH00310")) or "").strip()
        amount_raw = (group.findtext(_q("ABH00320")) or "").strip()
        kind_raw = (group.findtext(_q("ABH00330")) or "").strip()
        if not recipient:
            raise FieldError("寄附先（ABH00310）", "必須項目が空欄です。")
        if not (amount_raw.isascii() and amount_raw.isdigit()):
            raise FieldError("寄附金（ABH00320）", "金額は半角数字（円単位の整数）で記載してください。")
        kinds = [k for k in DonationKind if k.value == kind_raw]
        if not kinds:
            raise FieldError("寄附の区分（ABH00330）", "寄附の区分が正しくありません。")
        donations.append(Donation(kind=kinds[0], recipient=recipient, amount=int(amount_raw)))
    amounts = {f: r.amount(f) for f in AMOUNTS}
    return TaxReturn(
        tax_year=year,
        etax_user_id=r.it_text("NOZEISHA_ID", "利用者識別番号", required=False),
        individual_number=mn,
        name=r.it_text("NOZEISHA_NM", "氏名") or "",
        kana=kana,
        birth_date=r.it_date("BIRTHDAY", "生年月日"),
        address=address,
        address_code=r.it_text("NOZEISHA_ADR_CODE", "住所の団体コード", required=False),
        jan1_address=r.it_text("ICHIGATSUIPPI_ADR", "1月1日の住所", required=False) or address,
        jan1_address_code=r.it_text("ICHIGATSUIPPI_ADR_CODE", "1月1日の住所の団体コード", required=False),
        collection_method=_COLLECTION[cm_raw] if cm_raw is not None else None,
        donations=tuple(donations),
        form_version=r.koa.get("VR", ""),
        **amounts,
    )


_EXCLUDE = frozenset({"form_version"})


def _parse_chunk(text: str, line: int) -> ParsedRecord[TaxReturn] | RecordError:
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        return RecordError(line, "XML", "DOCTYPE・ENTITY宣言を含むデータは受け付けられません。")
    try:
        el = ET.fromstring(text)
    except ET.ParseError:
        return RecordError(line, "XML", "XMLの形式が正しくありません（タグの対応など）。")
    if el.tag != _q("DATA"):
        return RecordError(line, "XML", "申告書データ（DATA要素）ではありません。")
    try:
        rec = _parse_data(el)
    except FieldError as e:
        return RecordError(line, e.field, e.message)
    return ParsedRecord(line, rec, fingerprint(rec, exclude=_EXCLUDE))


def iter_parse(
    path: Path, header: dict[str, int | None] | None = None
) -> Iterator[ParsedRecord[TaxReturn] | RecordError]:
    """One outcome per DATA element (and one error per stray non-structural line)."""
    start = 0
    buf: list[bytes] = []
    for n, raw in iter_physical_lines(path):
        stripped = raw.strip()
        if buf:
            buf.append(raw)
            if b"</DATA>" in stripped:
                yield _decode_and_parse(b"\n".join(buf), start)
                buf = []
            continue
        if not stripped or stripped.startswith(b"<?xml"):
            continue
        if b"<!DOCTYPE" in stripped or b"<!ENTITY" in stripped:
            yield RecordError(n, "XML", "DOCTYPE・ENTITY宣言を含むデータは受け付けられません。")
            continue
        if stripped.startswith(b"<KOKUZEI_RENKEI"):
            m = _KENSU.search(stripped.decode(ENCODING, "replace"))
            if header is not None:
                header["declared"] = int(m.group(1)) if m else None
            continue
        if stripped.startswith(b"</KOKUZEI_RENKEI"):
            continue
        if stripped.startswith(b"<DATA"):
            start = n
            buf = [raw]
            if b"</DATA>" in stripped:
                yield _decode_and_parse(raw, start)
                buf = []
            continue
        yield RecordError(n, "行", "申告書データ（DATA要素）以外の内容がある行です。")
    if buf:
        yield RecordError(start, "XML", "申告書データが途中で終わっています（</DATA>がありません）。")


def _decode_and_parse(raw: bytes, line: int) -> ParsedRecord[TaxReturn] | RecordError:
    try:
        text = raw.decode(ENCODING)
    except UnicodeDecodeError:
        return RecordError(line, "文字コード", "UTF-8として読み取れない文字が含まれています。")
    return _parse_chunk(text, line)


def stream(path: Path) -> ParseStream[TaxReturn]:
    """Streaming parse (bounded memory); ``declared_count`` is the envelope's KENSU."""
    header: dict[str, int | None] = {"declared": None}
    return ParseStream(
        path, KIND, iter_parse(path, header), [], lambda: header["declared"], declared_field="KENSU"
    )


def parse(path: Path) -> ParseOutcome[TaxReturn]:
    """Parse the whole file: sha256, KENSU, one outcome per DATA element (or stray line)."""
    return stream(path).collect()


# --------------------------------------------------------------------------- writing


def _el(tag: str, text: str | int, **attrs: str) -> str:
    a = "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items())
    return f"<{tag}{a}>{escape(str(text))}</{tag}>"


def _date_el(tag: str, d: date) -> str:
    era, yy = to_wareki(d, etax=True)
    return (
        f'<{tag} ID="{tag}"><gen:era>{era}</gen:era><gen:yy>{yy}</gen:yy>'
        f"<gen:mm>{d.month}</gen:mm><gen:dd>{d.day}</gen:dd></{tag}>"
    )


def to_data_xml(t: TaxReturn) -> str:
    """One DATA element on one line."""
    era, yy = to_wareki(date(t.tax_year, 12, 31), etax=True)
    it = [f'<NENBUN ID="NENBUN"><gen:era>{era}</gen:era><gen:yy>{yy}</gen:yy></NENBUN>']
    if t.etax_user_id:
        it.append(_el("NOZEISHA_ID", t.etax_user_id, ID="NOZEISHA_ID"))
    if t.individual_number:
        it.append(
            f'<NOZEISHA_BANGO ID="NOZEISHA_BANGO"><gen:kojinbango>{t.individual_number}</gen:kojinbango></NOZEISHA_BANGO>'
        )
    it.append(_el("NOZEISHA_NM_KN", t.kana, ID="NOZEISHA_NM_KN"))
    it.append(_el("NOZEISHA_NM", t.name, ID="NOZEISHA_NM"))
    it.append(_el("NOZEISHA_ADR", t.address, ID="NOZEISHA_ADR"))
    if t.address_code:
        it.append(_el("NOZEISHA_ADR_CODE", t.address_code))
    it.append(_el("ICHIGATSUIPPI_ADR", t.jan1_address, ID="ICHIGATSUIPPI_ADR"))
    if t.jan1_address_code:
        it.append(_el("ICHIGATSUIPPI_ADR_CODE", t.jan1_address_code))
    it.append(_date_el("BIRTHDAY", t.birth_date))
    abb = "".join(
        _el(code, getattr(t, f)) for f, (code, _, _) in AMOUNTS.items() if f not in _ABI and getattr(t, f)
    )
    abi = []
    if t.collection_method is not None:
        abi.append(_el("ABI00010", _COLLECTION_OUT[t.collection_method]))
    abi.extend(_el(AMOUNTS[f][0], getattr(t, f)) for f in AMOUNTS if f in _ABI and getattr(t, f))
    abh = "".join(
        f"<ABH00300>{_el('ABH00310', d.recipient)}{_el('ABH00320', d.amount)}{_el('ABH00330', d.kind.value)}</ABH00300>"
        for d in t.donations
    )
    return (
        f'<DATA xmlns="{NS}" xmlns:gen="{NS_GEN}" xmlns:kyo="{NS_KYO}" id="DATA">'
        f'<RKO0010 VR="{PROCEDURE_VR}" id="RKO0010"><CATALOG id="CATALOG"/><CONTENTS id="CONTENTS">'
        f'<IT VR="1.6" id="IT">{"".join(it)}</IT>'
        f'<KOA020 VR="{t.form_version or FORM_VR}" id="KOA020">'
        f'<KOA020-1 page="1"><ABB00000>{abb}</ABB00000></KOA020-1>'
        f'<KOA020-2 page="1"><ABH00000>{abh}</ABH00000><ABI00000>{"".join(abi)}</ABI00000></KOA020-2>'
        "</KOA020></CONTENTS></RKO0010></DATA>"
    )


class EtaxWriter:
    """Streams returns into an envelope. KENSU must be known up front, so the writer
    reserves a fixed-width count and patches it on close."""

    _PLACEHOLDER = "0" * 10

    def __init__(self, path: Path, tax_year: int) -> None:
        self._path = path
        self._fh: IO[str] = path.open("w", encoding=ENCODING, newline="\n")
        self._fh.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self._fh.write(
            f'<KOKUZEI_RENKEI xmlns="{ENVELOPE_NS}" KENSU="{self._PLACEHOLDER}" NENBUN="{tax_year}">\n'
        )
        self.line = 2
        self.count = 0

    def write(self, t: TaxReturn) -> int:
        self._fh.write(to_data_xml(t) + "\n")
        self.line += 1
        self.count += 1
        return self.line

    def close(self) -> None:
        self._fh.write("</KOKUZEI_RENKEI>\n")
        self._fh.close()
        with self._path.open("r+b") as f:
            head = f.read(200)
            pos = head.index(f'KENSU="{self._PLACEHOLDER}"'.encode()) + len('KENSU="')
            f.seek(pos)
            f.write(f"{self.count:010d}".encode())

    def __enter__(self) -> EtaxWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_writer(path: Path, tax_year: int) -> EtaxWriter:
    return EtaxWriter(path, tax_year)


def write(path: Path, records: list[TaxReturn], tax_year: int) -> None:
    with open_writer(path, tax_year) as w:
        for rec in records:
            w.write(rec)
