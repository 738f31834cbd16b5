"""Personal data in surveys: answers given under a person's participant codes."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from wanlixing.accounts.models import User
from wanlixing.outreach.services import participant_key_for

from .models import ItemKind, Response


def _responses(user: User) -> Any:
    keys = [participant_key_for(user=user)]
    if user.phone:
        keys.append(participant_key_for(phone=user.phone))
    return Response.objects.filter(
        Q(registration__participant__user=user) | Q(registration__participant__key__in=keys)
    ).select_related("instrument", "registration")


def responses_export(user: User) -> list[dict[str, Any]]:
    return [
        {
            "questionnaire": r.instrument.title,
            "participant_code": r.registration.code if r.registration else None,
            "answers": r.answers,
            "score": r.score,
            "submitted_at": r.submitted_at.isoformat(),
        }
        for r in _responses(user)
    ]


def responses_erase(user: User) -> None:
    """Keep the answers for statistics; drop free text, which may name the person.

    Registered as "event-answers" so it runs before outreach's eraser (sections erase in
    name order), while the
    participant is still linked to the user.
    """
    for response in _responses(user):
        text_keys = set(
            response.instrument.items.filter(kind=ItemKind.TEXT).values_list("key", flat=True)
        )
        if text_keys & set(response.answers):
            response.answers = {k: v for k, v in response.answers.items() if k not in text_keys}
            response.save(update_fields=["answers"])
