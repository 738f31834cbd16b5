"""Charts of a report as reportlab drawings: embedded in the PDF, rendered to SVG for HTML."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

BRAND = colors.HexColor("#b3261e")
MUTED = colors.HexColor("#4a4a55")


@dataclass
class ChartSpec:
    title: str
    labels: list[str]
    values: list[float]
    unit: str = ""
    percent: bool = False

    def texts(self) -> str:
        return self.title + "".join(self.labels) + self.unit


def report_charts(data: dict[str, Any]) -> list[ChartSpec]:
    """The charts a report shows, from its figures (suppressed cells are left out)."""
    charts: list[ChartSpec] = []
    kinds = data["events"]["by_kind"]
    if kinds:
        charts.append(
            ChartSpec(
                "各类活动场次", [k["label"] for k in kinds], [k["events"] for k in kinds], "场"
            )
        )
    audiences = [a for a in data["audiences"] if isinstance(a["person_times"], int)]
    if audiences:
        charts.append(
            ChartSpec(
                "各人群参与人次",
                [a["label"] for a in audiences],
                [a["person_times"] for a in audiences],
                "人次",
            )
        )
    gain = data["knowledge_gain"]
    if gain["mean_pre"] is not None and gain["mean_post"] is not None:
        charts.append(
            ChartSpec(
                "知识测试平均分", ["前测", "后测"], [gain["mean_pre"], gain["mean_post"]], "分"
            )
        )
    rates = [
        r for r in data["followup"]["behaviour"] + data["followup"]["risk"] if r["rate"] is not None
    ]
    if rates:
        charts.append(
            ChartSpec(
                "回访：行为改变与风险规避",
                [r["label"] for r in rates],
                [round(r["rate"] * 100, 1) for r in rates],
                "%",
                percent=True,
            )
        )
    return charts


def chart_drawing(spec: ChartSpec, font: str, width: float = 440) -> Drawing:
    rows = len(spec.labels)
    bar_area = max(40, rows * 22)
    height = bar_area + 50
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 16, spec.title, fontName=font, fontSize=11, fillColor=MUTED))
    chart = HorizontalBarChart()
    chart.x = 150
    chart.y = 10
    chart.width = width - 210
    chart.height = bar_area
    chart.data = [list(reversed(spec.values))]
    chart.bars[0].fillColor = BRAND
    chart.bars[0].strokeColor = None
    chart.categoryAxis.categoryNames = list(reversed(spec.labels))
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 9
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin = 0
    top = max(spec.values) if spec.values else 1
    chart.valueAxis.valueMax = 100 if spec.percent else top * 1.15 or 1
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 8
    chart.barLabelFormat = "%.1f%%" if spec.percent else "%g" + spec.unit.replace("%", "%%")
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 8
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def chart_svg(spec: ChartSpec) -> str:
    """An SVG of the chart for HTML reports (text measured with the shipped CJK font)."""
    from reportlab.graphics import renderSVG

    from .fonts import cjk_font_for

    svg = renderSVG.drawToString(chart_drawing(spec, cjk_font_for(spec.texts())))
    return svg[svg.index("<svg") :]
