"""Markdown bodies become sanitised HTML: nothing an editor types can run script."""

from __future__ import annotations

import pytest

from wanlixing.content.rendering import markdown_to_html, markdown_to_text

from .factories import ArticleFactory


def test_script_tags_and_their_content_are_removed():
    html = markdown_to_html("正文<script>alert('x')</script>结束")
    assert "<script" not in html
    assert "alert" not in html
    assert "正文" in html
    assert "结束" in html


def test_event_handlers_are_stripped():
    html = markdown_to_html(
        '<img src="/static/img/logo.svg" onerror="alert(1)">\n\n<p onclick="x()">点</p>'
    )
    assert "onerror" not in html
    assert "onclick" not in html
    assert 'src="/static/img/logo.svg"' in html


def test_javascript_urls_are_dropped():
    html = markdown_to_html('[点我](javascript:alert(1)) <a href="JaVaScRiPt:alert(2)">再点</a>')
    assert "javascript" not in html.lower()
    assert "点我" in html


def test_external_images_are_removed_but_links_kept_safe():
    html = markdown_to_html(
        "![图](https://evil.example/track.png)\n\n[官网](https://www.pbc.gov.cn/)"
    )
    assert "evil.example" not in html
    assert 'href="https://www.pbc.gov.cn/"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_iframes_styles_and_forms_are_not_allowed():
    html = markdown_to_html(
        '<iframe src="https://x.example"></iframe><style>body{}</style>'
        '<form action="/x"><input name="a"></form><div style="color:red">字</div>'
    )
    for bad in ("<iframe", "<style", "<form", "<input", "style="):
        assert bad not in html
    assert "字" in html


def test_markdown_structure_is_rendered_and_h1_demoted():
    html = markdown_to_html("# 大标题\n\n- 一\n- 二\n\n**重点**")
    assert "<h2>大标题</h2>" in html
    assert "<li>一</li>" in html
    assert "<strong>重点</strong>" in html
    assert markdown_to_text("**重点** <b>x</b>") == "重点 x"


@pytest.mark.django_db
def test_item_page_never_contains_editor_script(client):
    ArticleFactory(
        slug="xss-item", body='<script>alert(1)</script><img src=x onerror="alert(2)">安全'
    )
    body = client.get("/library/xss-item/").content.decode()
    assert "alert(1)" not in body
    assert "onerror" not in body
    assert "安全" in body
