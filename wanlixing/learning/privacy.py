"""Personal data held by learning: export for the owner, erasure that keeps statistics.

Erasure removes the learner's summaries, 错题本, results and reading marks, and
detaches answers and attempts from the person: they stay, anonymous, so facility and
discrimination of every question (and event comparisons) remain correct.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from wanlixing.accounts.models import User

from .models import (
    ArticleVisit,
    Attempt,
    LearnerTopicStat,
    LiteracyResult,
    QuizProgress,
    Response,
    RiskResult,
    WrongAnswer,
)


def learning_data_export(user: User) -> dict[str, Any]:
    return {
        "answers": [
            {
                "question": key,
                "chosen": chosen,
                "is_correct": ok,
                "source": source,
                "answered_at": at.isoformat(),
            }
            for key, chosen, ok, source, at in Response.objects.filter(user=user)
            .order_by("answered_at")
            .values_list("question__key", "chosen", "is_correct", "source", "answered_at")
        ],
        "attempts": [
            {
                "kind": kind,
                "quiz": quiz,
                "level": level,
                "score": score,
                "points": points,
                "started_at": started.isoformat(),
                "submitted_at": submitted.isoformat() if submitted else None,
            }
            for kind, quiz, level, score, points, started, submitted in Attempt.objects.filter(
                user=user
            )
            .order_by("started_at")
            .values_list(
                "kind", "quiz__slug", "level", "score", "points", "started_at", "submitted_at"
            )
        ],
        "wrong_answers": [
            {
                "question": key,
                "wrong_count": n,
                "mastered_at": mastered.isoformat() if mastered else None,
            }
            for key, n, mastered in WrongAnswer.objects.filter(user=user).values_list(
                "question__key", "wrong_count", "mastered_at"
            )
        ],
        "quiz_progress": [
            {"quiz": slug, "best_level": level, "best_score": score}
            for slug, level, score in QuizProgress.objects.filter(user=user).values_list(
                "quiz__slug", "best_level", "best_score"
            )
        ],
        "literacy_results": [
            {
                "form": r.form,
                "score": r.score,
                "dimensions": r.dimensions,
                "taken_at": r.taken_at.isoformat(),
            }
            for r in LiteracyResult.objects.filter(user=user)
        ],
        "risk_results": [
            {
                "level": r.level,
                "score": r.score,
                "answers": r.answers,
                "taken_at": r.taken_at.isoformat(),
            }
            for r in RiskResult.objects.filter(user=user)
        ],
        "articles_opened": list(
            ArticleVisit.objects.filter(user=user).values_list("article__slug", flat=True)
        ),
    }


def learning_data_erase(user: User) -> None:
    with transaction.atomic():
        Response.objects.filter(user=user).update(user=None)
        Attempt.objects.filter(user=user).update(user=None, session_key="")
        for model in (
            WrongAnswer,
            LearnerTopicStat,
            QuizProgress,
            LiteracyResult,
            RiskResult,
            ArticleVisit,
        ):
            model.objects.filter(user=user).delete()
