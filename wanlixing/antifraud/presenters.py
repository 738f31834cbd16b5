"""Turn checker and calculator results into what pages and the API show."""

from __future__ import annotations

from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models import FRAUD_TYPE_NAMES
from .scam.checker import CheckResult
from .selectors import articles_for_fraud_type

VERDICT_LABELS = {"fraud": "高风险", "suspicious": "可疑", "safe": "未见明显风险"}
VERDICT_LEVELS = {"fraud": "high", "suspicious": "medium", "safe": "low"}
ENDING_LABELS = {"safe": "安全脱身", "partial": "部分受骗", "scammed": "被骗了"}
ENTITY_KINDS = {"link": "链接", "phone": "电话号码", "account": "账号", "amount": "金额"}
GENERAL_ADVICE = [
    "三不一多：未知链接不点击、陌生来电不轻信、个人信息不透露、转账汇款多核实。",
    "拿不准的，拨打 96110 反诈专线咨询；接到 96110 的来电请一定接听。",
    "已经转账或正在被要求转账，立即拨打 110 报警，并打银行客服电话请求紧急止付。",
    "可以在国家反诈中心 App 里举报，或在本页“我要举报”。",
]


def highlight_segments(text: str, spans: list[tuple[int, int, str]]) -> list[dict[str, Any]]:
    """Split text into plain and marked pieces; overlapping spans merge."""
    merged: list[list[Any]] = []
    for start, end, name in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            if name not in merged[-1][2]:
                merged[-1][2].append(name)
        else:
            merged.append([start, end, [name]])
    pieces: list[dict[str, Any]] = []
    pos = 0
    for start, end, names in merged:
        if start > pos:
            pieces.append({"text": text[pos:start], "flags": []})
        pieces.append({"text": text[start:end], "flags": names})
        pos = end
    if pos < len(text):
        pieces.append({"text": text[pos:], "flags": []})
    return pieces


def check_result(result: CheckResult, *, with_articles: bool = True) -> dict[str, Any]:
    text = result.text
    flags: dict[str, dict[str, Any]] = {}
    for signal in result.signals:
        entry = flags.setdefault(
            signal.flag,
            {
                "flag": signal.flag,
                "name": signal.name,
                "kind": signal.kind,
                "weight": signal.weight,
                "explanation": signal.explanation,
                "advice": signal.advice,
                "excerpts": [],
                "spans": [],
            },
        )
        excerpt = text[signal.span[0] : signal.span[1]]
        if excerpt not in entry["excerpts"]:
            entry["excerpts"].append(excerpt)
        entry["spans"].append(list(signal.span))
    articles = (
        articles_for_fraud_type(result.fraud_type)
        if with_articles and result.verdict != "safe"
        else []
    )
    return {
        "verdict": result.verdict,
        "verdict_label": VERDICT_LABELS[result.verdict],
        "level": VERDICT_LEVELS[result.verdict],
        "risk": round(result.risk, 4),
        "risk_percent": round(result.risk * 100),
        "fraud_type": result.fraud_type,
        "fraud_type_name": str(FRAUD_TYPE_NAMES.get(result.fraud_type or "", "")) or None,
        "signals": sorted(flags.values(), key=lambda f: -f["weight"]),
        "segments": highlight_segments(
            text, [(s.span[0], s.span[1], s.name) for s in result.signals]
        ),
        "entities": [
            {
                "kind": e.kind,
                "kind_name": ENTITY_KINDS[e.kind],
                "value": text[e.span[0] : e.span[1]],
                "span": list(e.span),
                "flags": [{"code": f.code, "name": str(f.name)} for f in e.flags],
            }
            for e in result.entities
        ],
        "advice": GENERAL_ADVICE,
        "articles": [
            {"title": a.title, "url": a.get_absolute_url(), "kind": a.kind} for a in articles
        ],
        "note": result.note,
        "model_probability": None
        if result.model_probability is None
        else round(result.model_probability, 4),
        "rule_probability": round(result.rule_probability, 4),
    }


def schedule_chart(
    schedule: list[dict[str, Any]], *, width: int = 640, height: int = 220
) -> SafeString:
    """A stacked bar chart (principal / interest / fee per period) as inline SVG."""
    rows = schedule[:120]
    if not rows:
        return mark_safe("")
    top = max((r["payment"] for r in rows), default=0) or 1.0
    pad_left, pad_bottom, pad_top = 56, 28, 10
    inner_w = width - pad_left - 8
    inner_h = height - pad_bottom - pad_top
    bar_w = inner_w / len(rows)
    parts = [
        f'<svg class="loan-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="loan-chart-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="loan-chart-title">{escape(_("每期还款构成：本金、利息、费用"))}</title>',
        f'<line x1="{pad_left}" y1="{pad_top + inner_h}" x2="{width - 8}" '
        f'y2="{pad_top + inner_h}" class="axis"/>',
        f'<text x="{pad_left - 6}" y="{pad_top + 10}" text-anchor="end" '
        f'class="tick">{top:,.0f}</text>',
        f'<text x="{pad_left - 6}" y="{pad_top + inner_h}" text-anchor="end" class="tick">0</text>',
    ]
    for i, row in enumerate(rows):
        x = pad_left + i * bar_w + bar_w * 0.1
        w = max(bar_w * 0.8, 1)
        y = float(pad_top + inner_h)
        for key, css in (("principal", "p"), ("interest", "i"), ("fee", "f")):
            value = max(0.0, float(row.get(key) or 0))
            if key == "principal" and not any(row.get(k) for k in ("principal", "interest", "fee")):
                value = float(row["payment"])
            h = inner_h * value / top
            if h <= 0:
                continue
            y -= h
            parts.append(
                f'<rect class="{css}" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}"/>'
            )
    label_every = max(1, len(rows) // 12)
    for i in range(0, len(rows), label_every):
        x = pad_left + (i + 0.5) * bar_w
        parts.append(
            f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" '
            f'class="tick">{rows[i]["period"]}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (numbers and escaped text only)
