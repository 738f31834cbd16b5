"""The advisor's API: ask a question, list collections, read an entry."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from wanlixing.core.api import AUTH, AUTH_OPTIONAL, ApiError

from . import selectors
from .services import question_answer
from .views import throttled

router = Router(tags=["advisor"])


class AskIn(Schema):
    question: str = ""
    collection: str | None = None


class CollectionOut(Schema):
    slug: str
    name: str
    description: str


@router.post("/ask", auth=AUTH_OPTIONAL, url_name="advisor_ask")
def ask(request: HttpRequest, payload: AskIn) -> dict[str, Any]:
    """Answer a question; ``status`` is answered, not_sure (offer 转人工), investment or refused."""
    if len(payload.question) > 20_000:
        raise ApiError(413, "payload_too_large", _("问题太长了，请精简后再问。"))
    if throttled(request):
        raise ApiError(429, "too_many_requests", _("提问太频繁了，请稍等一分钟再试。"))
    try:
        collection = selectors.collection_get_public(slug=payload.collection)
    except Http404:
        raise ApiError(404, "not_found", _("没有这个问答库。")) from None
    answer = question_answer(text=payload.question, collection=collection, user=request.user)
    return answer.as_dict()


@router.get("/collections", response=list[CollectionOut], auth=AUTH_OPTIONAL)
def collections(request: HttpRequest) -> list[Any]:
    return list(selectors.collections_public())


@router.get("/faq/{entry_id}", auth=AUTH_OPTIONAL)
def faq_entry(request: HttpRequest, entry_id: int) -> dict[str, Any]:
    try:
        entry = selectors.faq_entry_get_public(entry_id=entry_id)
    except Http404:
        raise ApiError(404, "not_found", _("这条问答不存在。")) from None
    return {
        "id": entry.pk,
        "external_id": entry.external_id,
        "question": entry.question,
        "similar": entry.similar,
        "answer": entry.answer,
        "source": entry.source,
        "tags": entry.tags,
        "topic": entry.topic.slug if entry.topic else None,
        "collection": entry.collection.slug,
    }


class HandoffIn(Schema):
    question: str
    collection: str | None = None
    details: str = ""


@router.post("/handoff", auth=AUTH, response={201: dict[str, Any]})
def handoff(request: HttpRequest, payload: HandoffIn) -> Status:
    """转人工: open a consultation ticket with the question; the expert's reply appears in
    the help desk (我的咨询, ``/api/v1/helpdesk/tickets/{reference}``)."""
    from django.core.exceptions import ValidationError

    from .handoff import available, question_hand_off
    from .views import record_handoff

    if not available():
        raise ApiError(503, "unavailable", _("人工咨询暂未开通。"))
    if len(payload.details) > 2000:
        raise ApiError(422, "validation_error", _("补充说明不能超过 2000 个字。"))
    try:
        collection = selectors.collection_get_public(slug=payload.collection)
    except Http404:
        raise ApiError(404, "not_found", _("没有这个问答库。")) from None
    answer = question_answer(
        text=payload.question, collection=collection, user=request.user, record=False
    )
    if answer.status == "refused":
        raise ApiError(422, answer.refusal_code or "invalid", answer.text)
    try:
        ticket = question_hand_off(
            user=request.user,  # type: ignore[arg-type]  # AUTH guarantees a signed-in User
            question=answer.question,
            collection=collection,
            details=payload.details,
            answer=answer,
        )
    except ValidationError as exc:
        raise ApiError(422, "validation_error", "；".join(exc.messages)) from None
    record_handoff(question=answer.question, collection=collection, answer=answer)
    return Status(201, {"reference": ticket.reference, "status": ticket.status})
