"""開示請求への回答 (PDF): what is held, the access history by department and purpose, provisions."""

from __future__ import annotations

import io
import json
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from adapters.documents.fonts import GOTHIC, register_fonts

LABELS = {
    "address_number": "宛名番号",
    "name": "氏名",
    "kana": "カナ氏名",
    "birth_date": "生年月日",
    "sex": "性別",
    "address": "住所",
    "address_code": "住所コード",
    "household_number": "世帯番号",
    "relationship": "続柄",
    "registration_kind": "住登区分",
    "individual_number_linked": "個人番号",
    "deceased_on": "死亡日",
    "assistance": "生活保護の状況",
    "disabilities": "障害者手帳の状況",
    "residence": "住民であった期間",
}


def render_disclosure(data: dict[str, Any]) -> bytes:
    """A deterministic PDF of a disclosure package (invariant mode: same data, same bytes)."""
    register_fonts()
    body = ParagraphStyle("body", fontName=GOTHIC, fontSize=8.5, leading=12)
    heading = ParagraphStyle("heading", fontName=GOTHIC, fontSize=12, leading=16, spaceAfter=4)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        invariant=1,
        title="保有個人情報開示",
        author="juminzei",
    )
    story: list[Any] = [
        Paragraph("保有個人情報の開示（個人住民税）", heading),
        Paragraph(data["note"], body),
        Spacer(1, 4 * mm),
    ]

    def table(title: str, header: list[str], rows: list[list[Any]]) -> None:
        story.append(Paragraph(title, heading))
        cells = [[Paragraph(str(c), body) for c in header]] + [
            [Paragraph(str(c), body) for c in r] for r in rows
        ]
        if len(cells) == 1:
            cells.append([Paragraph("（該当なし）", body)] + [Paragraph("", body)] * (len(header) - 1))
        t = Table(cells, repeatRows=1)
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ]
            )
        )
        story.extend([t, Spacer(1, 4 * mm)])

    identity = data["held"]["identity"]
    table(
        "保有している本人情報",
        ["項目", "内容"],
        [
            [LABELS.get(k, k), json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v]
            for k, v in identity.items()
        ],
    )
    table(
        "課税資料",
        ["種類", "年分", "状態", "提出者", "区分"],
        [
            [f["kind"], f["tax_year"], f["status"], f["submitter"], f["submission"]]
            for f in data["held"]["filings"]
        ],
    )
    table(
        "賦課",
        ["年度", "区分", "徴収方法", "納付額（円）"],
        [
            [a["fiscal_year"], a["status"], a["method"], f"{a['payable']:,}"]
            for a in data["held"]["assessments"]
        ],
    )
    table(
        "利用の記録（所属・利用目的）",
        ["日時", "所属", "利用目的", "操作", "項目"],
        [[r["at"], r["department"], r["purpose"], r["action"], r["items"]] for r in data["access_history"]],
    )
    table(
        "提供・移転・照会の記録（情報提供等記録を含む）",
        ["提供先・照会者", "年度", "理由", "項目", "状態"],
        [
            [p["recipient"], p["fiscal_year"], p["reason"], p["items"], p["status"]]
            for p in data["provisions"]
        ],
    )
    table(
        "問合せの記録",
        ["受付日時", "受付方法", "種別", "内容", "対応", "状態"],
        [
            [
                q["received_at"],
                q["channel"],
                q["category_label"],
                q["content"],
                " / ".join(step["note"] for step in q["handling"]),
                q["status"],
            ]
            for q in data.get("inquiries", [])
        ],
    )
    doc.build(story)
    return out.getvalue()
