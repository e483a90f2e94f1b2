"""``survey.html``: a self-contained page — inline CSS and inline SVG bar charts, no script, no network.

Charts: the 課税標準額段階別 distribution of 特別区民税 所得割 taxpayers (第9表) and the 所得者区分 mix of
納税義務者 (第2表, 特別区民税). Output is deterministic (no clock, no random ids).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from adapters.reporting.shapes import TableShape, era_fiscal_year, shapes
from domain.reporting import Survey

_BAR_COLOURS = ("#1f5f8b", "#c0504d")
_CSS = """
body{font-family:"Hiragino Kaku Gothic ProN","Noto Sans JP","Yu Gothic",Meiryo,sans-serif;margin:2em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #999}
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:.9em}
th,td{border:1px solid #888;padding:.25em .5em}th{background:#eef}td.n{text-align:right}
p.unit{font-size:.85em;color:#555;margin:.2em 0}svg text{font-size:12px}
"""


def _percent(part: int, whole: int) -> str:
    """Share to one decimal place with integer arithmetic (half up)."""
    if whole <= 0:
        return "0.0%"
    tenths = (part * 1000 + whole // 2) // whole
    return f"{tenths // 10}.{tenths % 10}%"


def bar_chart_svg(title: str, labels: Sequence[str], values: Sequence[int], unit: str) -> str:
    """A horizontal bar chart as an inline ``<svg>`` element (role=img, with <title>)."""
    label_w, bar_w, value_w, row_h, top = 210, 420, 130, 24, 30
    width = label_w + bar_w + value_w
    height = top + row_h * len(values) + 10
    peak = max(values, default=0)
    total = sum(values)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="18" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * row_h
        length = 0 if peak <= 0 else (value * bar_w) // peak
        colour = _BAR_COLOURS[i % 2]
        parts += [
            f'<text x="{label_w - 6}" y="{y + 16}" text-anchor="end">{escape(label)}</text>',
            f'<rect x="{label_w}" y="{y + 3}" width="{length}" height="{row_h - 6}" fill="{colour}">'
            f"<title>{escape(label)}: {value:,}{escape(unit)}</title></rect>",
            f'<text x="{label_w + length + 4}" y="{y + 16}">{value:,}{escape(unit)}'
            f"（{_percent(value, total)}）</text>",
        ]
    parts.append("</svg>")
    return "\n".join(parts)


def _table_html(shape: TableShape) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in shape.headers)
    body = []
    for row in shape.rows:
        cells = "".join(
            f'<td class="n">{v:,}</td>' if isinstance(v, int) else f"<td>{escape(v)}</td>" for v in row
        )
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<h2>{escape(shape.title)}</h2>\n<p class="unit">{escape(shape.unit)}</p>\n'
        f"<table><thead><tr>{head}</tr></thead><tbody>\n" + "\n".join(body) + "\n</tbody></table>"
    )


def render_html(survey: Survey) -> str:
    year = era_fiscal_year(survey.fiscal_year)
    band_chart = bar_chart_svg(
        "課税標準額段階別 所得割納税義務者数（特別区民税）",
        [r.label for r in survey.bands.rows],
        [r.taxpayers for r in survey.bands.rows],
        "人",
    )
    section = survey.table2.municipal
    class_chart = bar_chart_svg(
        "所得者区分別 納税義務者数（特別区民税）",
        [r.income_class for r in section.rows],
        [r.taxpayers for r in section.rows],
        "人",
    )
    rec = survey.reconciliation
    status = "すべて一致" if rec.ok else "不一致あり"
    tables = "\n".join(_table_html(shape) for shape in shapes(survey))
    return f"""<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<title>市町村税課税状況等の調（個人住民税）{escape(year)}</title>
<style>{_CSS}</style>
</head>
<body>
<h1>市町村税課税状況等の調（個人住民税：特別区民税・都民税）{escape(year)}</h1>
<p>課税台帳の読取りモデルから集計。賦課期日（1月1日）現在の納税義務者。非課税者は集計に含めない。
金額は千円単位（千円未満四捨五入、各欄の円単位合計から端数処理）。課税台帳との照合：{escape(status)}
（税額合計 {rec.total_tax:,}円）。</p>
<h2>課税標準額段階別の分布</h2>
{band_chart}
<h2>所得者区分の構成</h2>
{class_chart}
{tables}
</body>
</html>
"""
