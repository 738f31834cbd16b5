"""Back office: organisation scoping, workflow buttons, video upload checks."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from wanlixing.content.models import Article, ArticleStatus, Topic
from wanlixing.content.validators import validate_video_file

from .factories import ArticleFactory, DraftFactory

pytestmark = pytest.mark.django_db

MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64
WEBM = b"\x1a\x45\xdf\xa3" + b"\x00" * 64
CHANGELIST = "/admin/content/article/"


def _form(**extra):
    topic = Topic.objects.get(slug="payment-security")
    data = {
        "kind": "article",
        "title": "验证码谁要都不给",
        "slug": "sms-code",
        "topic": str(topic.pk),
        "summary": "",
        "source": "中国人民银行",
        "body": "正文",
        "story": "",
        "red_flags": "",
        "what_to_do": "",
        "video_url": "",
        "transcript": "",
        "regions": "",
        "keywords": "验证码，短信",
        "facts": "",
        "review_log-TOTAL_FORMS": "0",
        "review_log-INITIAL_FORMS": "0",
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
    }
    data.update(extra)
    return data


def test_editor_sees_only_own_organisation_items(client, editor, org, other_org):
    DraftFactory(title="本机构草稿", organisation=org)
    other = DraftFactory(title="别家机构草稿", organisation=other_org)
    ArticleFactory(title="平台文章", organisation=None)
    client.force_login(editor)
    page = client.get(CHANGELIST).content.decode()
    assert "本机构草稿" in page
    assert "别家机构草稿" not in page
    assert "平台文章" not in page
    response = client.get(f"{CHANGELIST}{other.pk}/change/")
    assert response.status_code == 302  # admin redirects: "does not exist"
    assert client.get(f"{CHANGELIST}{other.pk}/workflow/submit/").status_code == 403


def test_outsider_cannot_list_another_organisations_drafts(client, outsider, org):
    DraftFactory(title="本机构草稿", organisation=org)
    client.force_login(outsider)
    response = client.get(CHANGELIST)
    assert "本机构草稿" not in response.content.decode()


def test_editor_creates_draft_in_own_organisation(client, editor, org):
    client.force_login(editor)
    response = client.post(f"{CHANGELIST}add/", _form(organisation=str(org.pk)))
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(slug="sms-code")
    assert (article.organisation, article.author, article.status) == (org, editor, "draft")
    assert article.keywords == ["验证码", "短信"]
    assert article.review_log.get().action == "created"


def test_editor_cannot_create_for_another_organisation(client, editor, other_org):
    client.force_login(editor)
    response = client.post(f"{CHANGELIST}add/", _form(organisation=str(other_org.pk)))
    assert response.status_code == 200  # form error: choice not available
    assert not Article.objects.filter(slug="sms-code").exists()


def test_workflow_buttons_submit_and_approve(client, editor, reviewer, org):
    draft = DraftFactory(organisation=org, author=editor)
    client.force_login(editor)
    change = client.get(f"{CHANGELIST}{draft.pk}/change/").content.decode()
    assert "提交审核" in change
    client.post(f"{CHANGELIST}{draft.pk}/workflow/submit/", {"comment": ""})
    draft.refresh_from_db()
    assert draft.status == ArticleStatus.REVIEW

    client.force_login(reviewer)
    client.post(f"{CHANGELIST}{draft.pk}/workflow/approve/", {"comment": "好", "publish_at": ""})
    draft.refresh_from_db()
    assert draft.status == ArticleStatus.PUBLISHED
    assert draft.versions.get().approved_by == reviewer


def test_reject_button_without_comment_shows_chinese_error(client, reviewer, org):
    item = DraftFactory(organisation=org, status=ArticleStatus.REVIEW)
    client.force_login(reviewer)
    response = client.post(f"{CHANGELIST}{item.pk}/workflow/reject/", {"comment": ""}, follow=True)
    assert "退回时请填写修改意见" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ArticleStatus.REVIEW


def test_published_items_are_read_only_in_admin(client, editor, org):
    item = ArticleFactory(organisation=org)
    client.force_login(editor)
    response = client.post(f"{CHANGELIST}{item.pk}/change/", _form(organisation=str(org.pk)))
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.title != "验证码谁要都不给"


def test_video_upload_rejects_wrong_type_and_oversize_in_chinese(client, editor, org, settings):
    settings.CONTENT_VIDEO_MAX_MB = 1
    client.force_login(editor)
    base = _form(organisation=str(org.pk), kind="video", transcript="文字稿", body="")
    wrong = client.post(
        f"{CHANGELIST}add/",
        {**base, "video_file": SimpleUploadedFile("clip.avi", b"RIFF....AVI ")},
    )
    assert "视频只支持 MP4 或 WebM 格式" in wrong.content.decode()
    big = client.post(
        f"{CHANGELIST}add/",
        {**base, "video_file": SimpleUploadedFile("clip.mp4", MP4 + b"\x00" * (1024 * 1024))},
    )
    assert "视频文件过大：上限为 1 MB" in big.content.decode()
    assert not Article.objects.exists()


def test_video_validator_checks_the_content_not_just_the_name(settings):
    settings.CONTENT_VIDEO_MAX_MB = 5
    validate_video_file(SimpleUploadedFile("a.mp4", MP4))
    validate_video_file(SimpleUploadedFile("a.webm", WEBM))
    with pytest.raises(ValidationError, match="不是有效的 MP4 或 WebM"):
        validate_video_file(SimpleUploadedFile("fake.mp4", b"<html>not a video</html>"))
    with pytest.raises(ValidationError, match="不是有效的"):
        validate_video_file(SimpleUploadedFile("a.webm", MP4))
