"""The 自己点検 access-anomaly report as files: ``anomalies.json``, ``anomalies.html`` and ``anomalies.pdf``.

HTML: self-contained (inline CSS and SVG bar charts, no script, no network). PDF: reportlab with the
embedded Japanese font of ADR 0007 and a bar chart (reportlab.graphics), deterministic (invariant mode).
Neither contains a name, address or My Number: staff ids, taxpayer ids and counts only.
"""

from __future__ import annotations

import io
import json
from html import escape
from pathlib import Path
from typing import Any

from adapters.reporting.html import bar_chart_svg

JSON_NAME = "anomalies.json"
HTML_NAME = "anomalies.html"
PDF_NAME = "anomalies.pdf"
#: Staff-days shown in the volume chart (the busiest first).
CHART_ROWS = 15

_CSS = """
body { font-family: "Hiragino Kaku Gothic ProN", "Noto Sans CJK JP", "IPAexGothic", sans-serif;
       margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #999; padding: 0.25em 0.5em; vertical-align: top; }
th { background: #eef; }
td.n { text-align: right; }
.sev-高 { color: #a00; font-weight: bold; }
.sev-中 { color: #a60; }
pre { white-space: pre-wrap; margin: 0; font-size: 0.85em; }
"""


def _outcome(report: dict[str, Any], finding: dict[str, Any]) -> str:
    code = finding.get("review_outcome")
    if not code:
        return "未確認"
    label = str(report["outcomes"].get(code, code)).split("（")[0]
    last = finding["reviews"][-1]
    return f"{label}（{last['reviewed_by']} {last['reviewed_at'][:10]}）"


def render_html(report: dict[str, Any]) -> str:
    summary = report["summary"]
    daily = report["daily_volume"][:CHART_ROWS]
    rule_labels = [report["rules"][r] for r in report["rules"]]
    rule_counts = [int(summary["by_rule"][r]) for r in report["rules"]]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="ja"><head><meta charset="utf-8">',
        f"<title>アクセス記録の点検（自己点検） {escape(report['from'])}〜{escape(report['to'])}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>アクセス記録の点検（自己点検） {escape(report['from'])}〜{escape(report['to'])}</h1>",
        f"<p>作成 {escape(report['generated_at'])}（{escape(report['generated_by'])}）。"
        f" 点検した照会記録 {summary['records_examined']:,} 件、検出 {summary['findings']:,} 件、"
        f"未確認 {summary['unreviewed']:,} 件。</p>",
        "<p>特定個人情報保護評価書 III-3 リスク3・IV-1 に基づく使用の記録の定期的な分析。"
        "氏名・住所・個人番号は記載していません（職員IDと宛名の内部IDのみ）。</p>",
        bar_chart_svg("規則別の検出件数", rule_labels, rule_counts, "件"),
        bar_chart_svg(
            "職員・日別の照会人数（上位）",
            [f"{d['staff_id']} {d['day']}" for d in daily],
            [int(d["distinct_residents"]) for d in daily],
            "人",
        ),
        "<h2>判定基準</h2><table><tbody>",
    ]
    for key, value in report["thresholds"].items():
        parts.append(f"<tr><th>{escape(key)}</th><td>{escape(str(value))}</td></tr>")
    parts.append("</tbody></table>")
    parts.append(
        "<h2>検出事項</h2><table><thead><tr><th>点検項目ID</th><th>日</th><th>規則</th><th>重要度</th>"
        "<th>職員</th><th>所属</th><th>内容</th><th>根拠</th><th>確認結果</th></tr></thead><tbody>"
    )
    for f in report["findings"]:
        evidence = json.dumps(f["evidence"], ensure_ascii=False, indent=1)
        parts.append(
            f"<tr><td>{escape(f['finding_id'])}</td><td>{escape(f['day'])}</td>"
            f"<td>{escape(f['rule_label'])}<br><small>{escape(f['rule'])}</small></td>"
            f'<td class="sev-{escape(f["severity"])}">{escape(f["severity"])}</td>'
            f"<td>{escape(f['staff_id'])}</td><td>{escape(f['department'])}</td>"
            f"<td>{escape(f['summary'])}</td><td><pre>{escape(evidence)}</pre></td>"
            f"<td>{escape(_outcome(report, f))}</td></tr>"
        )
    if not report["findings"]:
        parts.append('<tr><td colspan="9">（検出事項はありません）</td></tr>')
    parts.append("</tbody></table></body></html>")
    return "\n".join(parts) + "\n"


def render_pdf(report: dict[str, Any]) -> bytes:
    """A4 landscape: summary, a bar chart of the busiest staff-days, the findings table."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from adapters.documents.fonts import GOTHIC, register_fonts

    register_fonts()
    body = ParagraphStyle("body", fontName=GOTHIC, fontSize=7.5, leading=10)
    heading = ParagraphStyle("heading", fontName=GOTHIC, fontSize=13, leading=18, spaceAfter=4)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        invariant=1,
        title="アクセス記録の点検（自己点検）",
        author="juminzei",
    )
    summary = report["summary"]
    story: list[Any] = [
        Paragraph(f"アクセス記録の点検（自己点検） {report['from']}〜{report['to']}", heading),
        Paragraph(
            f"作成 {report['generated_at']}（{report['generated_by']}）。点検した照会記録"
            f" {summary['records_examined']:,} 件、検出 {summary['findings']:,} 件、未確認 {summary['unreviewed']:,} 件。"
            " 氏名・住所・個人番号は記載していません。",
            body,
        ),
        Spacer(1, 3 * mm),
    ]
    daily = report["daily_volume"][:CHART_ROWS]
    if daily:
        rows = list(reversed(daily))  # the chart draws from the bottom up
        drawing = Drawing(260 * mm, 8 * mm + 5 * mm * len(rows))
        chart = HorizontalBarChart()
        chart.x, chart.y = 45 * mm, 2 * mm
        chart.height, chart.width = 5 * mm * len(rows), 180 * mm
        chart.data = [[int(d["distinct_residents"]) for d in rows]]
        chart.categoryAxis.categoryNames = [f"{d['staff_id']} {d['day']}" for d in rows]
        chart.categoryAxis.labels.fontName = GOTHIC
        chart.categoryAxis.labels.fontSize = 7
        chart.valueAxis.labels.fontName = GOTHIC
        chart.valueAxis.labels.fontSize = 7
        chart.valueAxis.valueMin = 0
        chart.bars[0].fillColor = colors.HexColor("#1f5f8b")
        drawing.add(chart)
        drawing.add(
            String(0, drawing.height - 4 * mm, "職員・日別の照会人数（上位）", fontName=GOTHIC, fontSize=9)
        )
        story += [drawing, Spacer(1, 4 * mm)]
    cells = [
        [
            Paragraph(h, body)
            for h in ("点検項目ID", "日", "規則", "重要度", "職員", "所属", "内容", "根拠", "確認結果")
        ]
    ]
    for f in report["findings"]:
        evidence = "; ".join(
            f"{k}={v if not isinstance(v, list) else ','.join(map(str, v[:3])) + ('…' if len(v) > 3 else '')}"
            for k, v in f["evidence"].items()
        )
        cells.append(
            [
                Paragraph(str(c), body)
                for c in (
                    f["finding_id"],
                    f["day"],
                    f"{f['rule_label']} ({f['rule']})",
                    f["severity"],
                    f["staff_id"],
                    f["department"],
                    f["summary"],
                    evidence,
                    _outcome(report, f),
                )
            ]
        )
    if len(cells) == 1:
        cells.append([Paragraph("（検出事項はありません）", body)] + [Paragraph("", body)] * 8)
    widths = [m * mm for m in (30, 17, 32, 11, 18, 20, 55, 62, 28)]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    doc.build(story)
    return out.getvalue()


def write_report(report: dict[str, Any], out_dir: Path) -> dict[str, str]:
    """Write the three files; returns their paths by format."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"json": out_dir / JSON_NAME, "html": out_dir / HTML_NAME, "pdf": out_dir / PDF_NAME}
    paths["json"].write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    paths["html"].write_text(render_html(report), encoding="utf-8")
    paths["pdf"].write_bytes(render_pdf(report))
    return {k: str(v) for k, v in paths.items()}
