"""The published knowledge library as a second source of answers.

Published articles, cases and videos are indexed by their title and keywords
(the way people would ask about them) with the same channels and ranker as the
FAQ. The index is rebuilt when the library changes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db.models import Count, Max

from wanlixing.content.models import Article

from .index import normaliser, ranker
from .retrieval.ranker import CollectionIndex

_lock = threading.Lock()
_cache: tuple[tuple, CollectionIndex, dict[int, Article]] | None = None


@dataclass
class LibraryHit:
    article: Article
    confidence: float


def _version() -> tuple:
    agg = Article.objects.published().aggregate(n=Count("id"), last=Max("updated_at"))
    return (agg["n"], agg["last"].isoformat() if agg["last"] else "", id(normaliser()))


def library_index() -> tuple[CollectionIndex, dict[int, Article]] | None:
    global _cache
    version = _version()
    if not version[0]:
        return None
    with _lock:
        if _cache is None or _cache[0] != version:
            articles = list(
                Article.objects.published()
                .select_related("topic")
                .only("id", "slug", "title", "summary", "keywords", "source", "kind", "topic")
            )
            entries = []
            for a in articles:
                keywords = [k for k in (a.keywords or []) if isinstance(k, str) and k.strip()]
                entries.append((a.pk, [a.title, *keywords[:8]]))
            _cache = (version, CollectionIndex(entries, normaliser()), {a.pk: a for a in articles})
        return _cache[1], _cache[2]


def library_search(question: str, *, limit: int = 3) -> list[LibraryHit]:
    """The best-matching published items; the first carries the ranker's confidence."""
    built = library_index()
    if built is None:
        return []
    index, by_id = built
    result = ranker().search(index, question, k=limit)
    hits = []
    for n, hit in enumerate(result.hits):
        hits.append(LibraryHit(by_id[hit.key], result.confidence if n == 0 else 0.0))
    return hits


def library_clear() -> None:
    global _cache
    with _lock:
        _cache = None
