from __future__ import annotations

import io
import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wanlixing.lib.throttle import client_address, throttle_hit

from . import selectors
from .forms import AskForm, ImportForm
from .importing import FORMATS, FileFormatError, faq_export, faq_import, format_for
from .models import ContentGap, GapStatus
from .services import question_answer
from .tasks import collection_vectors_refresh, content_gaps_refresh

log = logging.getLogger(__name__)

# Sample questions. The button shows the question in the visitor's language (the
# template translates it); the Chinese question is what gets asked, since the
# question bank is written in Chinese.
EXAMPLES = [
    gettext_noop("钱被骗了怎么办"),
    gettext_noop("征信花了能修吗"),
    gettext_noop("借呗的利息怎么算"),
    gettext_noop("银行倒闭了存款还在吗"),
]


def throttled(request: HttpRequest) -> bool:
    key = f"u{request.user.pk}" if request.user.is_authenticated else client_address(request)
    return throttle_hit(
        "advisor-ask", key, limit=settings.ADVISOR_QUESTIONS_PER_MINUTE, window_seconds=60
    )


@require_http_methods(["GET", "POST"])
def chat(request: HttpRequest) -> HttpResponse:
    """The chat page; without JavaScript the form posts here and the answer is rendered."""
    slug = request.POST.get("collection") or request.GET.get("c") or None
    collection = selectors.collection_get_public(slug=slug)
    answer = None
    form = AskForm(request.POST or None, initial={"collection": collection.slug})
    if request.method == "POST" and form.is_valid():
        if throttled(request):
            messages.error(request, _("提问太频繁了，请稍等一分钟再试。"))
        else:
            answer = question_answer(
                text=form.cleaned_data["question"], collection=collection, user=request.user
            )
    return render(
        request,
        "advisor/chat.html",
        {
            "form": form,
            "answer": answer,
            "collection": collection,
            "collections": selectors.collections_public(),
            "examples": EXAMPLES,
            "handoff_enabled": handoff_enabled(),
        },
    )


def handoff_enabled() -> bool:
    from .handoff import available

    return available()


@require_GET
def faq_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = selectors.faq_entry_get_public(entry_id=entry_id)
    return render(request, "advisor/faq_entry.html", {"entry": entry})


@login_required
@require_GET
def staff_home(request: HttpRequest) -> HttpResponse:
    collections = list(selectors.collections_for_editor(request.user))
    if not collections:
        return render(
            request,
            "core/error.html",
            {"code": 403, "title": _("没有权限"), "text": _("只有问答库的编辑可以查看。")},
            status=403,
        )
    return render(request, "advisor/staff_home.html", {"collections": collections})


@login_required
@require_GET
def gap_report(request: HttpRequest, collection_id: int) -> HttpResponse:
    collection = selectors.collection_get_for_editor(user=request.user, collection_id=collection_id)
    status = request.GET.get("status", GapStatus.OPEN)
    if status not in GapStatus.values:
        status = GapStatus.OPEN
    gaps = ContentGap.objects.filter(collection=collection, status=status).select_related(
        "nearest"
    )[:200]
    return render(
        request,
        "advisor/gaps.html",
        {"collection": collection, "gaps": gaps, "status": status, "statuses": GapStatus.choices},
    )


@login_required
@require_POST
def gap_refresh(request: HttpRequest, collection_id: int) -> HttpResponse:
    collection = selectors.collection_get_for_editor(user=request.user, collection_id=collection_id)
    content_gaps_refresh.enqueue(collection_id=collection.pk)
    messages.success(request, _("已开始重新统计，稍后刷新页面查看。"))
    return redirect("advisor:gaps", collection_id=collection.pk)


@login_required
@require_POST
def gap_status(request: HttpRequest, collection_id: int, gap_id: int) -> HttpResponse:
    collection = selectors.collection_get_for_editor(user=request.user, collection_id=collection_id)
    status = request.POST.get("status", "")
    if status in GapStatus.values:
        ContentGap.objects.filter(collection=collection, pk=gap_id).update(status=status)
        messages.success(request, _("已更新状态。"))
    else:
        messages.error(request, _("状态无效。"))
    return redirect("advisor:gaps", collection_id=collection.pk)


@login_required
@require_http_methods(["GET", "POST"])
def faq_import_view(request: HttpRequest, collection_id: int) -> HttpResponse:
    collection = selectors.collection_get_for_editor(user=request.user, collection_id=collection_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            fmt = format_for(upload.name)
            report = faq_import(
                collection=collection,
                data=upload.read(),
                fmt=fmt,
                deactivate_missing=form.cleaned_data["deactivate_missing"],
            )
        except FileFormatError as exc:
            form.add_error("file", str(exc))
        if report is not None and report.ok:
            collection_vectors_refresh.enqueue(collection_id=collection.pk)
            messages.success(
                request,
                _("导入成功：新增 %(c)d 条，更新 %(u)d 条，未变 %(n)d 条。")
                % {"c": report.created, "u": report.updated, "n": report.unchanged},
            )
            return redirect("advisor:faq_import", collection_id=collection.pk)
    return render(
        request,
        "advisor/import.html",
        {"collection": collection, "form": form, "report": report, "formats": FORMATS},
        status=400 if report is not None and not report.ok else 200,
    )


@login_required
@require_GET
def faq_export_view(request: HttpRequest, collection_id: int, fmt: str) -> HttpResponseBase:
    collection = selectors.collection_get_for_editor(user=request.user, collection_id=collection_id)
    if fmt not in FORMATS:
        return redirect("advisor:staff")
    buffer = io.BytesIO()
    faq_export(collection=collection, fmt=fmt, out=buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=f"faq-{collection.slug}.{fmt}")


@require_http_methods(["GET", "POST"])
def handoff(request: HttpRequest) -> HttpResponse:
    """转人工: confirm the question (and add details), then open a consultation ticket."""
    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import ValidationError

    from .forms import HandoffForm
    from .handoff import available, question_hand_off

    if not available():
        return redirect("advisor:chat")
    data = request.POST if request.method == "POST" else request.GET
    if not request.user.is_authenticated:
        from urllib.parse import urlencode

        keep = {k: data.get(k, "")[:1000] for k in ("question", "collection") if data.get(k)}
        return redirect_to_login(request.path + ("?" + urlencode(keep) if keep else ""))
    collection = selectors.collection_get_public(slug=data.get("collection") or None)
    form = HandoffForm(data if "question" in data else None)
    confirmed = request.method == "POST" and request.POST.get("confirm") == "1"
    if confirmed and form.is_valid():
        question = form.cleaned_data["question"]
        answer = question_answer(
            text=question, collection=collection, user=request.user, record=False
        )
        if answer.status == "refused":
            form.add_error("question", answer.text)
        else:
            try:
                ticket = question_hand_off(
                    user=request.user,
                    question=answer.question,
                    collection=collection,
                    details=form.cleaned_data["details"],
                    answer=answer,
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                record_handoff(question=answer.question, collection=collection, answer=answer)
                messages.success(
                    request,
                    _("已转给人工专家，咨询单号 %(ref)s。答复会显示在“我的咨询”里。")
                    % {"ref": ticket.reference},
                )
                return redirect("helpdesk:my_ticket", reference=ticket.reference)
    return render(request, "advisor/handoff.html", {"form": form, "collection": collection})


def record_handoff(*, question: str, collection: Any, answer: Any) -> None:
    from .models import AskedQuestion, Outcome

    AskedQuestion.objects.create(
        collection=collection,
        text=question[:300],
        normalised=question[:300],
        confidence=answer.confidence,
        outcome=Outcome.HANDED_OFF,
    )


@login_required
@require_http_methods(["GET", "POST"])
def promote(request: HttpRequest, reference: str) -> HttpResponse:
    """Staff: turn an expert's reply to an advisor ticket into a FAQ entry, in one step."""
    from django.core.exceptions import PermissionDenied

    from wanlixing.helpdesk.selectors import ticket_get_for_staff

    from .forms import PromoteForm
    from .handoff import faq_entry_promote, promotion_draft

    ticket = ticket_get_for_staff(user=request.user, reference=reference)
    draft = promotion_draft(ticket)
    collection = selectors.collection_find(draft["collection"]) if draft["collection"] else None
    if collection is None:
        from .services import collection_default

        collection = collection_default()
    if not selectors.collection_can_promote(request.user, collection):
        raise PermissionDenied
    form = PromoteForm(request.POST or None, initial=draft)
    if request.method == "POST" and form.is_valid():
        entry = faq_entry_promote(
            reference=ticket.reference,
            collection=collection,
            question=form.cleaned_data["question"],
            similar=form.cleaned_data["similar"],
            answer=form.cleaned_data["answer"],
            source=form.cleaned_data["source"],
        )
        messages.success(request, _("已收录为常见问题：%(q)s") % {"q": entry.question})
        return redirect("helpdesk:staff_ticket", reference=ticket.reference)
    return render(
        request,
        "advisor/promote.html",
        {"form": form, "ticket": ticket, "collection": collection},
    )
