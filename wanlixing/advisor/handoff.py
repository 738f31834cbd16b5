"""Hand-off to a human expert (转人工) through the help desk, and promotion of an
expert's reply to a FAQ entry.

The help desk owns tickets, replies and 我的咨询; the advisor only opens a
consultation with the question and what it found, and offers the staff a
"收录为常见问题" button on advisor tickets.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wanlixing.accounts.models import User

from .models import Collection, FaqEntry
from .services import Answer, collection_touch

# FAQ topics to the help desk's categories (its Category choices).
TOPIC_CATEGORY = {
    "telecom-fraud": "fraud",
    "credit-report": "credit-report",
    "loan-rate": "loan-credit-card",
    "credit-card": "loan-credit-card",
    "deposit-insurance": "deposit-card",
    "payment-security": "payment",
    "digital-rmb": "payment",
    "rational-investing": "wealth-fund",
    "pension-finance": "wealth-fund",
    "insurance": "insurance",
    "illegal-fundraising": "illegal-fundraising",
    "personal-info": "personal-info",
}


def available() -> bool:
    """True when the help desk is installed and offers ``ticket_open``."""
    if not apps.is_installed("wanlixing.helpdesk"):
        return False
    try:
        services = import_module("wanlixing.helpdesk.services")
    except ImportError:
        return False
    return hasattr(services, "ticket_open")


def ticket_is_from_advisor(ticket: Any) -> bool:
    return getattr(ticket, "source", "") == "advisor"


def promote_url(ticket: Any) -> str:
    from django.urls import reverse

    return reverse("advisor:promote", args=[ticket.reference])


def register_ticket_action() -> None:
    """The "收录为常见问题" button on the staff page of advisor tickets."""
    if not available():
        return
    extensions = import_module("wanlixing.helpdesk.extensions")
    extensions.register_ticket_action(
        _("收录为常见问题"), url_for_ticket=promote_url, applies_to=ticket_is_from_advisor
    )


def handoff_category(answer: Answer | None, entry: FaqEntry | None) -> str:
    if answer is not None and answer.fraud_warning:
        return "fraud"
    if entry is not None and entry.topic is not None:
        return TOPIC_CATEGORY.get(entry.topic.slug, "other")
    return "other"


def question_hand_off(
    *,
    user: User,
    question: str,
    collection: Collection,
    details: str = "",
    answer: Answer | None = None,
) -> Any:
    """Open a consultation ticket in the collection's organisation's expert queue
    (the platform queue for platform collections). Raises ValidationError from the
    help desk for bad input; PermissionDenied for anonymous users."""
    if not user.is_authenticated:
        raise PermissionDenied
    services = import_module("wanlixing.helpdesk.services")
    nearest = None
    if answer is not None and answer.related + answer.citations:
        first = (answer.citations or answer.related)[0]
        if first.kind == "faq":
            nearest = (
                FaqEntry.objects.filter(collection=collection, external_id=first.external_id)
                .select_related("topic")
                .first()
            )
    description = _("【智能顾问转人工】%(q)s") % {"q": question}
    if details.strip():
        description += "\n\n" + _("补充说明：") + details.strip()
    context = {
        "question": question,
        "collection": collection.slug,
        "confidence": round(answer.confidence, 3) if answer else None,
        "status": answer.status if answer else "",
        "closest": [i.as_dict() for i in (answer.citations + answer.related)[:5]] if answer else [],
    }
    fields = {
        "user": user,
        "kind": "consultation",
        "category": handoff_category(answer, nearest),
        "description": description,
        "source": "advisor",
        "context": context,
    }
    if collection.organisation is not None:
        try:
            return services.ticket_open(organisation=collection.organisation, **fields)
        except ValidationError as exc:
            # The organisation does not take cases online: the routing rules decide.
            if "organisation" not in getattr(exc, "error_dict", {}):
                raise
    return services.ticket_open(**fields)


def promotion_draft(ticket: Any) -> dict[str, str]:
    """The FAQ entry a ticket suggests: its question and the latest expert reply."""
    reply = ticket.messages.expert_replies().order_by("-created_at").first()
    context = ticket.context if isinstance(ticket.context, dict) else {}
    return {
        "question": str(context.get("question") or ticket.description)[:300],
        "answer": reply.body if reply else "",
        "source": _("专家答复（咨询单 %(ref)s）") % {"ref": ticket.reference},
        "collection": str(context.get("collection") or ""),
    }


@transaction.atomic
def faq_entry_promote(
    *,
    reference: str,
    collection: Collection,
    question: str,
    similar: list[str],
    answer: str,
    source: str,
) -> FaqEntry:
    """Create (or update) the FAQ entry made from an expert's reply to a ticket."""
    entry, _created = FaqEntry.objects.update_or_create(
        collection=collection,
        external_id=f"ticket-{reference}",
        defaults={
            "question": question.strip(),
            "similar": [s for s in similar if s.strip() and s.strip() != question.strip()],
            "answer": answer.strip(),
            "source": source.strip(),
            "promoted_from": reference,
            "is_active": True,
        },
    )
    collection_touch(collection=collection)
    from .tasks import collection_vectors_refresh

    transaction.on_commit(lambda: collection_vectors_refresh.enqueue(collection_id=collection.pk))
    return entry
