"""The campaign report as a PDF (reportlab), Chinese set in the shipped Noto Sans SC."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from .charts import chart_drawing, report_charts
from .fonts import cjk_font_for
from .tables import report_tables


def _title(data: dict[str, Any]) -> str:
    return f"{data['campaign']['name']} 活动总结报告"


def report_pdf(data: dict[str, Any]) -> bytes:
    title = _title(data)
    charts = report_charts(data)
    tables = report_tables(data)
    meta = (
        f"活动时间：{data['campaign']['starts_on']} 至 {data['campaign']['ends_on']}　"
        f"主办：{'、'.join(data['campaign']['organisations'])}　生成时间：{data['generated_at']}"
    )
    texts = [title, meta, "报告摘要统计方法说明", *data["narrative"], *data["methods"]]
    texts += [c.texts() for c in charts]
    for name, header, rows in tables:
        texts.append(name + "".join(header) + "".join("".join(r) for r in rows))
    font = cjk_font_for("".join(texts))

    h1 = ParagraphStyle("h1", fontName=font, fontSize=18, leading=26, spaceAfter=6)
    h2 = ParagraphStyle("h2", fontName=font, fontSize=13, leading=20, spaceBefore=10, spaceAfter=4)
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=17, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=13,
                           textColor=colors.HexColor("#4a4a55"))  # fmt: skip
    cell = ParagraphStyle("cell", parent=body, fontSize=8.5, leading=12)

    story: list[Any] = [Paragraph(escape(title), h1), Paragraph(escape(meta), small), Spacer(1, 4)]
    story.append(Paragraph("报告摘要", h2))
    story += [Paragraph(escape(p), body) for p in data["narrative"]]
    for spec in charts:
        story.append(Spacer(1, 6))
        story.append(KeepTogether([chart_drawing(spec, font)]))
    for name, header, rows in tables:
        if not rows:
            continue
        table = Table(
            [[Paragraph(escape(h), cell) for h in header]]
            + [[Paragraph(escape(v), cell) for v in row] for row in rows],
            repeatRows=1,
            hAlign="LEFT",
        )
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#d6d3cc")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0eee9")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story += [Paragraph(escape(name), h2), table]
    story.append(Paragraph("统计方法说明", h2))
    story += [Paragraph(escape(f"{i}. {m}"), small) for i, m in enumerate(data["methods"], 1)]

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author="万里行",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    )

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(colors.HexColor("#4a4a55"))
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"{document.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
