"""The campaign report as an Excel workbook (openpyxl): summary, events, reach, …"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from wanlixing.accounts.regions import region_full_name
from wanlixing.outreach.models import Campaign, Event, EventKind, EventSetting

from ..statistics import suppress
from .tables import (
    audience_table,
    followup_table,
    knowledge_by_audience_table,
    knowledge_table,
    region_table,
    satisfaction_table,
    summary_table,
)

BOLD = Font(bold=True)


def _sheet(workbook: Workbook, title: str, blocks: list[tuple[str, list[str], list[list[str]]]]):
    sheet = workbook.create_sheet(title)
    for name, header, rows in blocks:
        sheet.append([name])
        sheet.cell(row=sheet.max_row, column=1).font = BOLD
        sheet.append(header)
        for cell in sheet[sheet.max_row]:
            cell.font = BOLD
        for row in rows:
            sheet.append(row)
        sheet.append([])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 22
    return sheet


def report_xlsx(data: dict[str, Any], *, campaign: Campaign) -> bytes:
    workbook = Workbook(write_only=False)
    workbook.remove(workbook.active)
    summary = _sheet(workbook, "summary 概览", [summary_table(data)])
    summary.append(["报告摘要"])
    for paragraph in data["narrative"]:
        summary.append([paragraph])
    summary.append([])
    summary.append(["统计方法说明"])
    for method in data["methods"]:
        summary.append([method])

    events = workbook.create_sheet("events 活动")
    events.append(["活动", "开始时间", "形式", "场景", "地区", "城镇/农村", "报名人数",
                   "到场/参与人数", "线上观看", "发放资料", "费用（元）"])  # fmt: skip
    for cell in events[1]:
        cell.font = BOLD
    kinds, settings = dict(EventKind.choices), dict(EventSetting.choices)
    qs = Event.objects.filter(campaign=campaign, is_cancelled=False)
    if data["scope"] is not None:
        qs = qs.filter(organisation_id__in=data["scope"])
    for row in qs.order_by("starts_at").values_list(
        "title", "starts_at", "kind", "setting", "region_code", "area_type",
        "registered_count", "attended_count", "online_views", "materials_handed_out", "cost",
    ).iterator(chunk_size=5000):  # fmt: skip
        title, starts, kind, setting, region, area, registered, attended, views, materials, cost = (
            row
        )
        events.append([
            title, starts.strftime("%Y-%m-%d %H:%M"), str(kinds.get(kind, kind)),
            str(settings.get(setting, setting)), region_full_name(region) or region,
            "农村" if area == "rural" else "城镇", suppress(registered), suppress(attended),
            views, materials, float(cost),
        ])  # fmt: skip
    events.column_dimensions["A"].width = 36

    _sheet(workbook, "reach 覆盖", [audience_table(data), _months_table(data)])
    _sheet(workbook, "knowledge gain 知识提升",
           [knowledge_table(data), knowledge_by_audience_table(data)])  # fmt: skip
    _sheet(workbook, "follow-up 回访", [followup_table(data), satisfaction_table(data)])
    _sheet(workbook, "regions 地区", [region_table(data)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _months_table(data: dict[str, Any]) -> tuple[str, list[str], list[list[Any]]]:
    return ("按月份", ["月份", "人次"], [[m["month"], m["person_times"]] for m in data["months"]])
