"""Item statistics from real answers (facility, upper–lower discrimination) and the
comparability of the two literacy forms.

Facility p = correct answers / all recorded answers of the question (every source).

Discrimination D (upper–lower 27%): take the submitted attempts that served the
question and at least ``MIN_ATTEMPT_LENGTH`` questions (a one-question daily attempt
says nothing beyond the item itself); rank them by the attempt's total score (share of
its questions answered right; ties broken by attempt id, earlier first in the upper
group); the upper and lower groups each hold g = round(0.27·n) attempts (at least 1);
D = (correct in upper − correct in lower) / g. D ranges from −1 to 1; items with
D < 0.2 deserve an editor's look. Computed only when n ≥ ItemStatistic.MIN_ATTEMPTS.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import Avg, Count, Q
from django.utils import timezone

from .models import ItemStatistic, LiteracyForm, LiteracyItem, Question, Response

MIN_ATTEMPT_LENGTH = 3
GROUP_SHARE = 0.27
SCHEDULE_KEY = "learning:itemstats:scheduled"
SCHEDULE_EVERY_SECONDS = 600


@dataclass(frozen=True)
class Discrimination:
    attempts: int
    group_size: int
    upper_correct: int
    lower_correct: int
    index: float | None


def upper_lower_index(
    rows: Iterable[tuple[float, int, bool]], *, min_attempts: int = ItemStatistic.MIN_ATTEMPTS
) -> Discrimination:
    """D from (attempt score, attempt id, item answered right) rows of one question."""
    ranked = sorted(rows, key=lambda r: (-r[0], r[1]))
    n = len(ranked)
    if n == 0:
        return Discrimination(0, 0, 0, 0, None)
    g = max(1, int(GROUP_SHARE * n + 0.5))
    upper = sum(ok for _s, _a, ok in ranked[:g])
    lower = sum(ok for _s, _a, ok in ranked[n - g :])
    index = round((upper - lower) / g, 4) if n >= min_attempts else None
    return Discrimination(n, g, upper, lower, index)


def item_statistics_refresh(*, question_ids: Iterable[int] | None = None) -> int:
    """Recompute ItemStatistic rows (all questions, or only ``question_ids``); returns count."""
    now = timezone.now()
    wanted = set(question_ids) if question_ids is not None else None
    responses = Response.objects.all()
    if wanted is not None:
        responses = responses.filter(question_id__in=wanted)
    counts = {
        row["question_id"]: (row["n"], row["c"])
        for row in responses.values("question_id").annotate(
            n=Count("id"), c=Count("id", filter=Q(is_correct=True))
        )
    }
    # Attempt totals over all their questions (not only the wanted ones).
    attempt_rows = Response.objects.filter(
        attempt__isnull=False, attempt__submitted_at__isnull=False
    )
    totals = {
        row["attempt_id"]: (row["c"], row["n"])
        for row in attempt_rows.values("attempt_id").annotate(
            n=Count("id"), c=Count("id", filter=Q(is_correct=True))
        )
        if row["n"] >= MIN_ATTEMPT_LENGTH
    }
    per_question: dict[int, list[tuple[float, int, bool]]] = defaultdict(list)
    item_rows = attempt_rows
    if wanted is not None:
        item_rows = item_rows.filter(question_id__in=wanted)
    for attempt_id, question_id, is_correct in item_rows.values_list(
        "attempt_id", "question_id", "is_correct"
    ).iterator(chunk_size=20000):
        total = totals.get(attempt_id)
        if total is None:
            continue
        per_question[question_id].append((total[0] / total[1], attempt_id, is_correct))

    ids = set(counts) | set(per_question)
    if wanted is not None:
        ids |= wanted
    rows = []
    for qid in ids:
        n, c = counts.get(qid, (0, 0))
        d = upper_lower_index(per_question.get(qid, []))
        rows.append(
            ItemStatistic(
                question_id=qid,
                responses=n,
                correct=c,
                facility=round(c / n, 4) if n else None,
                attempts=d.attempts,
                group_size=d.group_size,
                upper_correct=d.upper_correct,
                lower_correct=d.lower_correct,
                discrimination=d.index,
                computed_at=now,
            )
        )
    existing = set(Question.objects.filter(pk__in=ids).values_list("pk", flat=True))
    rows = [r for r in rows if r.question_id in existing]
    ItemStatistic.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["question"],
        update_fields=[
            "responses",
            "correct",
            "facility",
            "attempts",
            "group_size",
            "upper_correct",
            "lower_correct",
            "discrimination",
            "computed_at",
        ],
    )
    return len(rows)


def item_statistics_schedule() -> bool:
    """Enqueue a refresh at most once per ``SCHEDULE_EVERY_SECONDS`` (called after answers)."""
    if not cache.add(SCHEDULE_KEY, "1", timeout=SCHEDULE_EVERY_SECONDS):
        return False
    from .tasks import refresh_item_statistics

    refresh_item_statistics.enqueue()
    return True


def item_statistics_last_run() -> datetime | None:
    return (
        ItemStatistic.objects.order_by("-computed_at").values_list("computed_at", flat=True).first()
    )


@dataclass
class FormSummary:
    form: str
    items: int
    mean_expected_p: float | None
    mean_observed_p: float | None
    observed_items: int
    dimensions: dict[str, int]


def literacy_form_comparison() -> list[FormSummary]:
    """Per form: item count, mean expected facility, mean observed facility, dimensions."""
    out = []
    for form in LiteracyForm.values:
        items = LiteracyItem.objects.filter(form=form)
        expected = items.aggregate(m=Avg("expected_p"))["m"]
        observed = ItemStatistic.objects.filter(
            question__literacy__form=form, facility__isnull=False
        ).aggregate(m=Avg("facility"), n=Count("pk"))
        dims: dict[str, int] = {}
        for name in items.order_by("dimension__position").values_list("dimension__name", flat=True):
            dims[name] = dims.get(name, 0) + 1
        out.append(
            FormSummary(
                form=form,
                items=items.count(),
                mean_expected_p=round(expected, 3) if expected is not None else None,
                mean_observed_p=round(observed["m"], 3) if observed["m"] is not None else None,
                observed_items=observed["n"],
                dimensions=dims,
            )
        )
    return out
