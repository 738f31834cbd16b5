"""The editorial workflow: who may do what, versions, scheduling, archiving, isolation."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wanlixing.accounts.models import Role, User
from wanlixing.accounts.services import membership_add
from wanlixing.content import selectors, services
from wanlixing.content.models import (
    Article,
    ArticleStatus,
    ArticleVersion,
    ReviewAction,
    SearchTerm,
    Topic,
)

pytestmark = pytest.mark.django_db


def _draft(editor, org, **extra):
    data = {
        "kind": "article",
        "slug": extra.pop("slug", "loan-fee-trick"),
        "title": extra.pop("title", "砍头息的三种新花样"),
        "summary": "借款时先扣服务费，实际到手变少。",
        "body": "## 什么是砍头息\n\n借款人实际到手的钱，才是本金。",
        "source": "《民法典》第六百七十条",
        "topic": Topic.objects.get(slug="loan-rate"),
        "keywords": ["砍头息"],
        **extra,
    }
    return services.article_create(by=editor, organisation=org, data=data, audiences=["elderly"])


def test_full_workflow_publishes_a_version_and_logs_each_step(editor, reviewer, org):
    article = _draft(editor, org)
    assert article.status == ArticleStatus.DRAFT
    assert not Article.objects.published().filter(pk=article.pk).exists()

    services.article_submit(article=article, by=editor)
    version = services.article_approve(article=article, by=reviewer, comment="内容准确")

    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    assert Article.objects.published().filter(pk=article.pk).exists()
    assert version.number == 1
    assert version.approved_by == reviewer
    assert version.snapshot["title"] == "砍头息的三种新花样"
    assert version.snapshot["audiences"] == ["elderly"]
    log = list(article.review_log.order_by("at", "pk").values_list("action", "actor_id"))
    assert log == [
        (ReviewAction.CREATED, editor.pk),
        (ReviewAction.SUBMITTED, editor.pk),
        (ReviewAction.APPROVED, reviewer.pk),
    ]
    assert selectors.articles_search("砍头息")[0].article == article


def test_reviewer_cannot_approve_own_item(reviewer, org):
    membership_add(user=reviewer, organisation=org, role=Role.EDITOR)
    reviewer = User.objects.get(pk=reviewer.pk)
    article = _draft(reviewer, org)
    services.article_submit(article=article, by=reviewer)
    with pytest.raises(ValidationError, match="不能审核通过自己"):
        services.article_approve(article=article, by=reviewer)
    article.refresh_from_db()
    assert article.status == ArticleStatus.REVIEW
    assert article.versions.count() == 0


def test_reviewer_cannot_approve_item_they_submitted(editor, reviewer, org):
    membership_add(user=reviewer, organisation=org, role=Role.EDITOR)
    reviewer = User.objects.get(pk=reviewer.pk)
    article = _draft(editor, org)
    services.article_submit(article=article, by=reviewer)
    with pytest.raises(ValidationError):
        services.article_approve(article=article, by=reviewer)


def test_platform_admin_cannot_approve_platform_item_they_wrote(platform_admin):
    article = _draft(platform_admin, None, slug="platform-item")
    assert article.organisation is None
    services.article_submit(article=article, by=platform_admin)
    with pytest.raises(ValidationError):
        services.article_approve(article=article, by=platform_admin)
    other_admin = User.objects.create_superuser(username="root2", password="x-pass-123456")
    services.article_approve(article=article, by=other_admin)
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED


def test_org_staff_cannot_write_platform_content(editor):
    with pytest.raises(PermissionDenied):
        _draft(editor, None, slug="sneaky")


def test_editor_cannot_approve_and_reviewer_cannot_edit(editor, reviewer, org):
    article = _draft(editor, org)
    services.article_submit(article=article, by=editor)
    with pytest.raises(PermissionDenied):
        selectors.article_get_for_reviewer(user=editor, article_id=article.pk)
    with pytest.raises(PermissionDenied):
        services.article_approve(article=article, by=editor)
    with pytest.raises(PermissionDenied):
        selectors.article_get_for_editor(user=reviewer, article_id=article.pk)


def test_other_organisation_never_reaches_drafts(editor, org, other_editor, outsider):
    article = _draft(editor, org)
    for user in (other_editor, outsider):
        with pytest.raises(PermissionDenied):
            selectors.article_get_for_editor(user=user, article_id=article.pk)
        with pytest.raises(PermissionDenied):
            selectors.article_get_for_reviewer(user=user, article_id=article.pk)
        assert article not in selectors.articles_for_editor(user=user)
        with pytest.raises(PermissionDenied):
            services.article_update(article=article, by=user, data={"title": "改"})
    assert selectors.article_get_for_editor(user=editor, article_id=article.pk) == article


def test_reject_needs_a_comment_and_returns_to_draft(editor, reviewer, org):
    article = _draft(editor, org)
    services.article_submit(article=article, by=editor)
    with pytest.raises(ValidationError, match="修改意见"):
        services.article_reject(article=article, by=reviewer, comment="  ")
    services.article_reject(article=article, by=reviewer, comment="请补充来源")
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT
    entry = article.review_log.get(action=ReviewAction.REJECTED)
    assert (entry.actor, entry.comment) == (reviewer, "请补充来源")


def test_incomplete_case_cannot_be_submitted(editor, org):
    article = _draft(editor, org, slug="half-case")
    article.kind = "case"
    article.save()
    with pytest.raises(ValidationError) as info:
        services.article_submit(article=article, by=editor)
    assert "story" in info.value.message_dict
    assert "red_flags" in info.value.message_dict


def test_only_drafts_can_be_edited(editor, reviewer, org):
    article = _draft(editor, org)
    services.article_submit(article=article, by=editor)
    with pytest.raises(ValidationError, match="草稿"):
        services.article_update(article=article, by=editor, data={"title": "新标题"})


def test_every_published_version_is_kept_unchanged(editor, reviewer, org):
    article = _draft(editor, org)
    services.article_submit(article=article, by=editor)
    services.article_approve(article=article, by=reviewer)

    services.article_revise(article=article, by=editor)
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT
    services.article_update(article=article, by=editor, data={"title": "砍头息：修订版"})
    services.article_submit(article=article, by=editor)
    services.article_approve(article=article, by=reviewer)

    versions = list(article.versions.order_by("number").values_list("number", "title"))
    assert versions == [(1, "砍头息的三种新花样"), (2, "砍头息：修订版")]
    first = article.versions.get(number=1)
    assert first.snapshot["title"] == "砍头息的三种新花样"
    first.title = "篡改"
    with pytest.raises(ValueError, match="immutable"):
        first.save()
    assert ArticleVersion.objects.get(pk=first.pk).title == "砍头息的三种新花样"


def test_scheduled_publishing_appears_only_when_the_time_comes(editor, reviewer, org, client):
    article = _draft(editor, org)
    services.article_submit(article=article, by=editor)
    when = timezone.now() + timedelta(days=1)
    version = services.article_approve(article=article, by=reviewer, publish_at=when)

    assert version.published_at == when  # recorded at approval
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert selectors.articles_search("砍头息") == []
    assert client.get("/library/loan-fee-trick/").status_code == 404

    later = when + timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert Article.objects.published().filter(pk=article.pk).exists()
        assert [h.article for h in selectors.articles_search("砍头息")] == [article]
        assert client.get("/library/loan-fee-trick/").status_code == 200


def test_publish_time_in_the_past_is_refused(editor, reviewer, org):
    article = _draft(editor, org)
    services.article_submit(article=article, by=editor)
    with pytest.raises(ValidationError, match="不能早于现在"):
        services.article_approve(
            article=article, by=reviewer, publish_at=timezone.now() - timedelta(days=2)
        )


def test_archiving_hides_the_item_but_keeps_its_history(editor, reviewer, org, client):
    article = _draft(editor, org)
    services.article_submit(article=article, by=editor)
    services.article_approve(article=article, by=reviewer)
    assert SearchTerm.objects.filter(article=article).exists()

    services.article_archive(article=article, by=reviewer, comment="政策已更新")
    article.refresh_from_db()
    assert article.status == ArticleStatus.ARCHIVED
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert not SearchTerm.objects.filter(article=article).exists()
    assert selectors.articles_search("砍头息") == []
    assert client.get("/library/loan-fee-trick/").status_code == 404
    assert article.versions.count() == 1


def test_wrong_status_transitions_are_refused(editor, reviewer, org):
    article = _draft(editor, org)
    with pytest.raises(ValidationError, match="审核中"):
        services.article_approve(article=article, by=reviewer)
    with pytest.raises(ValidationError):
        services.article_archive(article=article, by=reviewer)
