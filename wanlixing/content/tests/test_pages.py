"""Library pages: home, topic, item kinds, search, versions, previews, home panel."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wanlixing.accounts.models import Segment
from wanlixing.content import services
from wanlixing.content.models import ArticleKind, Topic

from .factories import ArticleFactory, CaseFactory, DraftFactory

pytestmark = pytest.mark.django_db

MP4_HEAD = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 32


def test_library_home_lists_topics_latest_and_search_box(client):
    ArticleFactory(title="最新的一篇")
    page = client.get("/library/").content.decode()
    assert page.count('class="tile"') == 14
    assert "存款与存款保险" in page
    assert "最新的一篇" in page
    assert 'type="search"' in page
    assert 'role="search"' in page


def test_home_shows_items_for_the_signed_in_visitors_segment(client, learner):
    elderly = Segment.objects.get(code="elderly")
    learner.segments.add(elderly)
    for_elderly = ArticleFactory(title="写给长辈的存款知识")
    for_elderly.audiences.add(elderly)
    ArticleFactory(title="给学生的校园贷提醒")
    client.force_login(learner)
    library = client.get("/library/").content.decode()
    assert "为您推荐" in library
    home = client.get("/").content.decode()
    assert "为您推荐的知识" in home
    assert "写给长辈的存款知识" in home
    assert "给学生的校园贷提醒" not in home


def test_home_panel_shows_latest_for_visitors(client):
    ArticleFactory(title="人人都该知道的存款保险")
    home = client.get("/").content.decode()
    assert "知识库新内容" in home
    assert "人人都该知道的存款保险" in home


def test_case_page_shows_red_flags_what_to_do_and_source(client):
    CaseFactory(slug="case-x", source="公安部十大高发电信网络诈骗类型")
    page = client.get("/library/case-x/").content.decode()
    assert "风险信号" in page
    assert "要求屏幕共享" in page
    assert "应对方法" in page
    assert "拨打官方客服核实" in page
    assert "案情经过" in page
    assert "来源：" in page
    assert "公安部十大高发电信网络诈骗类型" in page


def test_video_page_with_uploaded_file_has_player_and_transcript(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ArticleFactory(
        slug="video-file",
        kind=ArticleKind.VIDEO,
        video_file=SimpleUploadedFile("clip.mp4", MP4_HEAD, content_type="video/mp4"),
        transcript="大家好，今天讲存款保险。",
    )
    page = client.get("/library/video-file/").content.decode()
    assert "<video controls" in page
    assert 'type="video/mp4"' in page
    assert "文字稿" in page
    assert "今天讲存款保险" in page


def test_video_page_with_external_link_links_out(client):
    ArticleFactory(
        slug="video-link",
        kind=ArticleKind.VIDEO,
        video_url="https://video.example.cn/v/1",
        transcript="文字稿内容。",
    )
    page = client.get("/library/video-link/").content.decode()
    assert "<video" not in page
    assert 'href="https://video.example.cn/v/1"' in page
    assert "文字稿内容" in page


def test_topic_page_filters_by_kind_and_unknown_topic_is_404(client):
    loan = Topic.objects.get(slug="loan-rate")
    ArticleFactory(topic=loan, title="贷款文章甲")
    CaseFactory(topic=loan, title="贷款案例乙")
    assert "贷款文章甲" in client.get("/library/topics/loan-rate/").content.decode()
    only_cases = client.get("/library/topics/loan-rate/?kind=case").content.decode()
    assert "贷款案例乙" in only_cases
    assert "贷款文章甲" not in only_cases
    missing = client.get("/library/topics/no-such-topic/")
    assert missing.status_code == 404
    assert "页面不存在" in missing.content.decode()


def test_search_page_highlights_and_filters(client, publish_indexed):
    publish_indexed(slug="fee", title="砍头息怎么算", keywords=["砍头息"])
    publish_indexed(
        slug="fee-case",
        factory=CaseFactory,
        title="砍头息案例",
        keywords=["砍头息"],
    )
    page = client.get("/library/search/", {"q": "砍头息"}).content.decode()
    assert "<mark>砍头息</mark>怎么算" in page
    assert "找到 2 条结果" in page
    cases = client.get("/library/search/", {"q": "砍头息", "kind": "case"}).content.decode()
    assert "找到 1 条结果" in cases
    assert "<mark>砍头息</mark>案例" in cases


def test_search_page_survives_bad_input(client):
    for params in ({"q": "x" * 500}, {"topic": "nope"}, {"kind": "<script>"}, {"page": "abc"}):
        response = client.get("/library/search/", params)
        assert response.status_code == 200
    assert "<script>" not in client.get("/library/search/", {"q": "<script>"}).content.decode()


def test_unknown_slug_is_a_friendly_404(client):
    response = client.get("/library/no-such-item/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_drafts_preview_only_for_their_own_organisation(
    client, editor, reviewer, org, other_editor, outsider
):
    DraftFactory(slug="org-draft", title="内部草稿", organisation=org)
    assert client.get("/library/org-draft/").status_code == 404
    for user in (other_editor, outsider):
        client.force_login(user)
        assert client.get("/library/org-draft/").status_code == 404
    for user in (editor, reviewer):
        client.force_login(user)
        page = client.get("/library/org-draft/")
        assert page.status_code == 200
        assert "预览" in page.content.decode()


def test_version_history_lists_and_shows_old_versions(client, editor, reviewer, org):
    article = services.article_create(
        by=editor,
        organisation=org,
        data={
            "kind": "article",
            "slug": "versioned",
            "title": "第一版标题",
            "body": "第一版正文",
            "source": "《存款保险条例》",
            "topic": Topic.objects.get(slug="deposit-insurance"),
        },
    )
    services.article_submit(article=article, by=editor)
    services.article_approve(article=article, by=reviewer)
    services.article_revise(article=article, by=editor)
    services.article_update(
        article=article, by=editor, data={"title": "第二版标题", "body": "第二版正文"}
    )
    services.article_submit(article=article, by=editor)
    services.article_approve(article=article, by=reviewer)

    history = client.get("/library/versioned/versions/").content.decode()
    assert "第 1 版" in history
    assert "第 2 版" in history
    old = client.get("/library/versioned/versions/1/").content.decode()
    assert "第一版正文" in old
    assert "第二版正文" not in old
    assert "查看当前版本" in old
    assert "第二版正文" in client.get("/library/versioned/").content.decode()
    assert client.get("/library/versioned/versions/9/").status_code == 404
