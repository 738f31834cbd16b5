"""Library pages under /library/: home, topic, item, search, version history."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from wanlixing.accounts.regions import region_full_name

from . import selectors
from .forms import LibraryFilterForm
from .models import Article, ArticleKind, ArticleVersion, Topic
from .rendering import markdown_to_html

HOME_PANEL_ITEMS = 3


def _segments(request: HttpRequest) -> list[str]:
    user = request.user
    if user.is_authenticated:
        return list(user.segments.values_list("code", flat=True))
    return []


def _page(request: HttpRequest, items: Any, per_page: int = 12) -> Any:
    from django.conf import settings

    paginator = Paginator(items, settings.CONTENT_PAGE_SIZE or per_page)
    return paginator.get_page(request.GET.get("page"))


def item_from_article(article: Article) -> dict[str, Any]:
    """What an item page shows, from the live row."""
    return {
        "kind": article.kind,
        "kind_label": article.get_kind_display(),
        "title": article.title,
        "summary": article.summary,
        "body_html": markdown_to_html(article.body),
        "story": article.story,
        "red_flags": [f for f in article.red_flags or [] if f],
        "what_to_do": [w for w in article.what_to_do or [] if w],
        "video_src": article.video_file.url if article.video_file else "",
        "video_type": _video_type(article.video_file.name or "" if article.video_file else ""),
        "video_url": article.video_url,
        "transcript": article.transcript,
        "source": article.source,
        "topic_name": article.topic.name,
        "topic_slug": article.topic.slug,
        "audiences": [a.name for a in article.audiences.all()],
        "regions": [region_full_name(code) or code for code in article.regions or []],
    }


def item_from_version(version: ArticleVersion) -> dict[str, Any]:
    """What an item page shows, from an immutable published snapshot."""
    snap = version.snapshot
    video_file = snap.get("video_file") or ""
    return {
        "kind": snap.get("kind", ArticleKind.ARTICLE),
        "kind_label": ArticleKind(snap.get("kind", ArticleKind.ARTICLE)).label,
        "title": snap.get("title", version.title),
        "summary": snap.get("summary", ""),
        "body_html": markdown_to_html(snap.get("body", "")),
        "story": snap.get("story", ""),
        "red_flags": [f for f in snap.get("red_flags", []) if f],
        "what_to_do": [w for w in snap.get("what_to_do", []) if w],
        "video_src": default_storage.url(video_file) if video_file else "",
        "video_type": _video_type(video_file),
        "video_url": snap.get("video_url", ""),
        "transcript": snap.get("transcript", ""),
        "source": snap.get("source", ""),
        "topic_name": snap.get("topic_name", ""),
        "topic_slug": snap.get("topic", ""),
        "audiences": [],
        "regions": [region_full_name(code) or code for code in snap.get("regions", [])],
    }


def _video_type(name: str) -> str:
    return "video/webm" if name.lower().endswith(".webm") else "video/mp4"


@require_GET
def library_home(request: HttpRequest) -> HttpResponse:
    form = LibraryFilterForm(request.GET or None)
    segments = _segments(request)
    return render(
        request,
        "content/home.html",
        {
            "form": form,
            "topics": selectors.topics_with_counts(),
            "latest": selectors.articles_list()[:6],
            "for_you": selectors.articles_for_segments(segments, limit=6) if segments else [],
        },
    )


@require_GET
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = Topic.objects.filter(slug=slug).first()
    if topic is None:
        raise Http404
    form = LibraryFilterForm(request.GET or None, initial={"topic": slug})
    kind = form.filters()["kind"]
    page = _page(request, selectors.articles_list(topic=slug, kind=kind))
    return render(request, "content/topic.html", {"topic": topic, "page": page, "form": form})


@require_GET
def search_results(request: HttpRequest) -> HttpResponse:
    form = LibraryFilterForm(request.GET or None)
    query = form.query()
    filters = form.filters()
    hits = selectors.articles_search(query, limit=50, **filters) if query else []
    browse = None
    if not query and any(filters.values()):
        browse = _page(request, selectors.articles_list(**filters))
    return render(
        request,
        "content/search.html",
        {"form": form, "query": query, "hits": hits, "browse": browse},
    )


@require_GET
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = selectors.article_get_for_reader(user=request.user, slug=slug)
    related = selectors.article_related(article, limit=4) if article.is_public else []
    return render(
        request,
        "content/item.html",
        {
            "article": article,
            "item": item_from_article(article),
            "related": related,
            "preview": not article.is_public,
            "version_count": article.versions.count(),
        },
    )


@require_GET
def article_versions(request: HttpRequest, slug: str) -> HttpResponse:
    article, versions = selectors.versions_for_reader(user=request.user, slug=slug)
    return render(request, "content/versions.html", {"article": article, "versions": versions})


@require_GET
def article_version_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = selectors.version_get_for_reader(user=request.user, slug=slug, number=number)
    latest = version.article.versions.order_by("-number").values_list("number", flat=True).first()
    return render(
        request,
        "content/version.html",
        {
            "article": version.article,
            "version": version,
            "item": item_from_version(version),
            "is_latest": latest == version.number,
        },
    )


def home_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    """Home page panel: items for the visitor's segments, else the newest."""
    segments = _segments(request)
    items = selectors.articles_for_segments(segments, limit=HOME_PANEL_ITEMS)
    if not items and segments:
        items = selectors.articles_for_segments([], limit=HOME_PANEL_ITEMS)
    if not items:
        return None
    return "content/panel_home.html", {"items": items, "personal": bool(segments)}
