"""The campaign report as a standalone HTML page (tables, SVG charts, methodology)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from .charts import chart_svg, report_charts
from .tables import report_tables


def report_html(data: dict[str, Any]) -> str:
    charts = [
        {"title": spec.title, "svg": mark_safe(chart_svg(spec))}  # noqa: S308 (our own SVG)
        for spec in report_charts(data)
    ]
    tables = [
        {"name": name, "header": header, "rows": rows}
        for name, header, rows in report_tables(data)
        if rows
    ]
    return render_to_string(
        "insights/report.html", {"data": data, "charts": charts, "tables": tables}
    )
