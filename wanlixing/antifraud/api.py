"""Anti-fraud API: checker, loan-rate calculator, fundraising checklist, drills, reports."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Body, Router, Schema, Status
from ninja.errors import HttpError

from wanlixing.accounts.regions import region_is_valid
from wanlixing.accounts.selectors import user_is_platform_admin
from wanlixing.core.api import AUTH, AUTH_OPTIONAL, ApiError
from wanlixing.lib.throttle import client_address, throttle_hit

from . import presenters
from .drills import DrillError, drill_begin, drill_choose, drill_ending, drill_max_points
from .fundraising import checklist, checklist_evaluate
from .loan import LoanInputError
from .models import Drill, ReportChannel, ReportStatus
from .scam.checker import MAX_CHARS, CheckInputError
from .selectors import (
    emerging_scripts,
    report_get_for_reviewer,
    reports_for_reviewer,
    review_org_ids,
)
from .services import (
    drill_complete,
    loan_rate_assess,
    scam_check_text,
    scam_report_review,
    scam_report_submit,
)

router = Router(tags=["antifraud"])


class CheckIn(Schema):
    text: str


class ReportIn(Schema):
    text: str
    consent: bool = False
    channel: str = "sms"
    sender: str = ""
    contact: str = ""
    region_code: str = ""


class ReviewIn(Schema):
    status: str
    note: str = ""


class FundraisingIn(Schema):
    answers: dict[str, str]


class DrillPlayIn(Schema):
    choices: list[int] = []


def _throttle(request: HttpRequest, scope: str, limit: int, window: int) -> None:
    if throttle_hit(scope, client_address(request), limit=limit, window_seconds=window):
        raise ApiError(429, "too_many_requests", "请求过于频繁，请稍后再试。")


def _check_error(exc: CheckInputError) -> ApiError:
    status = 413 if exc.code == "too_long" else 400
    return ApiError(status, exc.code, exc.message)


@router.post("/check", auth=AUTH_OPTIONAL, summary="检查一段短信、聊天或通话文字（不保存）")
def check(request: HttpRequest, payload: CheckIn) -> dict[str, Any]:
    _throttle(request, "antifraud-check", 120, 60)
    try:
        result = scam_check_text(text=payload.text)
    except CheckInputError as exc:
        raise _check_error(exc) from exc
    return presenters.check_result(result)


@router.post("/loan-rate", auth=AUTH_OPTIONAL, summary="贷款真实年化利率（IRR 法）")
def loan_rate(request: HttpRequest, payload: dict[str, Any] = Body(...)) -> dict[str, Any]:  # noqa: B008
    try:
        return loan_rate_assess(payload)
    except LoanInputError as exc:
        raise ApiError(400, "invalid_loan", exc.message, {"field": exc.field}) from exc


@router.get("/fundraising", auth=AUTH_OPTIONAL, summary="非法集资自查清单")
def fundraising_checklist(request: HttpRequest) -> dict[str, Any]:
    return checklist()


@router.post("/fundraising", auth=AUTH_OPTIONAL, summary="非法集资自查：提交回答")
def fundraising_evaluate(request: HttpRequest, payload: FundraisingIn) -> dict[str, Any]:
    result = checklist_evaluate(payload.answers)
    return {
        "level": result["verdict"]["level"],
        "title": result["verdict"]["title"],
        "text": result["verdict"]["text"],
        "matched": [f["code"] for f in result["matched"]],
        "signals": [s["code"] for s in result["signals"]],
        "unanswered": result["unanswered"],
    }


@router.get("/drills", auth=AUTH_OPTIONAL, summary="模拟演练列表")
def drill_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "slug": d.slug,
            "title": d.title,
            "version": d.version,
            "fraud_type": d.fraud_type,
            "difficulty": d.difficulty,
            "max_score": drill_max_points(d.data),
        }
        for d in Drill.objects.filter(is_active=True)
    ]


@router.post("/drills/{slug}/play", auth=AUTH_OPTIONAL, summary="按选择顺序推进演练")
def drill_play(request: HttpRequest, slug: str, payload: DrillPlayIn) -> dict[str, Any]:
    """Stateless: send every choice index made so far; get the conversation and the next
    choices, or the debrief (points are awarded once to a signed-in user)."""
    drill = get_object_or_404(Drill, slug=slug, is_active=True)
    state = drill_begin(drill.data)
    if len(payload.choices) > 100:
        raise ApiError(400, "too_many_choices", "选择次数过多。")
    try:
        for index in payload.choices:
            if drill_ending(drill.data, state) is not None:
                raise DrillError(["演练已经结束。"])
            drill_choose(drill.data, state, index)
    except DrillError as exc:
        raise ApiError(400, "invalid_choice", exc.problems[0]) from exc
    node = drill.data["nodes"][state.node]
    out: dict[str, Any] = {
        "slug": drill.slug,
        "version": drill.version,
        "title": drill.title,
        "intro": drill.data.get("intro", ""),
        "transcript": state.transcript,
        "choices": [c["text"] for c in node.get("choices") or []],
        "ending": node.get("ending"),
        "debrief": None,
    }
    if node.get("ending"):
        out["debrief"] = drill_complete(user=request.user, drill=drill, state=state)
    return out


@router.post("/reports", auth=AUTH_OPTIONAL, response={201: dict}, summary="我要举报")
def report_create(request: HttpRequest, payload: ReportIn) -> Status:
    if not payload.consent:
        raise ApiError(400, "consent_required", "提交举报需要您明确同意（consent: true）。")
    if payload.channel not in ReportChannel.values:
        raise ApiError(400, "invalid_channel", "来源渠道只能是 sms、chat、call 或 other。")
    if payload.region_code and not region_is_valid(payload.region_code):
        raise ApiError(400, "invalid_region", "地区代码无效。")
    if len(payload.text) > MAX_CHARS:
        raise ApiError(413, "too_long", f"内容太长了，最多 {MAX_CHARS} 字。")
    _throttle(request, "antifraud-report", 10, 3600)
    try:
        report = scam_report_submit(
            text=payload.text,
            consent=True,
            channel=payload.channel,
            sender=payload.sender,
            contact=payload.contact,
            region_code=payload.region_code,
            user=request.user,  # type: ignore[arg-type]
        )
    except CheckInputError as exc:
        raise _check_error(exc) from exc
    return Status(201, {"id": report.pk, "status": report.status})


@router.get("/reports", auth=AUTH, summary="举报审核队列（公安、监管部门及平台）")
def report_queue(
    request: HttpRequest, status: str = "new", limit: int = 50
) -> list[dict[str, Any]]:
    qs = reports_for_reviewer(user=request.user)
    if status:
        qs = qs.filter(status=status)
    return [
        {
            "id": r.pk,
            "text": r.text,
            "channel": r.channel,
            "risk": r.risk,
            "fraud_type": r.fraud_type or None,
            "flags": r.flags,
            "status": r.status,
            "created_at": r.created_at.isoformat(),
        }
        for r in qs[: max(1, min(limit, 200))]
    ]


@router.post("/reports/{report_id}/review", auth=AUTH, summary="审核一条举报")
def report_review(request: HttpRequest, report_id: int, payload: ReviewIn) -> dict[str, Any]:
    report = report_get_for_reviewer(user=request.user, report_id=report_id)
    if payload.status not in ReportStatus.values:
        raise ApiError(400, "invalid_status", "状态只能是 new、confirmed、rejected 或 duplicate。")
    scam_report_review(report=report, user=request.user, status=payload.status, note=payload.note)  # type: ignore[arg-type]
    return {"id": report.pk, "status": report.status}


@router.get("/emerging", auth=AUTH, summary="近期举报聚类出的新话术")
def emerging(request: HttpRequest, days: int = 7) -> list[dict[str, Any]]:
    if not (user_is_platform_admin(request.user) or review_org_ids(request.user)):
        raise PermissionDenied
    if not 1 <= days <= 365:
        raise HttpError(400, "days")
    return [
        {
            "label": s.label,
            "size": s.size,
            "fraud_type": s.fraud_type or None,
            "examples": s.examples,
            "first_seen": s.first_seen.isoformat(),
            "last_seen": s.last_seen.isoformat(),
        }
        for s in emerging_scripts(days=days)
    ]
