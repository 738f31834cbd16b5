"""Writes to the knowledge library: the editorial workflow, versions, the search index.

draft → review → published (now or at a set time) → archived; review → draft when a
reviewer sends it back; published/archived → draft when an editor revises it. Every
approval records an immutable ``ArticleVersion``; every step a ``ReviewLogEntry``.
Organisation content is written by that organisation's editors and approved by its
reviewers; platform content (organisation = None) by platform admins.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from wanlixing.accounts.models import Organisation, Role, Segment, User
from wanlixing.accounts.selectors import user_has_role, user_is_platform_admin

from . import search
from .models import (
    Article,
    ArticleStatus,
    ArticleVersion,
    ReviewAction,
    ReviewLogEntry,
    Topic,
)

EDITOR_ROLES = (Role.EDITOR,)
REVIEWER_ROLES = (Role.REVIEWER,)
# Fields an editor may set; status, organisation and dates move only through the workflow.
EDITABLE_FIELDS = (
    "kind",
    "slug",
    "title",
    "summary",
    "body",
    "source",
    "topic",
    "regions",
    "keywords",
    "story",
    "red_flags",
    "what_to_do",
    "video_file",
    "video_url",
    "transcript",
    "facts",
)


def _can_edit(user: User, article: Article) -> bool:
    if article.organisation_id is None:
        return user_is_platform_admin(user)
    return user_has_role(user, article.organisation_id, *EDITOR_ROLES)


def _can_review(user: User, article: Article) -> bool:
    if article.organisation_id is None:
        return user_is_platform_admin(user)
    return user_has_role(user, article.organisation_id, *REVIEWER_ROLES)


def _log(
    article: Article,
    action: str,
    actor: User | None,
    comment: str = "",
    version: ArticleVersion | None = None,
) -> ReviewLogEntry:
    return ReviewLogEntry.objects.create(
        article=article, action=action, actor=actor, comment=comment, version=version
    )


def _require_status(article: Article, *allowed: str) -> None:
    if article.status not in allowed:
        names = "、".join(str(ArticleStatus(s).label) for s in allowed)
        raise ValidationError(
            _("当前状态为“%(status)s”，只有“%(allowed)s”状态可以执行此操作。")
            % {"status": article.get_status_display(), "allowed": names},
            code="bad_status",
        )


def _lock(article: Article) -> Article:
    return Article.objects.select_for_update().get(pk=article.pk)


def article_snapshot(article: Article) -> dict[str, Any]:
    """Everything a reader sees of an item, as plain data (what a version keeps)."""
    return {
        "kind": article.kind,
        "slug": article.slug,
        "title": article.title,
        "summary": article.summary,
        "body": article.body,
        "source": article.source,
        "topic": article.topic.slug,
        "topic_name": article.topic.name,
        "audiences": sorted(article.audiences.values_list("code", flat=True)),
        "regions": list(article.regions or []),
        "keywords": list(article.keywords or []),
        "story": article.story,
        "red_flags": list(article.red_flags or []),
        "what_to_do": list(article.what_to_do or []),
        "video_file": article.video_file.name if article.video_file else "",
        "video_url": article.video_url,
        "transcript": article.transcript,
        "facts": list(article.facts or []),
    }


def snapshot_digest(snapshot: dict[str, Any]) -> str:
    text = json.dumps(snapshot, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _record_version(
    article: Article, *, by: User | None, published_at: datetime, note: str = ""
) -> ArticleVersion:
    snapshot = article_snapshot(article)
    number = (article.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return ArticleVersion.objects.create(
        article=article,
        number=number,
        title=article.title,
        snapshot=snapshot,
        digest=snapshot_digest(snapshot),
        published_at=published_at,
        approved_by=by,
        note=note,
    )


def _apply(article: Article, data: dict[str, Any], audiences: list[str] | None) -> None:
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("不能修改这些字段：%(f)s。") % {"f": "、".join(sorted(unknown))})
    for name, value in data.items():
        setattr(article, name, value)
    if audiences is not None:
        known = set(Segment.objects.filter(code__in=audiences).values_list("code", flat=True))
        missing = sorted(set(audiences) - known)
        if missing:
            raise ValidationError(
                {"audiences": _("未知的受众群体：%(c)s。") % {"c": "、".join(missing)}}
            )


def article_create(
    *,
    by: User,
    organisation: Organisation | None,
    data: dict[str, Any],
    audiences: list[str] | None = None,
) -> Article:
    """A new draft written by ``by`` for ``organisation`` (None: platform content)."""
    article = Article(organisation=organisation, author=by, status=ArticleStatus.DRAFT)
    if not _can_edit(by, article):
        raise PermissionDenied
    _apply(article, data, audiences)
    article.full_clean()
    with transaction.atomic():
        article.save()
        if audiences is not None:
            article.audiences.set(Segment.objects.filter(code__in=audiences))
        _log(article, ReviewAction.CREATED, by)
    return article


def article_update(
    *, article: Article, by: User, data: dict[str, Any], audiences: list[str] | None = None
) -> Article:
    """Change a draft. Items in review, published or archived are revised first."""
    if not _can_edit(by, article):
        raise PermissionDenied
    with transaction.atomic():
        article = _lock(article)
        _require_status(article, ArticleStatus.DRAFT)
        _apply(article, data, audiences)
        article.full_clean()
        article.save()
        if audiences is not None:
            article.audiences.set(Segment.objects.filter(code__in=audiences))
        _log(article, ReviewAction.EDITED, by)
    return article


def article_save_form(*, article: Article, by: User, adding: bool) -> Article:
    """Save an item edited in a validated ModelForm (the back office): only drafts change,
    only editors of its organisation (platform admins for platform content) write."""
    if adding:
        article.author = by
        article.status = ArticleStatus.DRAFT
    if not _can_edit(by, article):
        raise PermissionDenied
    if not adding:
        stored = Article.objects.filter(pk=article.pk).values_list("status", flat=True).first()
        if stored != ArticleStatus.DRAFT:
            raise ValidationError(_("只有草稿可以修改；已发布或已归档的条目请先“撤回修订”。"))
    with transaction.atomic():
        article.save()
        _log(article, ReviewAction.CREATED if adding else ReviewAction.EDITED, by)
    return article


def article_submit(*, article: Article, by: User) -> Article:
    """An editor sends a complete draft to the organisation's reviewers."""
    if not _can_edit(by, article):
        raise PermissionDenied
    with transaction.atomic():
        article = _lock(article)
        _require_status(article, ArticleStatus.DRAFT)
        article.full_clean()
        article.status = ArticleStatus.REVIEW
        article.save(update_fields=["status", "updated_at"])
        _log(article, ReviewAction.SUBMITTED, by)
    return article


def article_last_submitter_id(article: Article) -> int | None:
    return (
        article.review_log.filter(action=ReviewAction.SUBMITTED)
        .order_by("-at", "-pk")
        .values_list("actor_id", flat=True)
        .first()
    )


def article_approve(
    *, article: Article, by: User, publish_at: datetime | None = None, comment: str = ""
) -> ArticleVersion:
    """A reviewer publishes an item now or at ``publish_at``; records the version.

    Nobody approves an item they wrote or submitted, platform admins included.
    """
    if not _can_review(by, article):
        raise PermissionDenied
    now = timezone.now()
    if publish_at is not None and publish_at < now - timedelta(minutes=5):
        raise ValidationError(_("定时发布时间不能早于现在。"), code="publish_at_past")
    with transaction.atomic():
        article = _lock(article)
        _require_status(article, ArticleStatus.REVIEW)
        if by.pk in {article.author_id, article_last_submitter_id(article)}:
            raise ValidationError(
                _("不能审核通过自己编写或提交的内容，请由其他审核员审核。"), code="own_item"
            )
        article.full_clean()
        when = publish_at if publish_at is not None and publish_at > now else now
        article.status = ArticleStatus.PUBLISHED
        article.published_at = when
        article.save(update_fields=["status", "published_at", "updated_at"])
        version = _record_version(article, by=by, published_at=when, note=comment)
        _log(article, ReviewAction.APPROVED, by, comment, version)
        search.index_article(article)
    return version


def article_reject(*, article: Article, by: User, comment: str) -> Article:
    """A reviewer sends an item back to draft with a comment saying what to fix."""
    if not _can_review(by, article):
        raise PermissionDenied
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("退回时请填写修改意见。")}, code="comment_required")
    with transaction.atomic():
        article = _lock(article)
        _require_status(article, ArticleStatus.REVIEW)
        article.status = ArticleStatus.DRAFT
        article.save(update_fields=["status", "updated_at"])
        _log(article, ReviewAction.REJECTED, by, comment)
    return article


def article_archive(*, article: Article, by: User, comment: str = "") -> Article:
    """Take a published item off the library; its versions stay on record."""
    if not _can_review(by, article):
        raise PermissionDenied
    with transaction.atomic():
        article = _lock(article)
        _require_status(article, ArticleStatus.PUBLISHED)
        article.status = ArticleStatus.ARCHIVED
        article.save(update_fields=["status", "updated_at"])
        _log(article, ReviewAction.ARCHIVED, by, comment)
        search.unindex_article(article)
    return article


def article_revise(*, article: Article, by: User) -> Article:
    """An editor reopens a published or archived item as a draft (it leaves the library
    until approved again; earlier versions stay viewable in its history)."""
    if not _can_edit(by, article):
        raise PermissionDenied
    with transaction.atomic():
        article = _lock(article)
        _require_status(article, ArticleStatus.PUBLISHED, ArticleStatus.ARCHIVED)
        article.status = ArticleStatus.DRAFT
        article.save(update_fields=["status", "updated_at"])
        _log(article, ReviewAction.REVISED, by)
        search.unindex_article(article)
    return article


def article_import(*, data: dict[str, Any], audiences: list[str], topic: Topic, note: str) -> str:
    """Create or update a platform item from starter data and publish it.

    Returns "created", "updated" or "unchanged". An unchanged item is left exactly as it
    is (including an archive or a revision a platform admin made), so re-running an
    import changes nothing.
    """
    article = Article.objects.filter(slug=data["slug"]).first()
    created = article is None
    if article is None:
        article = Article(slug=data["slug"], organisation=None)
    elif article.organisation_id is not None:
        raise ValidationError(_("网址代码已被机构内容占用：%(s)s。") % {"s": data["slug"]})
    else:
        latest = article.versions.order_by("-number").first()
        candidate = dict(
            data, topic=topic.slug, topic_name=topic.name, audiences=sorted(set(audiences))
        )
        wanted = {k: candidate.get(k, v) for k, v in article_snapshot(article).items()}
        if latest is not None and latest.digest == snapshot_digest(wanted):
            return "unchanged"
    for name, value in data.items():
        setattr(article, name, value)
    article.topic = topic
    article.full_clean(validate_unique=False)
    now = timezone.now()
    article.status = ArticleStatus.PUBLISHED
    article.published_at = article.published_at or now
    article.save()
    article.audiences.set(Segment.objects.filter(code__in=audiences))
    version = _record_version(article, by=None, published_at=now, note=note)
    _log(article, ReviewAction.IMPORTED, None, note, version)
    search.index_article(article)
    return "created" if created else "updated"


def search_index_rebuild() -> tuple[int, int]:
    """Index every published or scheduled item and drop the rest; returns (indexed, removed)."""
    live = Article.objects.filter(status=ArticleStatus.PUBLISHED).select_related("topic")
    indexed = 0
    for article in live:
        search.index_article(article)
        indexed += 1
    stale = Article.objects.exclude(status=ArticleStatus.PUBLISHED).filter(search_doc__isnull=False)
    removed = 0
    for article in stale:
        search.unindex_article(article)
        removed += 1
    return indexed, removed
