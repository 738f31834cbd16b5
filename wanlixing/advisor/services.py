"""The advisor's workflows: answering a question, recording what it could not answer,
and keeping FAQ entries (with their vectors) up to date."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from wanlixing.accounts.models import User

from . import llm, safety
from .index import collection_index, entry_vectors_compute, normaliser, ranker
from .library import library_search
from .models import AskedQuestion, Collection, FaqEntry, Outcome

log = logging.getLogger(__name__)


@dataclass
class Item:
    """An FAQ entry or library article shown as a citation or a related item."""

    kind: str  # "faq" | "article"
    title: str
    url: str
    source: str = ""
    external_id: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "title": self.title,
            "url": self.url,
            "source": self.source,
            "external_id": self.external_id,
        }


@dataclass
class Answer:
    question: str
    status: str  # answered | not_sure | investment | refused
    text: str
    confidence: float = 0.0
    citations: list[Item] = field(default_factory=list)
    related: list[Item] = field(default_factory=list)
    fraud_warning: dict[str, Any] | None = None
    notice: str = ""
    handoff: bool = False
    worded: bool = False
    refusal_code: str = ""
    collection: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "status": self.status,
            "text": self.text,
            "confidence": round(self.confidence, 3),
            "citations": [c.as_dict() for c in self.citations],
            "related": [r.as_dict() for r in self.related],
            "fraud_warning": self.fraud_warning,
            "notice": self.notice,
            "handoff": self.handoff,
            "worded_by_llm": self.worded,
            "refusal_code": self.refusal_code,
            "collection": self.collection,
        }


def faq_item(entry: FaqEntry) -> Item:
    return Item(
        "faq",
        entry.question,
        reverse("advisor:faq_entry", args=[entry.pk]),
        entry.source,
        entry.external_id,
    )


def article_item(article: Any) -> Item:
    return Item("article", article.title, article.get_absolute_url(), article.source)


def confidence_threshold() -> float:
    return float(settings.ADVISOR_CONFIDENCE_THRESHOLD)


def question_answer(
    *,
    text: str,
    collection: Collection,
    user: User | AnonymousUser | None = None,
    record: bool = True,
) -> Answer:
    """Answer one question from the collection (and the library, if the collection
    includes it), with safety rules applied. Never raises for bad input."""
    norm = normaliser()
    screening = safety.screen(text, norm(safety.clean(text)[:1000]))
    if screening.refusal:
        return Answer(
            screening.text,
            "refused",
            screening.refusal,
            refusal_code=screening.refusal_code,
            collection=collection.slug,
        )
    question = screening.text
    answer = Answer(question, "not_sure", "", collection=collection.slug)
    checker = safety.antifraud_signals(question)
    if screening.red_flags or checker:
        answer.fraud_warning = safety.fraud_warning(screening.red_flags, checker)

    searchable = collection_index(collection)
    result = ranker().search(searchable.index, question, k=5)
    entries = FaqEntry.objects.in_bulk([h.key for h in result.hits])
    faq_hits = [entries[h.key] for h in result.hits if h.key in entries]
    library = library_search(question, limit=3) if collection.include_library else []
    threshold = confidence_threshold()
    faq_conf = result.confidence if faq_hits else 0.0
    lib_conf = library[0].confidence if library else 0.0
    answer.confidence = max(faq_conf, lib_conf)

    if screening.investment_advice:
        answer.status = "investment"
        answer.notice = safety.investment_notice()
        answer.text = answer.notice
        answer.related = [faq_item(e) for e in faq_hits[:3]] + [
            article_item(h.article) for h in library[:2]
        ]
        answer.handoff = True
    elif faq_hits and faq_conf >= threshold and faq_conf >= lib_conf - 0.1:
        best = faq_hits[0]
        answer.status = "answered"
        answer.confidence = faq_conf
        answer.text = best.answer or _("（这条问答暂时没有答案，请转人工咨询。）")
        answer.citations = [faq_item(best)]
        answer.related = [faq_item(e) for e in faq_hits[1:4]] + [
            article_item(h.article) for h in library[:2]
        ]
        passages = [llm.Passage(best.question, best.answer, best.source)] + [
            llm.Passage(h.article.title, h.article.summary, h.article.source)
            for h in library[:1]
            if h.article.summary
        ]
        worded = llm.answer_word(question, passages) if best.answer else None
        if worded:
            answer.text, answer.worded = worded, True
            answer.citations += [article_item(h.article) for h in library[:1] if h.article.summary]
    elif library and lib_conf >= threshold:
        article = library[0].article
        answer.status = "answered"
        answer.confidence = lib_conf
        answer.text = article.summary or article.title
        answer.citations = [article_item(article)]
        answer.related = [article_item(h.article) for h in library[1:]] + [
            faq_item(e) for e in faq_hits[:3]
        ]
        worded = (
            llm.answer_word(question, [llm.Passage(article.title, article.summary, article.source)])
            if article.summary
            else None
        )
        if worded:
            answer.text, answer.worded = worded, True
    else:
        answer.status = "not_sure"
        answer.text = _(
            "这个问题我没有把握回答准确。下面是最接近的内容，供您参考；"
            "您也可以转人工，由专家为您解答。"
        )
        answer.related = [faq_item(e) for e in faq_hits[:3]] + [
            article_item(h.article) for h in library[:2]
        ]
        answer.handoff = True

    if record and answer.status != "refused":
        _record_if_unsure(
            question=question,
            normalised=norm(question),
            answer=answer,
            collection=collection,
            nearest=faq_hits[0] if faq_hits else None,
            user=user,
        )
    return answer


def _record_if_unsure(
    *,
    question: str,
    normalised: str,
    answer: Answer,
    collection: Collection,
    nearest: FaqEntry | None,
    user: User | AnonymousUser | None,
) -> None:
    band = confidence_threshold() + settings.ADVISOR_GAP_MARGIN
    if answer.status == "answered" and answer.confidence >= band:
        return
    if answer.status == "investment":
        return
    outcome = Outcome.DECLINED if answer.status == "not_sure" else Outcome.LOW
    AskedQuestion.objects.create(
        collection=collection,
        text=question[:300],
        normalised=normalised[:300],
        confidence=answer.confidence,
        outcome=outcome,
        nearest=nearest,
        user=user if isinstance(user, User) and _may_keep_identity(user) else None,
    )


def _may_keep_identity(user: User | AnonymousUser | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    from wanlixing.accounts.services import user_has_current_consent

    return isinstance(user, User) and user_has_current_consent(user)


def collection_default() -> Collection:
    """The platform's default collection (created empty if missing)."""
    collection, _created = Collection.objects.get_or_create(
        slug=Collection.DEFAULT_SLUG,
        defaults={"name": "金融知识常见问题", "description": "万里行平台的常见问题库"},
    )
    return collection


def collection_touch(*, collection: Collection) -> None:
    """Mark the collection changed so every process rebuilds its index."""
    Collection.objects.filter(pk=collection.pk).update(revision=F("revision") + 1)
    collection.refresh_from_db(fields=["revision"])


def collection_vectors_update(*, collection: Collection) -> int:
    """Compute missing or stale vectors for the collection's entries."""
    entries = list(FaqEntry.objects.filter(collection=collection).order_by("id"))
    changed = entry_vectors_compute(entries)
    if changed:
        collection_touch(collection=collection)
    return changed


@transaction.atomic
def faq_entry_save(*, entry: FaqEntry) -> FaqEntry:
    """Save an entry edited in the back office; its vectors follow in the background."""
    entry.similar = [s.strip() for s in entry.similar if isinstance(s, str) and s.strip()]
    entry.full_clean()
    entry.save()
    collection_touch(collection=entry.collection)
    from .tasks import collection_vectors_refresh

    collection_id = entry.collection_id
    transaction.on_commit(lambda: collection_vectors_refresh.enqueue(collection_id=collection_id))
    return entry
