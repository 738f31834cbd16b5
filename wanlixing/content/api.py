"""Knowledge library API (/api/v1/content/): reading for everyone, the editorial workflow
for editors and reviewers (signed in, role-checked, scoped to their organisations)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any, Literal

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from wanlixing.accounts.models import Organisation, Segment, User
from wanlixing.core.api import AUTH, AUTH_OPTIONAL, ApiError

from . import selectors, services
from .models import Article, ArticleVersion, Topic
from .rendering import markdown_to_html

router = Router(tags=["content"])

Kind = Literal["article", "case", "video"]


class TopicOut(Schema):
    slug: str
    name: str
    description: str
    count: int


class ItemOut(Schema):
    slug: str
    kind: str
    title: str
    summary: str
    topic: str
    topic_name: str
    audiences: list[str]
    regions: list[str]
    published_at: datetime | None
    url: str


class ItemPage(Schema):
    items: list[ItemOut]
    count: int
    page: int
    pages: int
    page_size: int


class ItemDetailOut(ItemOut):
    html: str
    source: str
    keywords: list[str]
    story: str
    red_flags: list[str]
    what_to_do: list[str]
    video_file_url: str
    video_url: str
    transcript: str
    version: int | None
    related: list[ItemOut]


class SearchHitOut(ItemOut):
    score: float
    title_html: str
    snippet_html: str


class SearchOut(Schema):
    query: str
    count: int
    items: list[SearchHitOut]


class VersionOut(Schema):
    number: int
    title: str
    published_at: datetime
    note: str


class VersionDetailOut(VersionOut):
    html: str
    snapshot: dict[str, Any]


class ListFilters(Schema):
    topic: str | None = Field(None, max_length=40)
    audience: str | None = Field(None, max_length=32)
    kind: Kind | None = None
    page: int = Field(1, ge=1, le=10000)
    page_size: int = Field(settings.CONTENT_PAGE_SIZE, ge=1, le=100)


class SearchFilters(Schema):
    q: str = Field(..., min_length=1, max_length=100, description="搜索词")
    topic: str | None = Field(None, max_length=40)
    audience: str | None = Field(None, max_length=32)
    kind: Kind | None = None
    limit: int = Field(10, ge=1, le=50)


def _item(article: Article) -> dict[str, Any]:
    return {
        "slug": article.slug,
        "kind": article.kind,
        "title": article.title,
        "summary": article.summary,
        "topic": article.topic.slug,
        "topic_name": article.topic.name,
        "audiences": [a.code for a in article.audiences.all()],
        "regions": list(article.regions or []),
        "published_at": article.published_at,
        "url": article.get_absolute_url(),
    }


def _check_filters(topic: str | None, audience: str | None) -> None:
    if topic and not Topic.objects.filter(slug=topic).exists():
        raise ApiError(400, "unknown_topic", f"未知主题：{topic}。")
    if audience and not Segment.objects.filter(code=audience).exists():
        raise ApiError(400, "unknown_audience", f"未知受众群体：{audience}。")


@router.get("/topics", response=list[TopicOut], auth=AUTH_OPTIONAL, summary="知识库主题")
def topics(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "slug": t.slug,
            "name": t.name,
            "description": t.description,
            "count": getattr(t, "published_count", 0),
        }
        for t in selectors.topics_with_counts()
    ]


@router.get("/articles", response=ItemPage, auth=AUTH_OPTIONAL, summary="已发布条目列表")
def articles(request: HttpRequest, filters: Query[ListFilters]) -> dict[str, Any]:
    _check_filters(filters.topic, filters.audience)
    qs = selectors.articles_list(
        topic=filters.topic, audience=filters.audience, kind=filters.kind
    ).prefetch_related("audiences")
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    return {
        "items": [_item(a) for a in qs[start : start + filters.page_size]],
        "count": count,
        "page": filters.page,
        "pages": max(1, math.ceil(count / filters.page_size)),
        "page_size": filters.page_size,
    }


@router.get("/search", response=SearchOut, auth=AUTH_OPTIONAL, summary="全文搜索（带高亮）")
def search(request: HttpRequest, filters: Query[SearchFilters]) -> dict[str, Any]:
    _check_filters(filters.topic, filters.audience)
    hits = selectors.articles_search(
        filters.q,
        limit=filters.limit,
        topic=filters.topic,
        audience=filters.audience,
        kind=filters.kind,
    )
    return {
        "query": filters.q,
        "count": len(hits),
        "items": [
            {
                **_item(hit.article),
                "score": hit.score,
                "title_html": str(hit.title_html),
                "snippet_html": str(hit.snippet_html),
            }
            for hit in hits
        ],
    }


@router.get(
    "/articles/{slug}", response=ItemDetailOut, auth=AUTH_OPTIONAL, summary="条目详情（安全HTML）"
)
def article_detail(request: HttpRequest, slug: str) -> dict[str, Any]:
    article = selectors.article_get_for_reader(user=request.user, slug=slug)
    latest = article.versions.order_by("-number").values_list("number", flat=True).first()
    related = selectors.article_related(article, limit=5) if article.is_public else []
    return {
        **_item(article),
        "html": str(markdown_to_html(article.body)),
        "source": article.source,
        "keywords": list(article.keywords or []),
        "story": article.story,
        "red_flags": list(article.red_flags or []),
        "what_to_do": list(article.what_to_do or []),
        "video_file_url": article.video_file.url if article.video_file else "",
        "video_url": article.video_url,
        "transcript": article.transcript,
        "version": latest,
        "related": [_item(a) for a in related],
    }


def _version(version: ArticleVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "title": version.title,
        "published_at": version.published_at,
        "note": version.note,
    }


@router.get(
    "/articles/{slug}/versions",
    response=list[VersionOut],
    auth=AUTH_OPTIONAL,
    summary="历史版本",
)
def versions(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    _article, qs = selectors.versions_for_reader(user=request.user, slug=slug)
    return [_version(v) for v in qs]


@router.get(
    "/articles/{slug}/versions/{number}",
    response=VersionDetailOut,
    auth=AUTH_OPTIONAL,
    summary="查看某个历史版本",
)
def version_detail(request: HttpRequest, slug: str, number: int) -> dict[str, Any]:
    version = selectors.version_get_for_reader(user=request.user, slug=slug, number=number)
    snapshot = dict(version.snapshot)
    if snapshot.get("video_file"):
        snapshot["video_file_url"] = default_storage.url(snapshot["video_file"])
    return {
        **_version(version),
        "html": str(markdown_to_html(snapshot.get("body", ""))),
        "snapshot": snapshot,
    }


# --- Editorial workflow ----------------------------------------------------------------


class ArticleIn(Schema):
    organisation_id: int | None = Field(None, description="所属机构；平台管理员可留空（平台内容）")
    kind: Kind
    slug: str = Field(..., min_length=1, max_length=80, pattern=r"^[-a-zA-Z0-9_]+$")
    title: str = Field(..., min_length=1, max_length=120)
    summary: str = Field("", max_length=300)
    body: str = Field("", max_length=50000)
    source: str = Field(..., min_length=1, max_length=300)
    topic: str = Field(..., max_length=40)
    audiences: list[str] = Field(default_factory=list, max_length=10)
    regions: list[str] = Field(default_factory=list, max_length=50)
    keywords: list[str] = Field(default_factory=list, max_length=30)
    story: str = Field("", max_length=20000)
    red_flags: list[str] = Field(default_factory=list, max_length=30)
    what_to_do: list[str] = Field(default_factory=list, max_length=30)
    video_url: str = Field("", max_length=200)
    transcript: str = Field("", max_length=50000)


class ArticlePatch(Schema):
    kind: Kind | None = None
    slug: str | None = Field(None, min_length=1, max_length=80, pattern=r"^[-a-zA-Z0-9_]+$")
    title: str | None = Field(None, min_length=1, max_length=120)
    summary: str | None = Field(None, max_length=300)
    body: str | None = Field(None, max_length=50000)
    source: str | None = Field(None, min_length=1, max_length=300)
    topic: str | None = Field(None, max_length=40)
    audiences: list[str] | None = Field(None, max_length=10)
    regions: list[str] | None = Field(None, max_length=50)
    keywords: list[str] | None = Field(None, max_length=30)
    story: str | None = Field(None, max_length=20000)
    red_flags: list[str] | None = Field(None, max_length=30)
    what_to_do: list[str] | None = Field(None, max_length=30)
    video_url: str | None = Field(None, max_length=200)
    transcript: str | None = Field(None, max_length=50000)


class ReviewIn(Schema):
    comment: str = Field("", max_length=2000)
    publish_at: datetime | None = Field(None, description="定时发布时间（仅审核通过时）")


class LogOut(Schema):
    action: str
    actor: str | None
    comment: str
    at: datetime


class EditorItemOut(Schema):
    id: int
    slug: str
    kind: str
    title: str
    status: str
    status_label: str
    organisation_id: int | None
    topic: str
    published_at: datetime | None
    updated_at: datetime
    preview_url: str


class EditorItemDetailOut(EditorItemOut):
    summary: str
    body: str
    source: str
    audiences: list[str]
    regions: list[str]
    keywords: list[str]
    story: str
    red_flags: list[str]
    what_to_do: list[str]
    video_url: str
    transcript: str
    log: list[LogOut]


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise ApiError(401, "not_authenticated", "请先登录，或提供有效的访问令牌。")
    return user


def _editor_item(article: Article) -> dict[str, Any]:
    return {
        "id": article.pk,
        "slug": article.slug,
        "kind": article.kind,
        "title": article.title,
        "status": article.status,
        "status_label": str(article.get_status_display()),
        "organisation_id": article.organisation_id,
        "topic": article.topic.slug,
        "published_at": article.published_at,
        "updated_at": article.updated_at,
        "preview_url": article.get_absolute_url(),
    }


def _editor_detail(article: Article) -> dict[str, Any]:
    log = article.review_log.select_related("actor").order_by("-at", "-pk")[:50]
    return {
        **_editor_item(article),
        "summary": article.summary,
        "body": article.body,
        "source": article.source,
        "audiences": [a.code for a in article.audiences.all()],
        "regions": list(article.regions or []),
        "keywords": list(article.keywords or []),
        "story": article.story,
        "red_flags": list(article.red_flags or []),
        "what_to_do": list(article.what_to_do or []),
        "video_url": article.video_url,
        "transcript": article.transcript,
        "log": [
            {
                "action": entry.action,
                "actor": entry.actor.public_name if entry.actor else None,
                "comment": entry.comment,
                "at": entry.at,
            }
            for entry in log
        ],
    }


def _fields(payload: Schema, *, partial: bool) -> tuple[dict[str, Any], list[str] | None]:
    data = payload.dict(exclude_unset=partial)
    data.pop("organisation_id", None)
    audiences = data.pop("audiences", None)
    if "topic" in data:
        topic = Topic.objects.filter(slug=data["topic"]).first()
        if topic is None:
            raise ApiError(400, "unknown_topic", f"未知主题：{data['topic']}。")
        data["topic"] = topic
    if partial:
        data = {k: v for k, v in data.items() if v is not None}
    return data, audiences


@router.get("/editor/articles", response=list[EditorItemOut], auth=AUTH, summary="我可编辑的条目")
def editor_articles(
    request: HttpRequest, status: Literal["draft", "review", "published", "archived"] | None = None
) -> list[dict[str, Any]]:
    qs = selectors.articles_for_editor(user=_user(request)).order_by("-updated_at")
    if status:
        qs = qs.filter(status=status)
    return [_editor_item(a) for a in qs[:200]]


@router.post("/editor/articles", response={201: EditorItemDetailOut}, auth=AUTH, summary="新建草稿")
def editor_create(request: HttpRequest, payload: ArticleIn) -> Status:
    user = _user(request)
    organisation = None
    if payload.organisation_id is not None:
        organisation = Organisation.objects.filter(pk=payload.organisation_id).first()
        if organisation is None:
            raise ApiError(400, "unknown_organisation", "机构不存在。")
    if Article.objects.filter(slug=payload.slug).exists():
        raise ApiError(409, "slug_taken", "该网址代码已被使用，请换一个。")
    data, audiences = _fields(payload, partial=False)
    article = services.article_create(
        by=user, organisation=organisation, data=data, audiences=audiences
    )
    return Status(201, _editor_detail(article))


@router.get(
    "/editor/articles/{article_id}",
    response=EditorItemDetailOut,
    auth=AUTH,
    summary="编辑查看条目",
)
def editor_detail(request: HttpRequest, article_id: int) -> dict[str, Any]:
    article = selectors.article_get_for_editor(user=_user(request), article_id=article_id)
    return _editor_detail(article)


@router.patch(
    "/editor/articles/{article_id}",
    response=EditorItemDetailOut,
    auth=AUTH,
    summary="修改草稿",
)
def editor_update(request: HttpRequest, article_id: int, payload: ArticlePatch) -> dict[str, Any]:
    user = _user(request)
    article = selectors.article_get_for_editor(user=user, article_id=article_id)
    data, audiences = _fields(payload, partial=True)
    if "slug" in data and Article.objects.filter(slug=data["slug"]).exclude(pk=article.pk):
        raise ApiError(409, "slug_taken", "该网址代码已被使用，请换一个。")
    article = services.article_update(article=article, by=user, data=data, audiences=audiences)
    return _editor_detail(article)


@router.post(
    "/editor/articles/{article_id}/submit",
    response=EditorItemOut,
    auth=AUTH,
    summary="提交审核",
)
def editor_submit(request: HttpRequest, article_id: int) -> dict[str, Any]:
    user = _user(request)
    article = selectors.article_get_for_editor(user=user, article_id=article_id)
    return _editor_item(services.article_submit(article=article, by=user))


@router.post(
    "/editor/articles/{article_id}/revise",
    response=EditorItemOut,
    auth=AUTH,
    summary="撤回修订（转为草稿）",
)
def editor_revise(request: HttpRequest, article_id: int) -> dict[str, Any]:
    user = _user(request)
    article = selectors.article_get_for_editor(user=user, article_id=article_id)
    return _editor_item(services.article_revise(article=article, by=user))


@router.get("/review/queue", response=list[EditorItemOut], auth=AUTH, summary="待审核条目")
def review_queue(request: HttpRequest) -> list[dict[str, Any]]:
    qs = selectors.articles_review_queue(user=_user(request)).order_by("updated_at")
    return [_editor_item(a) for a in qs[:200]]


@router.post(
    "/review/articles/{article_id}/approve",
    response=VersionOut,
    auth=AUTH,
    summary="审核通过（可定时发布）",
)
def review_approve(request: HttpRequest, article_id: int, payload: ReviewIn) -> dict[str, Any]:
    user = _user(request)
    article = selectors.article_get_for_reviewer(user=user, article_id=article_id)
    version = services.article_approve(
        article=article, by=user, publish_at=payload.publish_at, comment=payload.comment
    )
    return _version(version)


@router.post(
    "/review/articles/{article_id}/reject",
    response=EditorItemOut,
    auth=AUTH,
    summary="退回修改",
)
def review_reject(request: HttpRequest, article_id: int, payload: ReviewIn) -> dict[str, Any]:
    user = _user(request)
    article = selectors.article_get_for_reviewer(user=user, article_id=article_id)
    return _editor_item(services.article_reject(article=article, by=user, comment=payload.comment))


@router.post(
    "/review/articles/{article_id}/archive",
    response=EditorItemOut,
    auth=AUTH,
    summary="归档",
)
def review_archive(request: HttpRequest, article_id: int, payload: ReviewIn) -> dict[str, Any]:
    user = _user(request)
    article = selectors.article_get_for_reviewer(user=user, article_id=article_id)
    return _editor_item(services.article_archive(article=article, by=user, comment=payload.comment))
