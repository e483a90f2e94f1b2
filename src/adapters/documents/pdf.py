"""PDF rendering of the document models (reportlab canvas, A4, Japanese CID fonts) — DESIGN §9.

Every renderer is a pure function of its model: ``render_*(model) -> bytes``. Output is reproducible
byte for byte (ADR 0007): the canvas runs with ``invariant=1`` (fixed internal timestamp and document
ID, no random ids), the PDF CreationDate/ModDate are the model's ``issue_date`` (00:00 JST), nothing is
read from the clock, the environment or the file system, and page streams are zlib-compressed
(deterministic). A stored model therefore re-renders to the same bytes with the same reportlab version.

Documents (see docs/documents.md for the layouts and legal bases):

* :func:`render_tax_notice` — 納税通知書 (普通徴収, 地方税法 第319条の2) + 納付書 with the コンビニ
  GS1-128 barcode (formats.md §3.2) and the 地方税統一QRコード (eL-QR, our layout: ADR 0025).
* :func:`render_employer_notice` — 特別徴収税額決定通知書 (特別徴収義務者用, 第321条の4 第1項), landscape.
* :func:`render_employee_notice` — 同 (納税義務者用, 第321条の4 第2項).
* :func:`render_change_notice` — 税額変更通知書 (更正).
* :func:`render_certificate` — 課税証明書 / 非課税証明書 (第20条の10) with its verification code.
* :func:`render_non_resident_notice` — 住登外課税の通知 (他団体通知, 第294条第4項 [M]).

The barcode is drawn with ``reportlab.graphics.barcode.code128.Code128``, which supports FNC1 as the
input character ``\\xf1``: ``"\\xf1" + 44 digits`` encodes as Start C, FNC1, 22 digit pairs, the
mod-103 check symbol and Stop — the GS1-128 symbol (tested in tests/unit/documents).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import date

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from adapters.documents import el_qr
from adapters.documents.fonts import GOTHIC, MINCHO, register_fonts
from adapters.documents.verification import short_code
from domain.documents.barcode import human_readable, is_valid
from domain.documents.models import (
    SPECIAL_COLLECTION_MONTHS,
    Addressee,
    CalculationBasis,
    CertificateModel,
    ChangeNoticeModel,
    DunningNoticeModel,
    EmployeeSpecialCollectionModel,
    EmployerSpecialCollectionModel,
    InstallmentSlip,
    Issuer,
    NonResidentNoticeModel,
    TaxAmounts,
    TaxNoticeModel,
)
from domain.documents.wareki import amount_text, era_date, fiscal_year_label, yen

CREATOR = "juminzei"
BAR_MODULE = 0.254 * mm  # X-dimension (our choice; confirm with the 収納代行会社 before go-live)
BAR_HEIGHT = 10 * mm
TOP_MARGIN = 20.0  # mm, continuation pages
BOTTOM_MARGIN = 12.0  # mm

Align = str  # "l" | "r" | "c"
_PT_MM = 25.4 / 72  # one point in millimetres


# --------------------------------------------------------------------------- canvas helpers


class _Doc:
    """A canvas with top-left millimetre coordinates and a few drawing helpers."""

    def __init__(self, *, title: str, issuer: Issuer, issue_date: date, landscape_page: bool = False) -> None:
        register_fonts()
        self.buffer = io.BytesIO()
        self.pagesize = landscape(A4) if landscape_page else A4
        self.c = Canvas(self.buffer, pagesize=self.pagesize, invariant=1, pageCompression=1)
        stamp = f"D:{issue_date:%Y%m%d}000000+09'00'"
        self.c.setDateFormatter(lambda *_: stamp)
        self.c.setTitle(title)
        self.c.setAuthor(issuer.municipality_name)
        self.c.setSubject(title)
        self.c.setCreator(CREATOR)
        self.c.setProducer(CREATOR)
        self.width_mm: float = float(self.pagesize[0]) / mm
        self.height_mm: float = float(self.pagesize[1]) / mm

    def _y(self, top: float) -> float:
        return float((self.height_mm - top) * mm)

    def text(
        self, x: float, top: float, s: str, *, size: float = 10, bold: bool = False, align: Align = "l"
    ) -> None:
        font = GOTHIC if bold else MINCHO
        self.c.setFont(font, size)
        if align == "r":
            self.c.drawRightString(x * mm, self._y(top), s)
        elif align == "c":
            self.c.drawCentredString(x * mm, self._y(top), s)
        else:
            self.c.drawString(x * mm, self._y(top), s)

    def fit_text(
        self, x: float, top: float, s: str, width: float, *, size: float = 10, bold: bool = False
    ) -> None:
        """Left-aligned text shrunk (down to 5 pt) to fit ``width`` mm."""
        font = GOTHIC if bold else MINCHO
        while size > 5 and stringWidth(s, font, size) > width * mm:
            size -= 0.5
        self.text(x, top, s, size=size, bold=bold)

    def rect(self, x: float, top: float, w: float, h: float, *, width: float = 0.6) -> None:
        self.c.setLineWidth(width)
        self.c.rect(x * mm, self._y(top + h), w * mm, h * mm)

    def line(self, x1: float, top1: float, x2: float, top2: float, *, width: float = 0.4) -> None:
        self.c.setLineWidth(width)
        self.c.line(x1 * mm, self._y(top1), x2 * mm, self._y(top2))

    def dashed(self, x1: float, top: float, x2: float) -> None:
        self.c.saveState()
        self.c.setDash(3, 2)
        self.line(x1, top, x2, top, width=0.3)
        self.c.restoreState()

    def table(
        self,
        x: float,
        top: float,
        widths: Sequence[float],
        rows: Sequence[Sequence[str]],
        *,
        aligns: Sequence[Align] | None = None,
        row_h: float = 7,
        size: float = 9,
        header_rows: int = 1,
    ) -> float:
        """Draw a grid table; returns the top of the space below it (mm)."""
        aligns = aligns or ["l"] * len(widths)
        total_w = sum(widths)
        for r, row in enumerate(rows):
            y = top + r * row_h
            self.rect(x, y, total_w, row_h, width=0.4)
            cx = x
            for i, (w, cell) in enumerate(zip(widths, row, strict=True)):
                if i:
                    self.line(cx, y, cx, y + row_h, width=0.3)
                bold = r < header_rows
                font = GOTHIC if bold else MINCHO
                fs = size
                while fs > 5 and stringWidth(cell, font, fs) > (w - 2) * mm:
                    fs -= 0.5
                base = y + row_h / 2 + 0.35 * fs * _PT_MM  # baseline ≈ centre + half the cap height
                align = "c" if bold else aligns[i]
                if align == "r":
                    self.text(cx + w - 1.2, base, cell, size=fs, bold=bold, align="r")
                elif align == "c":
                    self.text(cx + w / 2, base, cell, size=fs, bold=bold, align="c")
                else:
                    self.text(cx + 1.2, base, cell, size=fs, bold=bold)
                cx += w
        return top + len(rows) * row_h

    def barcode(self, x: float, top: float, code: str) -> float:
        """Draw the GS1-128 symbol of a 44-digit code with its human-readable line; returns its width."""
        widget = gs1_128_widget(code)
        widget.drawOn(self.c, x * mm, self._y(top + BAR_HEIGHT / mm))
        self.text(x + 2.5, top + BAR_HEIGHT / mm + 3.5, human_readable(code), size=7)
        width: float = widget.width / mm
        return width

    def qr(self, x: float, top: float, payload: str) -> float:
        """Draw the eL-QR symbol (quiet zone included) with its top-left corner at (x, top); returns its side."""
        drawing, side = el_qr.drawing(payload)
        renderPDF.draw(drawing, self.c, x * mm, self._y(top + side))
        return side

    def new_page(self) -> None:
        self.c.showPage()

    def ensure(self, top: float, needed: float) -> float:
        """Continue on a new page when ``needed`` mm do not fit below ``top``; returns the top to use."""
        if top + needed <= self.height_mm - BOTTOM_MARGIN:
            return top
        self.new_page()
        return TOP_MARGIN

    def finish(self) -> bytes:
        self.c.showPage()
        self.c.save()
        return self.buffer.getvalue()


def gs1_128_widget(code: str) -> Code128:
    """reportlab Code128 for ``FNC1 + code`` (GS1-128, AI 91), quiet zones of 10 modules."""
    if not is_valid(code):
        raise ValueError("not a valid 44-digit CVS code")
    return Code128(
        "\xf1" + code,
        barWidth=BAR_MODULE,
        barHeight=BAR_HEIGHT,
        quiet=1,
        lquiet=10 * BAR_MODULE,
        rquiet=10 * BAR_MODULE,
    )


# --------------------------------------------------------------------------- shared blocks


def _tax_names(issuer: Issuer) -> str:
    return f"{issuer.municipal_tax_name}・{issuer.prefectural_tax_name}"


def _header(doc: _Doc, title: str, fiscal_year: int, *, subtitle: str = "") -> None:
    doc.text(
        doc.width_mm / 2, 18, f"{fiscal_year_label(fiscal_year)}　{title}", size=16, bold=True, align="c"
    )
    if subtitle:
        doc.text(doc.width_mm / 2, 24, subtitle, size=10, align="c")


def _addressee(doc: _Doc, a: Addressee, top: float = 34) -> None:
    doc.text(20, top, a.postal_code_text, size=10)
    doc.fit_text(20, top + 6, a.address, 95, size=10)
    doc.fit_text(20, top + 14, f"{a.name}　{a.honorific}", 95, size=13, bold=True)


def _issuer_block(doc: _Doc, issuer: Issuer, issue_date: date, top: float = 34) -> None:
    right = doc.width_mm - 15
    doc.text(right, top, era_date(issue_date), size=10, align="r")
    doc.text(right, top + 6, issuer.head, size=11, bold=True, align="r")
    doc.text(right, top + 11.5, issuer.department, size=9, align="r")
    doc.text(right, top + 16, issuer.address, size=8, align="r")
    doc.text(right, top + 20.5, f"電話 {issuer.phone}", size=8, align="r")


def _tax_rows(issuer: Issuer, t: TaxAmounts) -> list[list[str]]:
    return [
        ["区分", "均等割額", "所得割額", "合計"],
        [
            issuer.municipal_tax_name,
            yen(t.municipal_per_capita),
            yen(t.municipal_income_levy),
            yen(t.municipal_total),
        ],
        [
            issuer.prefectural_tax_name,
            yen(t.prefectural_per_capita),
            yen(t.prefectural_income_levy),
            yen(t.prefectural_total),
        ],
        ["森林環境税", yen(t.forest_environment_tax), "－", yen(t.forest_environment_tax)],
        [
            "合計",
            yen(t.municipal_per_capita + t.prefectural_per_capita + t.forest_environment_tax),
            yen(t.municipal_income_levy + t.prefectural_income_levy),
            yen(t.total),
        ],
    ]


def _tax_table(doc: _Doc, top: float, issuer: Issuer, t: TaxAmounts, x: float = 15) -> float:
    doc.text(x, top, "税額", size=10, bold=True)
    return doc.table(x, top + 2, [45, 45, 45, 45], _tax_rows(issuer, t), aligns=["l", "r", "r", "r"])


def _basis_height(b: CalculationBasis) -> float:
    side = 0.0
    if b.income_lines:
        side += 6.5 * (len(b.income_lines) + 1) + 2
    if b.deduction_lines:
        side += 6.5 * (len(b.deduction_lines) + 1)
    return 2 + max(6 * 6.5, side)


def _basis_block(doc: _Doc, top: float, issuer: Issuer, b: CalculationBasis, x: float = 15) -> float:
    top = doc.ensure(top - 5, _basis_height(b) + 5) + 5
    doc.text(x, top, "算出の内訳", size=10, bold=True)
    rows = [
        ["項目", "金額"],
        ["総所得金額等", yen(b.total_income)],
        ["所得控除合計", yen(b.total_deductions)],
        ["課税標準額", yen(b.taxable_income)],
        [f"税額控除（{issuer.municipal_tax_name}）", yen(b.municipal_tax_credits)],
        [f"税額控除（{issuer.prefectural_tax_name}）", yen(b.prefectural_tax_credits)],
    ]
    end = doc.table(x, top + 2, [50, 35], rows, aligns=["l", "r"], row_h=6.5)
    side_top = top + 2
    if b.income_lines:
        doc.table(
            x + 92,
            side_top,
            [50, 35],
            [["所得の内訳", "金額"]] + [[ln.label, yen(ln.amount)] for ln in b.income_lines],
            aligns=["l", "r"],
            row_h=6.5,
            size=8,
        )
        end = max(end, side_top + 6.5 * (len(b.income_lines) + 1))
        side_top = end + 2
    if b.deduction_lines:
        rows2 = [["所得控除の内訳", "金額"]] + [[ln.label, yen(ln.amount)] for ln in b.deduction_lines]
        end2 = doc.table(x + 92, side_top, [50, 35], rows2, aligns=["l", "r"], row_h=6.5, size=8)
        end = max(end, end2)
    return end


def _notes(doc: _Doc, top: float, notes: Sequence[str], x: float = 15) -> float:
    for note in notes:
        top = doc.ensure(top, 5)
        doc.fit_text(x, top, f"※ {note}", doc.width_mm - 2 * x, size=8.5)
        top += 5
    return top


def _appeal_notice(doc: _Doc, end: float, issuer: Issuer, act: str, document: str) -> None:
    """教示 (行政不服審査法 第82条): the 審査請求 notice at the foot of a 処分's document."""
    doc.text(
        15,
        doc.ensure(max(end + 4, 270), 5),
        f"{act}に不服がある場合は、{document}を受けた日の翌日から起算して3か月以内に"
        f"{issuer.municipality_name}長に対して審査請求をすることができます。",
        size=7.5,
    )


def _slips(
    doc: _Doc,
    slips: Sequence[InstallmentSlip],
    *,
    fiscal_year: int,
    notice_number: str,
    taxpayer_number: str,
    name: str,
    issuer: Issuer,
) -> None:
    """納付書 pages: four slips per A4 page separated by cut lines."""
    per_page = 4
    slip_h = 66.0
    for start in range(0, len(slips), per_page):
        doc.new_page()
        for i, slip in enumerate(slips[start : start + per_page]):
            top = 10 + i * (slip_h + 3)
            _slip(
                doc,
                top,
                slip_h,
                slip,
                fiscal_year=fiscal_year,
                notice_number=notice_number,
                taxpayer_number=taxpayer_number,
                name=name,
                issuer=issuer,
            )
            if i < per_page - 1:
                doc.dashed(8, top + slip_h + 1.5, doc.width_mm - 8)


def _slip(  # noqa: PLR0913 - geometry plus the slip's printed items (keyword-only)
    doc: _Doc,
    top: float,
    h: float,
    s: InstallmentSlip,
    *,
    fiscal_year: int,
    notice_number: str,
    taxpayer_number: str,
    name: str,
    issuer: Issuer,
) -> None:
    x = 12
    w = doc.width_mm - 24
    doc.rect(x, top, w, h)
    doc.text(
        x + 3,
        top + 7,
        f"{fiscal_year_label(fiscal_year)} {_tax_names(issuer)} 納付書（{s.label}）",
        size=11,
        bold=True,
    )
    doc.text(x + w - 3, top + 7, f"納付先 {issuer.municipality_name}", size=9, align="r")
    doc.line(x, top + 10, x + w, top + 10)
    rows = [
        ("通知書番号", notice_number),
        ("宛名番号", taxpayer_number),
        ("氏名", f"{name} 様"),
        ("納期限", era_date(s.due_date)),
    ]
    for i, (label, value) in enumerate(rows):
        doc.text(x + 3, top + 17 + i * 7, label, size=9, bold=True)
        doc.fit_text(x + 26, top + 17 + i * 7, value, 75 if s.el_qr is None else 52, size=10)
    doc.text(x + 3, top + 50, "納付額", size=10, bold=True)
    doc.text(x + 26, top + 51, yen(s.amount), size=16, bold=True)
    if s.el_qr is not None:
        side = doc.qr(x + 80, top + 11, s.el_qr)
        doc.text(x + 80 + side / 2, top + 11 + side + 2.5, "eL-QR", size=7, align="c")
        doc.fit_text(x + 3, top + 56.5, f"eL番号 {s.el_number}", 98, size=7.5)
    doc.text(x + 3, top + 62, "金融機関・区役所窓口・コンビニエンスストアで納付できます。", size=7.5)
    bx = x + 107
    if s.barcode is not None:
        doc.text(bx, top + 17, "コンビニエンスストア収納用", size=8, bold=True)
        doc.barcode(bx - 2.5, top + 20, s.barcode)
        deadline = s.cvs_deadline
        limit = era_date(deadline) if deadline is not None else "なし"
        doc.text(bx, top + 41, f"コンビニ取扱期限 {limit}", size=8.5)
    else:
        doc.text(bx, top + 25, "この納付書はコンビニエンスストアでは", size=9)
        doc.text(bx, top + 30, "取り扱いできません。", size=9)
    doc.text(bx, top + 50, "領収日付印", size=8)
    doc.rect(bx + 45, top + 44, 20, 20, width=0.4)


# --------------------------------------------------------------------------- renderers


def render_tax_notice(model: TaxNoticeModel) -> bytes:
    """納税通知書 (普通徴収) + 納付書 — 地方税法 第319条の2. Page 1 notice, then 4 slips per page."""
    m = model
    doc = _payer_notice(
        "納税通知書",
        m,
        f"{fiscal_year_label(m.fiscal_year)}の{_tax_names(m.issuer)}及び森林環境税の税額を、"
        "地方税法第319条の2の規定により次のとおり通知します。",
        subtitle="（普通徴収）",
    )
    end = _tax_table(doc, 77, m.issuer, m.taxes)
    doc.text(15, end + 6, f"年税額　{yen(m.taxes.total)}", size=12, bold=True)
    doc.text(80, end + 6, f"うち普通徴収税額　{yen(m.ordinary_collection_total)}", size=10)
    special = m.taxes.total - m.ordinary_collection_total
    if special:
        doc.text(150, end + 6, f"うち特別徴収税額　{yen(special)}", size=10)
    end = _basis_block(doc, end + 14, m.issuer, m.basis)
    end = doc.ensure(end + 2, 7 + 6.5 * (len(m.installments) + 1)) - 2
    doc.text(15, end + 7, "各期の納付額及び納期限", size=10, bold=True)
    rows = [["期別", "納期限", "納付額"]] + [
        [s.label, era_date(s.due_date), yen(s.amount)] for s in m.installments
    ]
    end = doc.table(15, end + 9, [30, 50, 40], rows, aligns=["c", "l", "r"], row_h=6.5)
    end = _notes(doc, end + 6, m.notes)
    _appeal_notice(doc, end, m.issuer, "この処分", "この通知")
    _payer_slips(doc, m, m.installments)
    return doc.finish()


def _payer_notice(
    title: str, m: TaxNoticeModel | DunningNoticeModel, statement: str, subtitle: str = ""
) -> _Doc:
    """The opening of a notice to one payer (納税通知書, 督促状): header, addressee, issuer, numbers and the
    statement of what is notified."""
    doc = _Doc(title=title, issuer=m.issuer, issue_date=m.issue_date)
    _header(doc, f"{_tax_names(m.issuer)} {title}", m.fiscal_year, subtitle=subtitle)
    _addressee(doc, m.addressee)
    _issuer_block(doc, m.issuer, m.issue_date)
    doc.text(15, 62, f"通知書番号 {m.notice_number}　　宛名番号 {m.taxpayer_number}", size=9)
    doc.text(15, 69, statement, size=9)
    return doc


def _payer_slips(doc: _Doc, m: TaxNoticeModel | DunningNoticeModel, slips: Sequence[InstallmentSlip]) -> None:
    """The 納付書 pages of a notice to one payer."""
    _slips(
        doc,
        slips,
        fiscal_year=m.fiscal_year,
        notice_number=m.notice_number,
        taxpayer_number=m.taxpayer_number,
        name=m.addressee.name,
        issuer=m.issuer,
    )


def _month_label(month: int) -> str:
    return f"{month}月"


def render_employer_notice(model: EmployerSpecialCollectionModel) -> bytes:
    """特別徴収税額決定通知書 (特別徴収義務者用) — 地方税法 第321条の4 第1項. A4 landscape, paginated."""
    m = model
    doc = _Doc(
        title="特別徴収税額決定通知書（特別徴収義務者用）",
        issuer=m.issuer,
        issue_date=m.issue_date,
        landscape_page=True,
    )
    widths = [17, 19, 30, 17, 16, 13, 18] + [12.5] * 12
    head = [
        "受給者番号",
        "宛名番号",
        "氏名",
        m.issuer.municipal_tax_name,
        m.issuer.prefectural_tax_name,
        "森林環境税",
        "年税額",
    ] + [_month_label(mo) for mo in SPECIAL_COLLECTION_MONTHS]
    aligns = ["l", "l", "l"] + ["r"] * 16
    body = [
        [
            r.employee_number,
            r.taxpayer_number,
            r.name,
            amount_text(r.municipal_tax),
            amount_text(r.prefectural_tax),
            amount_text(r.forest_environment_tax),
            amount_text(r.annual_tax),
        ]
        + [amount_text(v) for v in r.monthly]
        for r in m.rows
    ]
    totals = m.monthly_totals
    total_row = [
        "",
        "",
        f"合計 {len(m.rows)}人",
        amount_text(sum(r.municipal_tax for r in m.rows)),
        amount_text(sum(r.prefectural_tax for r in m.rows)),
        amount_text(sum(r.forest_environment_tax for r in m.rows)),
        amount_text(m.annual_total),
    ]
    total_row += [amount_text(v) for v in totals]
    per_page = 16
    chunks = [body[i : i + per_page] for i in range(0, len(body), per_page)]
    pages = len(chunks)
    for p, chunk in enumerate(chunks):
        if p:
            doc.new_page()
        _header(
            doc,
            f"{_tax_names(m.issuer)} 特別徴収税額決定通知書",
            m.fiscal_year,
            subtitle="（特別徴収義務者用）",
        )
        doc.text(doc.width_mm - 12, 10, f"{p + 1} / {pages}", size=8, align="r")
        if p == 0:
            _addressee(doc, m.employer, top=34)
            doc.text(
                20, 56, f"特別徴収義務者指定番号 {m.employer_number}　　通知書番号 {m.notice_number}", size=9
            )
            _issuer_block(doc, m.issuer, m.issue_date, top=32)
            doc.text(
                20,
                63,
                f"地方税法第321条の4第1項の規定により、{fiscal_year_label(m.fiscal_year)}の"
                "給与所得に係る特別徴収税額を次のとおり通知します。各月の徴収額を翌月10日までに納入してください。",
                size=8.5,
            )
            doc.text(20, 70, f"特別徴収税額合計　{yen(m.annual_total)}", size=11, bold=True)
            table_top = 74.0
        else:
            doc.text(20, 32, f"特別徴収義務者指定番号 {m.employer_number}　{m.employer.name}（続き）", size=9)
            table_top = 36.0
        rows = [head] + chunk + ([total_row] if p == pages - 1 else [])
        end = doc.table(8.5, table_top, widths, rows, aligns=aligns, row_h=6.2, size=7)
        if p == pages - 1:
            _notes(doc, end + 5, m.notes, x=8.5)
    return doc.finish()


def _monthly_table(doc: _Doc, top: float, monthly: Sequence[int], x: float = 15) -> float:
    first = [_month_label(mo) for mo in SPECIAL_COLLECTION_MONTHS[:6]]
    second = [_month_label(mo) for mo in SPECIAL_COLLECTION_MONTHS[6:]]
    w = [30.0] * 6
    end = doc.table(x, top, w, [first, [yen(v) for v in monthly[:6]]], aligns=["r"] * 6, row_h=6.5)
    return doc.table(x, end + 2, w, [second, [yen(v) for v in monthly[6:]]], aligns=["r"] * 6, row_h=6.5)


def render_employee_notice(model: EmployeeSpecialCollectionModel) -> bytes:
    """特別徴収税額決定通知書 (納税義務者用) — 地方税法 第321条の4 第2項."""
    m = model
    doc = _Doc(title="特別徴収税額決定通知書（納税義務者用）", issuer=m.issuer, issue_date=m.issue_date)
    _header(
        doc,
        f"{_tax_names(m.issuer)} 特別徴収税額決定通知書",
        m.fiscal_year,
        subtitle="（納税義務者用）",
    )
    _addressee(doc, m.employee)
    _issuer_block(doc, m.issuer, m.issue_date)
    doc.text(
        15,
        62,
        f"通知書番号 {m.notice_number}　宛名番号 {m.taxpayer_number}　受給者番号 {m.employee_number}",
        size=9,
    )
    doc.fit_text(15, 68, f"特別徴収義務者 {m.employer_name}（指定番号 {m.employer_number}）", 180, size=9)
    doc.text(
        15,
        75,
        f"{fiscal_year_label(m.fiscal_year)}の{_tax_names(m.issuer)}及び森林環境税の税額は次のとおりです。"
        "給与から毎月差し引かれます（地方税法第321条の4第2項）。",
        size=9,
    )
    end = _tax_table(doc, 83, m.issuer, m.taxes)
    doc.text(15, end + 6, f"年税額　{yen(m.taxes.total)}", size=12, bold=True)
    end = _basis_block(doc, end + 14, m.issuer, m.basis)
    end = doc.ensure(end + 2, 7 + 4 * 6.5 + 4) - 2
    doc.text(15, end + 7, "月別の特別徴収税額（月割額）", size=10, bold=True)
    _monthly_table(doc, end + 9, m.monthly)
    return doc.finish()


def render_change_notice(model: ChangeNoticeModel) -> bytes:
    """税額変更通知書 (更正): before / after / 差引 per tax, reason, new installments and slips."""
    m = model
    doc = _Doc(title="税額変更通知書", issuer=m.issuer, issue_date=m.issue_date)
    _header(
        doc,
        f"{_tax_names(m.issuer)} 税額変更通知書",
        m.fiscal_year,
        subtitle=f"（{m.collection_method}）",
    )
    _addressee(doc, m.addressee)
    _issuer_block(doc, m.issuer, m.issue_date)
    doc.text(15, 62, f"通知書番号 {m.notice_number}　　宛名番号 {m.taxpayer_number}", size=9)
    doc.text(
        15,
        69,
        f"{fiscal_year_label(m.fiscal_year)}の{_tax_names(m.issuer)}及び森林環境税の税額を次のとおり変更しました。",
        size=9,
    )
    doc.fit_text(15, 76, f"変更理由　{m.reason}", 180, size=10, bold=True)
    b, a = m.before, m.after
    names = m.issuer
    lines: list[tuple[str, int, int]] = [
        (f"{names.municipal_tax_name} 均等割額", b.municipal_per_capita, a.municipal_per_capita),
        (f"{names.municipal_tax_name} 所得割額", b.municipal_income_levy, a.municipal_income_levy),
        (f"{names.prefectural_tax_name} 均等割額", b.prefectural_per_capita, a.prefectural_per_capita),
        (f"{names.prefectural_tax_name} 所得割額", b.prefectural_income_levy, a.prefectural_income_levy),
        ("森林環境税", b.forest_environment_tax, a.forest_environment_tax),
        ("合計", b.total, a.total),
    ]
    rows = [["区分", "変更前", "変更後", "差引"]] + [[n, yen(x), yen(y), yen(y - x)] for n, x, y in lines]
    end = doc.table(15, 80, [55, 40, 40, 40], rows, aligns=["l", "r", "r", "r"], row_h=6.5)
    delta = m.delta_total
    verdict = f"増額 {yen(delta)}" if delta > 0 else (f"減額 {yen(-delta)}" if delta < 0 else "増減なし")
    doc.text(15, end + 6, f"差引税額　{verdict}", size=12, bold=True)
    end += 10
    if m.installment_changes:
        end = doc.ensure(end, 6 + 6.5 * (len(m.installment_changes) + 1))
        doc.text(15, end + 4, "変更後の各期（各月）の税額", size=10, bold=True)
        rows = [["期別", "納期限", "変更前", "変更後", "差引"]] + [
            [c.label, era_date(c.due_date) if c.due_date else "－", yen(c.before), yen(c.after), yen(c.delta)]
            for c in m.installment_changes
        ]
        end = doc.table(15, end + 6, [25, 45, 35, 35, 35], rows, aligns=["c", "l", "r", "r", "r"], row_h=6.5)
    if m.basis is not None:
        end = _basis_block(doc, end + 8, m.issuer, m.basis)
    notes = list(m.notes)
    if delta < 0:
        notes.append("納め過ぎとなった税額は、別途「還付（充当）通知書」でお知らせします。")
    _notes(doc, end + 6, notes)
    if m.slips:
        _slips(
            doc,
            m.slips,
            fiscal_year=m.fiscal_year,
            notice_number=m.notice_number,
            taxpayer_number=m.taxpayer_number,
            name=m.addressee.name,
            issuer=m.issuer,
        )
    return doc.finish()


def render_certificate(model: CertificateModel) -> bytes:
    """課税証明書 / 非課税証明書 — 地方税法 第20条の10, with the verification code (照合番号)."""
    m = model
    if not m.verification_code:
        raise ValueError("certificate has no verification code; compute it before rendering")
    doc = _Doc(title=m.title, issuer=m.issuer, issue_date=m.issue_date)
    doc.text(doc.width_mm / 2, 20, m.title, size=20, bold=True, align="c")
    doc.text(
        doc.width_mm / 2,
        27,
        f"{fiscal_year_label(m.fiscal_year)}（{m.income_year}年分所得）{_tax_names(m.issuer)}",
        size=10,
        align="c",
    )
    doc.text(doc.width_mm - 15, 36, f"証明書番号 {m.certificate_number}", size=9, align="r")
    s = m.subject
    rows = [["項目", "内容"], ["住所（1月1日現在）", s.address], ["氏名", s.name]]
    if s.birth_date is not None:
        rows.append(["生年月日", era_date(s.birth_date)])
    end = doc.table(15, 40, [45, 135], rows, row_h=7)
    b = m.basis
    income_rows = [["所得の内訳", "金額"]] + [[ln.label, yen(ln.amount)] for ln in b.income_lines]
    income_rows.append(["総所得金額等", yen(b.total_income)])
    deduction_rows = [["所得控除の内訳", "金額"]] + [[ln.label, yen(ln.amount)] for ln in b.deduction_lines]
    deduction_rows.append(["所得控除合計", yen(b.total_deductions)])
    top = doc.ensure(end + 6, 6.3 * max(len(income_rows), len(deduction_rows)))
    end1 = doc.table(15, top, [50, 38], income_rows, aligns=["l", "r"], row_h=6.3, size=8.5)
    end2 = doc.table(107, top, [50, 38], deduction_rows, aligns=["l", "r"], row_h=6.3, size=8.5)
    end = doc.ensure(max(end1, end2), 10)
    doc.text(15, end + 6, f"課税標準額　{yen(b.taxable_income)}", size=10, bold=True)
    end += 10
    if m.taxes is not None:
        end = doc.ensure(end, 4 + 2 + 5 * 7 + 10)
        end = _tax_table(doc, end + 4, m.issuer, m.taxes)
        doc.text(
            15,
            end + 6,
            f"税額控除　{m.issuer.municipal_tax_name} {yen(b.municipal_tax_credits)}　"
            f"{m.issuer.prefectural_tax_name} {yen(b.prefectural_tax_credits)}",
            size=9,
        )
        statement = "上記のとおり相違ないことを証明します。"
    else:
        end = doc.ensure(end, 10)
        doc.text(
            15,
            end + 6,
            f"上記の者は、{fiscal_year_label(m.fiscal_year)}の{_tax_names(m.issuer)}が"
            "課税されていないことを証明します。",
            size=11,
            bold=True,
        )
        statement = ""
    end += 10
    if m.purpose:
        end = doc.ensure(end, 6)
        doc.text(15, end + 6, f"使用目的　{m.purpose}", size=9)
        end += 6
    end = _notes(doc, end + 6, m.remarks)
    # Footer: certification statement, date, issuing authority and the verification box (46 mm).
    f = doc.ensure(max(end + 4, 232), 46)
    if statement:
        doc.text(15, f, statement, size=10)
    doc.text(15, f + 7, era_date(m.issue_date), size=10)
    doc.text(doc.width_mm - 15, f + 7, m.issuer.head, size=12, bold=True, align="r")
    doc.rect(15, f + 16, doc.width_mm - 30, 30, width=0.8)
    doc.text(19, f + 23, "照合番号（この証明書の真正性の確認用）", size=9, bold=True)
    doc.text(19, f + 31, m.verification_code, size=12, bold=True)
    doc.text(19, f + 38, f"短縮照合番号　{short_code(m.verification_code)}", size=10, bold=True)
    doc.fit_text(
        19,
        f + 44,
        f"証明書番号と照合番号を{m.issuer.municipality_name}（{m.issuer.department}　電話 {m.issuer.phone}）に"
        "お伝えいただくと、記録と照合できます。",
        doc.width_mm - 38,
        size=7.5,
    )
    return doc.finish()


def render_non_resident_notice(model: NonResidentNoticeModel) -> bytes:
    """住登外課税の通知 (他団体通知) — 地方税法 第294条第3項・第4項 [M]."""
    m = model
    doc = _Doc(title="住民登録外課税通知書", issuer=m.issuer, issue_date=m.issue_date)
    _addressee(doc, m.recipient, top=20)
    _issuer_block(doc, m.issuer, m.issue_date, top=20)
    doc.text(doc.width_mm / 2, 58, "住民登録外課税について（通知）", size=15, bold=True, align="c")
    doc.text(
        15,
        68,
        f"地方税法第294条第3項の規定により、下記の者に対し当区において{fiscal_year_label(m.fiscal_year)}の"
        f"{_tax_names(m.issuer)}を",
        size=9.5,
    )
    doc.text(15, 74, "課税しましたので、同条第4項の規定により通知します。", size=9.5)
    doc.text(doc.width_mm / 2, 82, "記", size=10, align="c")
    rows = [
        ["項目", "内容"],
        ["通知書番号", m.notice_number],
        ["宛名番号（当区）", m.taxpayer_number],
        ["氏名", m.subject_name],
        ["フリガナ", m.subject_kana],
        ["生年月日", era_date(m.subject_birth_date) if m.subject_birth_date else "－"],
        ["住民登録地", m.registered_address],
        ["当区における住所・居所", m.address_in_ward],
        ["課税の理由", m.reason],
        ["貴団体の団体コード", m.recipient_municipality_code],
    ]
    end = doc.table(15, 86, [50, 130], rows, row_h=7.5)
    end = _tax_table(doc, end + 8, m.issuer, m.taxes)
    doc.text(15, end + 6, f"年税額　{yen(m.taxes.total)}", size=11, bold=True)
    _notes(doc, end + 13, m.remarks)
    return doc.finish()


def render_dunning_notice(model: DunningNoticeModel) -> bytes:
    """督促状 (地方税法 第329条) with one 納付書 for the unpaid 本税."""
    m = model
    doc = _payer_notice(
        "督促状",
        m,
        f"{fiscal_year_label(m.fiscal_year)}の{_tax_names(m.issuer)}の次の税額が納期限までに納付されていません。"
        "地方税法第329条の規定により督促します。",
    )
    rows = [
        ["期別", "納期限", "未納税額（本税）", "延滞金（発付日現在）", "指定期限"],
        [m.label, era_date(m.original_due_date), yen(m.unpaid_tax), yen(m.late_fee), era_date(m.pay_by)],
    ]
    end = doc.table(15, 77, [20, 40, 40, 45, 40], rows, aligns=["c", "l", "r", "r", "l"], row_h=7)
    doc.text(15, end + 8, f"指定期限までに本税 {yen(m.unpaid_tax)} を納付してください。", size=11, bold=True)
    notes = (
        "延滞金は納期限の翌日から納付の日までの日数に応じて計算されます（地方税法第326条）。"
        "本税を納付した後に延滞金の納付書をお送りします。",
        "この督促状を発した日から起算して10日を経過した日までに完納されない場合は、"
        "財産の差押えを受けることがあります（地方税法第331条）。",
        "すでに納付された場合は、行き違いですのでご容赦ください。",
    )
    end = _notes(doc, end + 16, notes)
    _appeal_notice(doc, end, m.issuer, "この督促", "この督促状")
    _payer_slips(doc, m, (m.slip,))
    return doc.finish()


RENDERERS: dict[type, Callable[..., bytes]] = {
    TaxNoticeModel: render_tax_notice,
    EmployerSpecialCollectionModel: render_employer_notice,
    EmployeeSpecialCollectionModel: render_employee_notice,
    ChangeNoticeModel: render_change_notice,
    CertificateModel: render_certificate,
    NonResidentNoticeModel: render_non_resident_notice,
    DunningNoticeModel: render_dunning_notice,
}


def render(model: object) -> bytes:
    """Render any document model with its renderer (dispatch on the model's class)."""
    try:
        renderer = RENDERERS[type(model)]
    except KeyError:
        raise TypeError(f"no renderer for {type(model).__name__}") from None
    return renderer(model)
