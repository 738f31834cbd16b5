"""Content-gap report: unanswered questions grouped by meaning, with counts.

Questions are clustered greedily (most frequent first) on e5 cosine blended with
character-bigram overlap; each cluster becomes a ContentGap row that editors
work through (write a FAQ entry or an article, then mark it done).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import AskedQuestion, Collection, ContentGap, GapStatus, Outcome
from .retrieval import dense
from .retrieval.features import jaccard
from .retrieval.normalise import char_ngrams

SIMILARITY = 0.88


def _similarity(a_vec: np.ndarray, b_vec: np.ndarray, a: str, b: str) -> float:
    bigram = jaccard(set(char_ngrams(a, (2,))), set(char_ngrams(b, (2,))))
    return 0.8 * float(a_vec @ b_vec) + 0.2 * (0.75 + 0.25 * bigram)


def cluster_texts(texts: list[str], threshold: float = SIMILARITY) -> list[list[int]]:
    """Groups of indexes into ``texts``; identical texts always share a group."""
    distinct = list(dict.fromkeys(texts))
    counts = Counter(texts)
    order = sorted(range(len(distinct)), key=lambda i: (-counts[distinct[i]], distinct[i]))
    vectors = dense.embed(distinct)
    heads: list[int] = []
    members: dict[int, list[int]] = defaultdict(list)
    for i in order:
        best, best_sim = None, threshold
        for h in heads:
            sim = _similarity(vectors[i], vectors[h], distinct[i], distinct[h])
            if sim >= best_sim:
                best, best_sim = h, sim
        if best is None:
            heads.append(i)
            best = i
        members[best].append(i)
    position: dict[str, list[int]] = defaultdict(list)
    for n, t in enumerate(texts):
        position[t].append(n)
    return [[n for i in members[h] for n in position[distinct[i]]] for h in heads]


def gaps_refresh(*, collection: Collection) -> int:
    """Rebuild the collection's open gaps from its recent unanswered questions."""
    retention = timezone.now() - timedelta(days=settings.ADVISOR_GAP_RETENTION_DAYS)
    AskedQuestion.objects.filter(collection=collection, created_at__lt=retention).delete()
    questions = list(
        AskedQuestion.objects.filter(collection=collection, gap__status__in=[GapStatus.OPEN])
        | AskedQuestion.objects.filter(collection=collection, gap__isnull=True)
    )
    if not questions:
        ContentGap.objects.filter(collection=collection, status=GapStatus.OPEN).delete()
        return 0
    groups = cluster_texts([q.normalised or q.text for q in questions])
    with transaction.atomic():
        ContentGap.objects.filter(collection=collection, status=GapStatus.OPEN).delete()
        for group in groups:
            rows = [questions[i] for i in group]
            label = Counter(r.text for r in rows).most_common(1)[0][0]
            nearest = Counter(r.nearest_id for r in rows if r.nearest_id).most_common(1)
            gap = ContentGap.objects.create(
                collection=collection,
                label=label,
                count=len(rows),
                declined=sum(1 for r in rows if r.outcome != Outcome.LOW),
                samples=list(dict.fromkeys(r.text for r in rows))[:5],
                nearest_id=nearest[0][0] if nearest else None,
                first_seen=min(r.created_at for r in rows),
                last_seen=max(r.created_at for r in rows),
            )
            AskedQuestion.objects.filter(pk__in=[r.pk for r in rows]).update(gap=gap)
    return len(groups)
