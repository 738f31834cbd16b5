"""Writes and workflows of the anti-fraud tools."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from wanlixing.accounts.models import Organisation, User
from wanlixing.accounts.regions import region_ancestors
from wanlixing.content.models import Article, ArticleKind, ArticleStatus, Topic

from .drills import DrillError, DrillState, drill_debrief, drill_parse
from .loan import LoanResult, loan_rate
from .models import (
    FRAUD_TYPE_NAMES,
    Drill,
    EmergingScript,
    LprRate,
    RedFlag,
    ReportStatus,
    ScamReport,
)
from .scam.checker import CheckResult, scam_check, text_validate
from .scam.model import model_get
from .selectors import REVIEW_ORG_KINDS, civil_cap_on, lpr_on, redflag_ruleset

STARTER_DIR = Path(__file__).resolve().parent / "starter"

# FACTS.md §3.2, rows tagged SOLID: (effective date, 1-year LPR %, 5-year-plus LPR %).
LPR_STARTER = [
    ("2019-08-20", "4.25", "4.85"),
    ("2020-04-20", "3.85", "4.65"),
    ("2021-12-20", "3.80", "4.65"),
    ("2022-01-20", "3.70", "4.60"),
    ("2022-05-20", "3.70", "4.45"),
    ("2022-08-22", "3.65", "4.30"),
    ("2023-06-20", "3.55", "4.20"),
    ("2023-08-21", "3.45", "4.20"),
    ("2024-02-20", "3.45", "3.95"),
    ("2024-07-22", "3.35", "3.85"),
    ("2024-10-21", "3.10", "3.60"),
    ("2025-05-20", "3.00", "3.50"),
]
LPR_SOURCE = "全国银行间同业拆借中心公布的贷款市场报价利率（FACTS.md §3.2）"


# --- checker ---------------------------------------------------------------------------


def scam_check_text(*, text: Any) -> CheckResult:
    """Check a text with the current red flags and the shipped model. Stores nothing."""
    valid = text_validate(text)
    return scam_check(valid, rules=redflag_ruleset(), model=model_get())


# --- reports ---------------------------------------------------------------------------


def _report_organisation(region_code: str) -> Organisation | None:
    """The police (first) or regulator organisation of the nearest enclosing region."""
    if not region_code:
        return None
    codes = region_ancestors(region_code) or [region_code]  # county first
    for kind in REVIEW_ORG_KINDS:
        for code in codes:
            found = (
                Organisation.objects.filter(kind=kind, region_code=code, is_active=True)
                .order_by("pk")
                .first()
            )
            if found:
                return found
    return None


def scam_report_submit(
    *,
    text: str,
    consent: bool,
    channel: str = "sms",
    sender: str = "",
    contact: str = "",
    region_code: str = "",
    user: User | None = None,
) -> ScamReport:
    """Store a report the person chose to send (explicit consent required)."""
    if not consent:
        raise ValueError("consent required")
    result = scam_check_text(text=text)
    report = ScamReport.objects.create(
        text=text,
        channel=channel,
        sender=sender[:100],
        contact=contact[:100],
        region_code=region_code,
        consent_at=timezone.now(),
        reporter=user if user is not None and user.is_authenticated else None,
        organisation=_report_organisation(region_code),
        risk=round(result.risk, 4),
        verdict=result.verdict,
        fraud_type=result.fraud_type or "",
        flags=result.flags,
    )
    return report


def scam_report_review(
    *, report: ScamReport, user: User, status: str, note: str = ""
) -> ScamReport:
    if status not in ReportStatus.values:
        raise ValueError("unknown status")
    report.status = status
    report.review_note = note
    report.reviewed_by = user
    report.reviewed_at = timezone.now()
    report.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at"])
    return report


def reports_export_for_user(user: User) -> list[dict[str, Any]]:
    return [
        {
            "text": r.text,
            "channel": r.channel,
            "sender": r.sender,
            "contact": r.contact,
            "created_at": r.created_at.isoformat(),
            "status": r.status,
        }
        for r in ScamReport.objects.filter(reporter=user)
    ]


def reports_erase_for_user(user: User) -> None:
    """Reports stay as evidence of the scam, but no longer point to the person."""
    ScamReport.objects.filter(reporter=user).update(reporter=None, contact="")


# --- emerging scripts ------------------------------------------------------------------


def emerging_scripts_compute(
    *, days: int = 7, now: Any = None, max_reports: int = 5000
) -> list[EmergingScript]:
    """Cluster the last ``days`` of reports (TF-IDF + DBSCAN, cosine) into scripts.

    Rejected reports are left out. Each cluster of two or more reports becomes an
    EmergingScript with its size, top words, dominant fraud type and a few examples.
    """
    import numpy as np
    from sklearn.cluster import DBSCAN
    from sklearn.feature_extraction.text import TfidfVectorizer

    from .scam.model import tokens
    from .scam.normalize import normalize

    now = now or timezone.now()
    since = now - timedelta(days=days)
    reports = list(
        ScamReport.objects.filter(created_at__gte=since, created_at__lte=now)
        .exclude(status=ReportStatus.REJECTED)
        .order_by("-created_at")[:max_reports]
    )
    created: list[EmergingScript] = []
    if len(reports) < 2:
        return created
    docs = [
        [t for t in tokens(normalize(r.text).text) if t.startswith("w:") or len(t) == 3]
        for r in reports
    ]
    vectorizer = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=True, min_df=1)
    x = vectorizer.fit_transform(docs)
    labels = DBSCAN(eps=0.55, min_samples=2, metric="cosine").fit_predict(x)
    terms = np.array(vectorizer.get_feature_names_out())
    with transaction.atomic():
        for label in sorted(set(labels) - {-1}):
            members = [i for i, lab in enumerate(labels) if lab == label]
            centroid = np.asarray(x[members].mean(axis=0)).ravel()
            top = [t[2:] for t in terms[np.argsort(-centroid)] if t.startswith("w:")][:5]
            types = Counter(reports[i].fraud_type for i in members if reports[i].fraud_type)
            created_at = [reports[i].created_at for i in members]
            created.append(
                EmergingScript.objects.create(
                    computed_at=now,
                    window_days=days,
                    label="、".join(top)[:200],
                    size=len(members),
                    fraud_type=types.most_common(1)[0][0] if types else "",
                    report_ids=[reports[i].pk for i in members],
                    examples=[reports[i].text[:300] for i in members[:3]],
                    first_seen=min(created_at),
                    last_seen=max(created_at),
                )
            )
    return created


def emerging_script_to_case_draft(*, script: EmergingScript, user: User | None) -> Article:
    """Create a draft library case (kind "case") from a cluster, for editors to finish."""
    if script.article_id:
        return script.article  # type: ignore[return-value]
    topic = Topic.objects.get(slug="telecom-fraud")
    type_name = str(FRAUD_TYPE_NAMES.get(script.fraud_type, "电信网络诈骗"))
    base = slugify(f"emerging-{script.computed_at:%Y%m%d}-{script.pk}") or f"emerging-{script.pk}"
    slug = base
    n = 1
    while Article.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    reports = ScamReport.objects.filter(pk__in=script.report_ids)
    flags = Counter(code for r in reports for code in r.flags)
    names = dict(RedFlag.objects.filter(code__in=list(flags)).values_list("code", "name"))
    examples = "\n\n".join(f"> {e}" for e in script.examples)
    article = Article.objects.create(
        kind=ArticleKind.CASE,
        slug=slug[:80],
        title=f"新出现的{type_name}话术：{script.label}"[:120],
        summary=f"近{script.window_days}天收到{script.size}条相似举报。（草稿，待编辑完善）"[:300],
        body="",
        story=f"近{script.window_days}天，平台收到{script.size}条相似的可疑信息举报，例如：\n\n{examples}",
        red_flags=[names.get(code, code) for code, _n in flags.most_common(6)],
        what_to_do=[
            "不点击陌生链接，不透露验证码和银行卡信息",
            "拿不准时拨打 96110 咨询",
            "已经转账的，立即拨打 110 报警",
        ],
        source="万里行平台用户举报（经审核）",
        topic=topic,
        status=ArticleStatus.DRAFT,
        author=user,
    )
    script.article = article
    script.save(update_fields=["article"])
    return article


# --- loan rate ---------------------------------------------------------------------------


def loan_rate_assess(data: dict[str, Any]) -> dict[str, Any]:
    """The calculator's full answer: rates, schedule and the verdict against 4 × LPR."""
    result: LoanResult = loan_rate(data)
    out = result.as_dict()
    contract_day = None
    raw_day = data.get("contract_date")
    if raw_day:
        try:
            contract_day = date.fromisoformat(str(raw_day))
        except ValueError:
            from .loan import LoanInputError

            raise LoanInputError("合同日期无效（格式：2025-06-01）。", "contract_date") from None
    out["cap"] = loan_cap_verdict(result.apr_effective, result.apr_nominal, contract_day)
    return out


def loan_cap_verdict(apr_effective: float, apr_nominal: float, day: date | None) -> dict[str, Any]:
    day = day or timezone.localdate()
    rate = lpr_on(day)
    cap = civil_cap_on(day)
    pct = apr_nominal * 100
    lines: list[str] = []
    exceeds = None
    if cap is None or rate is None:
        lines.append(
            "合同日期早于2019年8月20日（第一次LPR报价），本工具不判断当时的民间借贷利率上限。"
        )
    else:
        cap_f = float(cap)
        exceeds = pct > cap_f + 1e-9
        if exceeds:
            lines.append(
                f"真实年化利率约 {pct:.2f}%，高于合同成立时一年期LPR（{rate.one_year}%）的4倍，"
                f"即 {cap_f:.1f}%。如果这是民间借贷（个人之间或非持牌机构出借），"
                "超过这条线的利息，法院不予支持。"
            )
        else:
            lines.append(
                f"真实年化利率约 {pct:.2f}%，没有超过合同成立时一年期LPR（{rate.one_year}%）的4倍，"
                f"即 {cap_f:.1f}%。"
            )
    lines.append(
        "注意：4倍LPR是法院审理民间借贷时的上限，银行、消费金融公司、小额贷款公司等持牌机构"
        "不适用这一规定，但它们也必须明示年化利率、把各种费用算进去。"
    )
    lines.append(
        "过去“24%、36%两线三区”的说法已于2020年被取代，不要再把24%当作上限。"
        "36%是办理“非法放贷”刑事案件时的门槛，针对的是职业放贷人，"
        "并不是说“36%以下就合法”。"
    )
    if apr_effective - apr_nominal > 0.005:
        lines.append(
            f"按复利（IRR）计算的实际年化约 {apr_effective * 100:.2f}%；"
            f"机构按单利标注时应写明“单利”。"
        )
    return {
        "contract_date": day.isoformat(),
        "lpr_one_year": None if rate is None else float(rate.one_year) / 100,
        "lpr_effective_date": None if rate is None else rate.effective_date.isoformat(),
        "civil_cap": None if cap is None else float(cap) / 100,
        "exceeds_civil_cap": exceeds,
        "above_36": pct > 36,
        "explanation": lines,
    }


# --- drills ----------------------------------------------------------------------------


def drill_save_source(*, drill: Drill | None, source_yaml: str) -> Drill:
    """Validate YAML and store it; the version goes up whenever the content changes."""
    data = drill_parse(source_yaml)
    if drill is None:
        drill = Drill.objects.filter(slug=data["slug"]).first() or Drill(slug=data["slug"])
    if drill.pk and drill.slug != data["slug"]:
        raise DrillError(["不能修改已有演练的代码（slug）。"])

    def content(d: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in d.items() if k != "version"}

    changed = content(drill.data or {}) != content(data)
    if drill.pk and int(data["version"]) <= drill.version:
        data["version"] = drill.version + 1 if changed else drill.version
    drill.version = int(data["version"])
    drill.title = str(data["title"])[:120]
    drill.fraud_type = data["fraud_type"]
    drill.difficulty = int(data.get("difficulty") or 1)
    drill.source_yaml = source_yaml
    drill.data = data
    drill.save()
    return drill


def drill_complete(*, user: Any, drill: Drill, state: DrillState) -> dict[str, Any]:
    """Debrief a finished run and award its score once (``drill:<slug>``)."""
    from wanlixing.rewards.services import points_award

    debrief = drill_debrief(drill.data, state)
    debrief["awarded"] = None
    if user is not None and getattr(user, "is_authenticated", False) and state.score > 0:
        entry = points_award(
            user=user,
            activity=f"drill:{drill.slug}",
            points=state.score,
            reason=f"防诈模拟演练：{drill.title}"[:200],
        )
        debrief["awarded"] = entry.points if entry else None
    return debrief


# --- starter data ----------------------------------------------------------------------


def starter_redflags_load() -> int:
    data = yaml.safe_load((STARTER_DIR / "redflags.yaml").read_text(encoding="utf-8")) or []
    n = 0
    for item in data:
        RedFlag.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                "weight": float(item["weight"]),
                "fraud_types": list(item.get("fraud_types") or []),
                "patterns": list(item["patterns"]),
                "negative_patterns": list(item.get("negative_patterns") or []),
                "explanation": item.get("explanation", ""),
                "advice": item.get("advice", ""),
                "source": str(item.get("source", ""))[:300],
            },
        )
        n += 1
    return n


def starter_drills_load() -> int:
    n = 0
    for path in sorted((STARTER_DIR / "drills").glob("*.yaml")):
        source = path.read_text(encoding="utf-8")
        data = drill_parse(source)
        existing = Drill.objects.filter(slug=data["slug"]).first()
        if existing and existing.version >= int(data["version"]):
            continue  # an editor's newer version wins
        drill_save_source(drill=existing, source_yaml=source)
        n += 1
    return n


def starter_lpr_load() -> int:
    for day, one, five in LPR_STARTER:
        LprRate.objects.get_or_create(
            effective_date=date.fromisoformat(day),
            defaults={"one_year": Decimal(one), "five_year": Decimal(five), "source": LPR_SOURCE},
        )
    return len(LPR_STARTER)


def text_snippet(text: str, limit: int = 60) -> str:
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
