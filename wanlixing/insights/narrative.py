"""The report's Chinese narrative, drafted only from the computed figures.

Claims follow the numbers: a change is called significant only when p < 0.05;
otherwise the text says it was not statistically significant. Suppressed figures
("<5") are never put into sentences.
"""

from __future__ import annotations

from typing import Any

METHODS = [
    "覆盖人次 = 现场签到人次 + 线上参与人次 + 流动服务车服务人次；同一人参加多场活动计多人次。"
    "覆盖人数按参与者去重（同一手机号或账号只计一人；未留信息的现场加入者各计一人）。"
    "线上观看次数单独统计，不计入人次。",
    "知识测试采用平行试卷：活动前做A卷（前测），活动后做B卷（后测），得分0–100。"
    "同一参与码的前测与后测配对，计算提升（后测 − 前测）的均值、95%置信区间（t分布）、"
    "配对t检验与Wilcoxon符号秩检验的p值，效应量为配对Cohen's d（提升均值 ÷ 提升的标准差）。",
    "当配对样本不足5人、但前测和后测各有5人以上时，改用非配对比较：Welch t检验与Hedges' g，"
    "此时前后测可能来自不同的人，结论较弱。",
    "回访（约活动后30天）中的行为改变和风险规避比例给出Wilson 95%置信区间；满意度为1–5分，"
    "“满意率”指打4分或5分的比例。",
    "p < 0.05 时称变化“具有统计学意义”。统计检验说明的是变化不太可能来自偶然，"
    "并不单独证明变化由活动引起（没有对照组）。",
    "人均成本 = 所选活动费用合计 ÷ 覆盖人数；每提升1分的人均成本 = 人均成本 ÷ 平均提升分数。"
    "按人群筛选时，每场活动费用按到场人数分摊给各人群。",
    "为保护个人隐私，不足5人的单元格显示为“<5”，不足5人的统计量不予计算；"
    "导出和报告只含参与码，不含姓名和手机号。",
]


def _num(value: Any, digits: int = 1) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def _p(p: float | None) -> str:
    if p is None:
        return ""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def narrative_draft(campaign_name: str, figures: dict[str, Any]) -> list[str]:
    """Paragraphs of the 活动总结报告, from the figures alone."""
    events = figures["events"]
    reach = figures["reach"]
    paragraphs = []
    opening = (
        f"{campaign_name}累计开展活动 {_num(events['total'])} 场"
        f"（其中线上 {_num(events['online'])} 场），覆盖 {_num(reach['person_times'])} 人次"
    )
    if isinstance(reach["unique_people"], int):
        opening += f"，服务 {_num(reach['unique_people'])} 人"
    opening += "。"
    if reach["online_views"]:
        opening += f"线上活动累计观看 {_num(reach['online_views'])} 次。"
    if events["mobile_service_visits"]:
        opening += (
            f"流动服务车停靠 {_num(events['mobile_service_visits'])} 站次，"
            f"服务 {_num(reach['mobile_service_person_times'])} 人次。"
        )
    paragraphs.append(opening)

    audiences = [a for a in figures["audiences"] if isinstance(a["share"], float)]
    if audiences:
        top = sorted(audiences, key=lambda a: -a["share"])[:3]
        parts = "、".join(f"{a['label']}（{a['share'] * 100:.1f}%）" for a in top)
        paragraphs.append(f"参与者中占比最高的人群为{parts}。")

    gain = figures["knowledge_gain"]
    if gain["method"] == "paired":
        low, high = gain["ci95"]
        text = (
            f"知识测试平均分由 {_num(gain['mean_pre'])} 分提升至 {_num(gain['mean_post'])} 分"
            f"（提升 {_num(gain['mean_diff'])} 分，95%置信区间 {_num(low)}–{_num(high)} 分，"
            f"配对样本 {_num(gain['n_paired'])} 人，效应量 d = {_num(gain['effect_size_d'], 2)}）。"
        )
        if gain["significant"]:
            text += f"提升具有统计学意义（配对t检验 {_p(gain['p_value'])}"
            if gain.get("wilcoxon_p_value") is not None:
                text += f"，Wilcoxon符号秩检验 {_p(gain['wilcoxon_p_value'])}"
            text += "）。"
        else:
            text += f"这一变化没有统计学意义（{_p(gain['p_value'])}），不能排除偶然波动。"
        paragraphs.append(text)
    elif gain["method"] == "unpaired":
        unpaired = gain["unpaired"]
        text = (
            f"由于前测与后测无法按参与码配对，采用非配对比较：前测平均 "
            f"{_num(unpaired['mean_pre'])} 分（{_num(unpaired['n_pre'])} 人），后测平均 "
            f"{_num(unpaired['mean_post'])} 分（{_num(unpaired['n_post'])} 人），"
            f"差值 {_num(unpaired['mean_diff'])} 分。"
        )
        if gain["significant"]:
            text += f"差异具有统计学意义（Welch t检验 {_p(unpaired['p_value'])}）。"
        else:
            text += f"差异没有统计学意义（{_p(unpaired['p_value'])}）。"
        paragraphs.append(text)
    else:
        paragraphs.append("知识测试的有效样本不足5人，本报告不给出知识提升结论。")

    sat = figures["satisfaction"]
    if isinstance(sat.get("n"), int) and sat.get("mean") is not None:
        paragraphs.append(
            f"满意度调查 {_num(sat['n'])} 份，平均 {_num(sat['mean'], 2)} 分（满分5分），"
            f"满意率 {sat['satisfied_rate'] * 100:.1f}%。"
        )
    rates = [r for r in figures["followup"]["behaviour"] + figures["followup"]["risk"]
             if r["rate"] is not None]  # fmt: skip
    if rates:
        parts = "；".join(
            f"{r['label']} {r['rate'] * 100:.1f}%（95%置信区间 {r['ci95'][0] * 100:.1f}%–"
            f"{r['ci95'][1] * 100:.1f}%，{_num(r['n'])} 人回答）"
            for r in rates
        )
        paragraphs.append(f"活动后约30天回访显示：{parts}。")
    cost = figures["cost"]
    if cost["per_participant"] is not None:
        text = (
            f"活动费用合计 {_num(cost['total'], 2)} 元，人均 {_num(cost['per_participant'], 2)} 元"
        )
        if cost["per_knowledge_point"] is not None:
            text += f"，知识测试每提升1分的人均成本约 {_num(cost['per_knowledge_point'], 2)} 元"
        paragraphs.append(text + "。")
    return paragraphs
