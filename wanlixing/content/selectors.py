"""Reads of the knowledge library, and the access checks every view and route uses.

Other parts call ``articles_for_topic``, ``articles_search`` and ``article_related``
(see docs/INTERFACES.md); they only ever return published items.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.safestring import SafeString

from wanlixing.accounts.models import Role
from wanlixing.accounts.selectors import AnyUser, user_is_platform_admin, user_org_ids

from . import search
from .models import Article, ArticleKind, ArticleStatus, ArticleVersion, SearchTerm, Topic
from .rendering import markdown_to_text

PREVIEW_ROLES = (Role.EDITOR, Role.REVIEWER, Role.ORG_ADMIN)


# --- Access -------------------------------------------------------------------------------


def _get(article_id: int) -> Article:
    try:
        return Article.objects.select_related("topic", "organisation").get(pk=article_id)
    except (Article.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _allowed(user: AnyUser, article: Article, roles: Iterable[str]) -> bool:
    if user_is_platform_admin(user):
        return True
    if article.organisation_id is None:
        return False
    return article.organisation_id in user_org_ids(user, roles)


def article_get_for_editor(*, user: AnyUser, article_id: int) -> Article:
    """The item if the user may edit it (editor of its organisation; platform admins)."""
    article = _get(article_id)
    if not _allowed(user, article, [Role.EDITOR]):
        raise PermissionDenied
    return article


def article_get_for_reviewer(*, user: AnyUser, article_id: int) -> Article:
    """The item if the user may review it (reviewer of its organisation; platform admins)."""
    article = _get(article_id)
    if not _allowed(user, article, [Role.REVIEWER]):
        raise PermissionDenied
    return article


def article_get_for_reader(*, user: AnyUser, slug: str) -> Article:
    """A published item for anyone; an unpublished one only for its organisation's staff
    (a preview). Everyone else gets a 404, so other organisations never learn of drafts."""
    article = (
        Article.objects.select_related("topic", "organisation")
        .prefetch_related("audiences")
        .filter(slug=slug)
        .first()
    )
    if article is None:
        raise Http404
    if article.is_public or _allowed(user, article, PREVIEW_ROLES):
        return article
    raise Http404


def articles_for_editor(*, user: AnyUser) -> QuerySet[Article]:
    """Items the user may edit, every status."""
    qs = Article.objects.select_related("topic", "organisation")
    if user_is_platform_admin(user):
        return qs
    return qs.filter(organisation_id__in=user_org_ids(user, [Role.EDITOR]))


def articles_review_queue(*, user: AnyUser) -> QuerySet[Article]:
    """Items waiting for this reviewer."""
    qs = Article.objects.select_related("topic", "organisation").filter(status=ArticleStatus.REVIEW)
    if user_is_platform_admin(user):
        return qs
    return qs.filter(organisation_id__in=user_org_ids(user, [Role.REVIEWER]))


def versions_for_reader(*, user: AnyUser, slug: str) -> tuple[Article, QuerySet[ArticleVersion]]:
    article = article_get_for_reader(user=user, slug=slug)
    return article, article.versions.select_related("approved_by").order_by("-number")


def version_get_for_reader(*, user: AnyUser, slug: str, number: int) -> ArticleVersion:
    article = article_get_for_reader(user=user, slug=slug)
    version = article.versions.filter(number=number).first()
    if version is None:
        raise Http404
    return version


# --- Library reads --------------------------------------------------------------------------


def articles_list(
    *, topic: str | None = None, audience: str | None = None, kind: str | None = None
) -> QuerySet[Article]:
    """Published items, newest first, optionally filtered."""
    qs = Article.objects.published().select_related("topic")
    if topic:
        qs = qs.filter(topic__slug=topic)
    if audience:
        qs = qs.filter(audiences__code=audience)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.distinct()


def topics_with_counts() -> list[Topic]:
    published = Article.objects.published().values("pk")
    return list(
        Topic.objects.annotate(
            published_count=Count("articles", filter=Q(articles__pk__in=published))
        ).order_by("position")
    )


def articles_for_topic(
    topic_slug: str, *, kinds: Iterable[str] | None = None, limit: int = 5
) -> list[Article]:
    """Newest published items of a topic (optionally only some kinds)."""
    qs = articles_list(topic=topic_slug)
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    return list(qs[:limit])


def articles_for_segments(segment_codes: Iterable[str], *, limit: int = 6) -> list[Article]:
    """Published items written for any of the segments, newest first; newest overall if none."""
    codes = list(segment_codes)
    qs = Article.objects.published().select_related("topic")
    if codes:
        qs = qs.filter(audiences__code__in=codes).distinct()
    return list(qs[:limit])


@dataclass
class SearchHit:
    article: Article
    score: float
    title_html: SafeString
    snippet_html: SafeString
    terms: list[str]


def articles_search(
    query: str,
    *,
    limit: int = 10,
    topic: str | None = None,
    audience: str | None = None,
    kind: str | None = None,
) -> list[SearchHit]:
    """Published items ranked by BM25 for ``query``, with ``<mark>``-highlighted title
    and snippet (escaped). Filters by topic slug, audience code and kind."""
    parsed = search.parse_query(query or "")
    if parsed.empty:
        return []
    ranked = search.rank(parsed, articles_list(topic=topic, audience=audience, kind=kind))
    ranked = ranked[: max(0, limit)]
    articles = Article.objects.select_related("topic").in_bulk([r.article_id for r in ranked])
    hits = []
    for result in ranked:
        article = articles.get(result.article_id)
        if article is None:
            continue
        terms = sorted(result.matched, key=len, reverse=True)
        text = " ".join(
            part
            for part in (
                article.summary,
                article.story,
                markdown_to_text(article.body),
                article.transcript,
            )
            if part
        )
        hits.append(
            SearchHit(
                article=article,
                score=round(result.score, 4),
                title_html=search.highlight(article.title, terms),
                snippet_html=search.snippet(text, terms),
                terms=terms,
            )
        )
    return hits


def article_related(article: Article, limit: int = 5) -> list[Article]:
    """Published items close to ``article``: same topic, shared keywords and shared
    distinctive index terms. Never the item itself."""
    candidates = Article.objects.published().exclude(pk=article.pk)
    scores: dict[int, float] = defaultdict(float)
    for pk in candidates.filter(topic_id=article.topic_id).values_list("pk", flat=True):
        scores[pk] += 2.0
    own_keywords = {search.normalize(k) for k in article.keywords or []}
    # The item's own most distinctive words (its heaviest non-bigram terms).
    own_terms = list(
        SearchTerm.objects.filter(article=article)
        .exclude(term__startswith=search.GRAM_PREFIX)
        .order_by("-weight", "term")
        .values_list("term", flat=True)[:20]
    )
    wanted = own_keywords | set(own_terms)
    if not own_terms and not own_keywords:
        wanted = set(search.words(article.title))
    if wanted:
        frequency = dict(
            SearchTerm.objects.filter(term__in=wanted)
            .values_list("term")
            .annotate(n=Count("id"))
            .values_list("term", "n")
        )
        rows = SearchTerm.objects.filter(
            term__in=wanted, article_id__in=candidates.values("pk")
        ).values_list("article_id", "term")
        for pk, term in rows:
            bonus = 1.5 if term in own_keywords else 1.0
            scores[pk] += bonus / max(1, frequency.get(term, 1)) ** 0.5
    best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
    by_pk = candidates.select_related("topic").in_bulk([pk for pk, _ in best])
    return [by_pk[pk] for pk, _ in best if pk in by_pk]


KIND_CHOICES = ArticleKind.choices
