"""The tables of a report, as rows of text, shared by the PDF, HTML and XLSX renderers."""

from __future__ import annotations

from typing import Any


def fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def pct(value: Any) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def ci(pair: list[Any], percent: bool = False) -> str:
    if not pair or pair[0] is None:
        return "—"
    if percent:
        return f"{pair[0] * 100:.1f}%–{pair[1] * 100:.1f}%"
    return f"{pair[0]:.2f} – {pair[1]:.2f}"


def p_value(value: Any) -> str:
    if value is None:
        return "—"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


Table = tuple[str, list[str], list[list[str]]]


def summary_table(data: dict[str, Any]) -> Table:
    e, r, c = data["events"], data["reach"], data["cost"]
    rows = [
        ["活动场次", fmt(e["total"])],
        ["其中线上活动", fmt(e["online"])],
        ["覆盖人次（合计）", fmt(r["person_times"])],
        ["现场签到人次", fmt(r["onsite_person_times"])],
        ["线上参与人次", fmt(r["online_person_times"])],
        ["流动服务人次", fmt(r["mobile_service_person_times"])],
        ["覆盖人数（去重）", fmt(r["unique_people"])],
        ["线上观看次数", fmt(r["online_views"])],
        ["报名人数", fmt(r["registered"])],
        ["现场加入人数", fmt(r["walk_ins"])],
        ["发放资料（份）", fmt(e["materials_handed_out"])],
        ["活动费用（元）", fmt(c["total"])],
        ["人均成本（元）", fmt(c["per_participant"])],
        ["每提升1分的人均成本（元）", fmt(c["per_knowledge_point"])],
    ]
    return ("概览", ["指标", "数值"], rows)


def knowledge_table(data: dict[str, Any]) -> Table:
    g = data["knowledge_gain"]
    method = {"paired": "配对比较", "unpaired": "非配对比较（Welch）", "none": "样本不足"}
    rows = [
        ["分析方法", method.get(g["method"], g["method"])],
        ["配对样本（人）", fmt(g["n_paired"])],
        ["前测平均分", fmt(g["mean_pre"])],
        ["后测平均分", fmt(g["mean_post"])],
        ["平均提升（分）", fmt(g["mean_diff"])],
        ["95%置信区间", ci(g["ci95"])],
        ["效应量（Cohen's d）", fmt(g["effect_size_d"], 3)],
        ["配对t检验 p值", p_value(g["p_value"] if g["method"] == "paired" else None)],
        ["Wilcoxon符号秩检验 p值", p_value(g.get("wilcoxon_p_value"))],
        ["具有统计学意义（p < 0.05）", fmt(g["significant"])],
    ]
    unpaired = g.get("unpaired")
    if unpaired:
        rows += [
            [
                "非配对：前测人数 / 后测人数",
                f"{fmt(unpaired['n_pre'])} / {fmt(unpaired['n_post'])}",
            ],
            [
                "非配对：平均差值（95%CI）",
                f"{fmt(unpaired['mean_diff'])}（{ci(unpaired['ci95'])}）",
            ],
            ["非配对：Hedges' g", fmt(unpaired["effect_size_g"], 3)],
            ["非配对：Welch t检验 p值", p_value(unpaired["p_value"])],
        ]
    return ("知识测试前后对比", ["指标", "数值"], rows)


def knowledge_by_audience_table(data: dict[str, Any]) -> Table:
    rows = [
        [a["label"], fmt(a["n_paired"]), fmt(a.get("mean_pre")), fmt(a.get("mean_post")),
         fmt(a["mean_diff"]), ci(a["ci95"])]
        for a in data["knowledge_gain"]["by_audience"]
    ]  # fmt: skip
    return ("分人群知识提升", ["人群", "配对人数", "前测", "后测", "提升", "95%置信区间"], rows)


def audience_table(data: dict[str, Any]) -> Table:
    rows = [[a["label"], fmt(a["person_times"]), pct(a["share"])] for a in data["audiences"]]
    return ("参与者人群构成", ["人群", "人次", "占比"], rows)


def region_table(data: dict[str, Any]) -> Table:
    rows = [
        [r["name"], fmt(r["events"]), fmt(r["person_times"]), fmt(r["n_paired"]),
         fmt(r["mean_diff"])]
        for r in data["regions"]
    ]  # fmt: skip
    return ("分地区情况", ["地区", "活动场次", "人次", "配对人数", "平均提升"], rows)


def followup_table(data: dict[str, Any]) -> Table:
    group = {"behaviour": "行为改变", "risk": "风险规避"}
    rows = [
        [group[r["group"]], r["label"], fmt(r["n"]), pct(r["rate"]), ci(r["ci95"], percent=True)]
        for r in data["followup"]["behaviour"] + data["followup"]["risk"]
    ]
    return ("30天回访", ["类别", "指标", "回答人数", "比例", "95%置信区间（Wilson）"], rows)


def satisfaction_table(data: dict[str, Any]) -> Table:
    rows = []
    for item in data["satisfaction"]["items"]:
        if "mean" in item:
            rows.append([item["label"], fmt(item["n"]), fmt(item["mean"]),
                         pct(item["satisfied_rate"]), ci(item["ci95"], percent=True)])  # fmt: skip
        else:
            rows.append([item["label"], fmt(item["n"]), "—", pct(item["rate"]),
                         ci(item["ci95"], percent=True)])  # fmt: skip
    return ("满意度", ["题目", "回答人数", "平均分（1–5）", "满意率/比例", "95%置信区间"], rows)


def report_tables(data: dict[str, Any]) -> list[Table]:
    return [
        summary_table(data),
        knowledge_table(data),
        knowledge_by_audience_table(data),
        audience_table(data),
        region_table(data),
        satisfaction_table(data),
        followup_table(data),
    ]
