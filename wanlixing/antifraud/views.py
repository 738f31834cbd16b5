from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wanlixing.lib.throttle import client_address, throttle_hit

from . import presenters
from .drills import DrillError, DrillState, drill_begin, drill_choose, drill_ending
from .forms import CheckForm, LoanForm, ReportForm
from .fundraising import checklist, checklist_evaluate
from .loan import LoanInputError
from .models import Drill
from .scam.checker import CheckInputError
from .services import drill_complete, loan_rate_assess, scam_check_text, scam_report_submit


@require_GET
def hub(request: HttpRequest) -> HttpResponse:
    return render(request, "antifraud/hub.html")


@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    """The checker page. The text is checked in memory and never stored."""
    form = CheckForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        if throttle_hit("antifraud-check", client_address(request), limit=60, window_seconds=60):
            form.add_error(None, _("检查太频繁了，请一分钟后再试。"))
        else:
            try:
                result = presenters.check_result(scam_check_text(text=form.cleaned_data["text"]))
            except CheckInputError as exc:
                form.add_error("text", exc.message)
    status = 413 if "text" in form.errors and len(request.POST.get("text", "")) > 5000 else 200
    return render(request, "antifraud/check.html", {"form": form, "result": result}, status=status)


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """我要举报: stores a message only when the person explicitly agrees."""
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            if throttle_hit(
                "antifraud-report", client_address(request), limit=10, window_seconds=3600
            ):
                form.add_error(None, _("提交太频繁了，请稍后再试。"))
            else:
                try:
                    scam_report_submit(
                        text=form.cleaned_data["text"],
                        consent=form.cleaned_data["consent"],
                        channel=form.cleaned_data["channel"],
                        sender=form.cleaned_data["sender"],
                        contact=form.cleaned_data["contact"],
                        region_code=form.cleaned_data["region_code"],
                        user=request.user,  # type: ignore[arg-type]
                    )
                except CheckInputError as exc:
                    form.add_error("text", exc.message)
                else:
                    return render(request, "antifraud/report_done.html")
    else:
        form = ReportForm()
    return render(request, "antifraud/report.html", {"form": form})


@require_GET
def loan_rate(request: HttpRequest) -> HttpResponse:
    form = LoanForm(request.GET or None)
    result = None
    error = None
    if request.GET and form.is_valid():
        try:
            result = loan_rate_assess(form.loan_data())
        except LoanInputError as exc:
            error = exc.message
    context: dict[str, Any] = {"form": form, "result": result, "error": error}
    if result:
        result["apr_nominal_pct"] = f"{result['apr_nominal'] * 100:.2f}"
        result["apr_effective_pct"] = f"{result['apr_effective'] * 100:.2f}"
        context["chart"] = presenters.schedule_chart(result["schedule"])
    return render(request, "antifraud/loan_rate.html", context)


@require_GET
def fundraising(request: HttpRequest) -> HttpResponse:
    data = checklist()
    answers = {k: v for k, v in request.GET.items() if isinstance(v, str)}
    evaluation = checklist_evaluate(answers) if "submitted" in request.GET else None
    return render(
        request,
        "antifraud/fundraising.html",
        {"checklist": data, "answers": answers, "evaluation": evaluation},
    )


@require_GET
def drill_list(request: HttpRequest) -> HttpResponse:
    drills = Drill.objects.filter(is_active=True)
    return render(request, "antifraud/drill_list.html", {"drills": drills})


def _drill_or_404(slug: str) -> Drill:
    drill = Drill.objects.filter(slug=slug, is_active=True).first()
    if drill is None:
        raise Http404
    return drill


def _session_key(slug: str) -> str:
    return f"antifraud:drill:{slug}"


@require_http_methods(["GET", "POST"])
def drill_play(request: HttpRequest, slug: str) -> HttpResponse:
    """Chat-style drill; progress lives in the server-side session, so no JS is needed."""
    drill = _drill_or_404(slug)
    key = _session_key(slug)
    state = DrillState.from_session(request.session.get(key))
    if state is not None and (
        state.version != drill.version or state.node not in drill.data["nodes"]
    ):
        state = None  # the scenario changed since this run began
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "restart" or state is None:
            state = drill_begin(drill.data)
        elif action == "choose" and drill_ending(drill.data, state) is None:
            try:
                drill_choose(drill.data, state, int(request.POST.get("choice", "-1")))
            except (DrillError, ValueError):
                messages.error(request, _("这个选项不存在，请重新选择。"))
        request.session[key] = state.as_session()
        if drill_ending(drill.data, state) is not None and not request.session.get(key + ":done"):
            request.session[key + ":done"] = drill_complete(
                user=request.user, drill=drill, state=state
            )
        elif drill_ending(drill.data, state) is None:
            request.session.pop(key + ":done", None)
        return HttpResponseRedirect(reverse("antifraud:drill", args=[slug]) + "#latest")
    if state is None:
        state = drill_begin(drill.data)
        request.session[key] = state.as_session()
        request.session.pop(key + ":done", None)
    node = drill.data["nodes"][state.node]
    debrief = request.session.get(key + ":done") if "ending" in node else None
    return render(
        request,
        "antifraud/drill_play.html",
        {
            "drill": drill,
            "state": state,
            "choices": list(enumerate(node.get("choices") or [])),
            "debrief": debrief,
            "ending_label": presenters.ENDING_LABELS.get(node.get("ending", ""), ""),
        },
    )


@require_POST
def report_prefill(request: HttpRequest) -> HttpResponse:
    form = ReportForm(initial={"text": request.POST.get("text", "")[:5000]})
    return render(request, "antifraud/report.html", {"form": form})
