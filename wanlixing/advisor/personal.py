"""The advisor's personal data: unanswered questions kept with the asker's consent."""

from __future__ import annotations

from typing import Any

from wanlixing.accounts.models import User

from .models import AskedQuestion


def asked_questions_export(user: User) -> list[dict[str, Any]]:
    return [
        {"question": q.text, "asked_at": q.created_at.isoformat(), "outcome": q.outcome}
        for q in AskedQuestion.objects.filter(user=user).order_by("created_at")
    ]


def asked_questions_erase(user: User) -> None:
    # The questions stay (anonymous) so the content-gap counts remain right.
    AskedQuestion.objects.filter(user=user).update(user=None)
