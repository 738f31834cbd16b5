"""/api/v1/content/: reading shapes, workflow endpoints, roles and organisation scoping."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from wanlixing.accounts.models import Segment
from wanlixing.content.models import Article, ArticleStatus, Topic

from .factories import ArticleFactory, CaseFactory, DraftFactory

pytestmark = pytest.mark.django_db

NEW_ITEM = {
    "kind": "article",
    "slug": "api-item",
    "title": "信用卡分期的真实年化利率",
    "summary": "每月手续费0.6%，年化约13%。",
    "body": "## 怎么算\n\n按实际占用的本金计算。<script>alert(1)</script>",
    "source": "中国人民银行公告〔2021〕第3号",
    "topic": "credit-card",
    "audiences": ["employee"],
    "keywords": ["信用卡分期", "年化利率"],
}


def _login(client, user):
    client.force_login(user)


def test_topics_list_has_counts(api_client):
    ArticleFactory()
    data = api_client.get("/content/topics").json()
    assert len(data) == 14
    deposit = next(t for t in data if t["slug"] == "deposit-insurance")
    assert deposit == {
        "slug": "deposit-insurance",
        "name": "存款与存款保险",
        "description": "",
        "count": 1,
    }


def test_article_list_filters_and_paginates(api_client):
    elderly = Segment.objects.get(code="elderly")
    for n in range(3):
        ArticleFactory(slug=f"a{n}")
    case = CaseFactory(slug="c1")
    case.audiences.add(elderly)
    DraftFactory(slug="hidden")
    page = api_client.get("/content/articles?page_size=2&page=2").json()
    assert (page["count"], page["pages"], page["page"], len(page["items"])) == (4, 2, 2, 2)
    assert set(page["items"][0]) == {
        "slug", "kind", "title", "summary", "topic", "topic_name", "audiences",
        "regions", "published_at", "url",
    }  # fmt: skip
    cases = api_client.get("/content/articles?kind=case&audience=elderly").json()
    assert [i["slug"] for i in cases["items"]] == ["c1"]
    assert cases["items"][0]["audiences"] == ["elderly"]
    bad = api_client.get("/content/articles?topic=nope")
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "unknown_topic"


def test_search_returns_highlighted_hits(api_client, publish_indexed):
    publish_indexed(slug="fee", title="砍头息怎么算", keywords=["砍头息"])
    data = api_client.get("/content/search", data={"q": "砍头息"}).json()
    assert data["count"] == 1
    hit = data["items"][0]
    assert hit["slug"] == "fee"
    assert hit["title_html"] == "<mark>砍头息</mark>怎么算"
    assert hit["score"] > 0
    empty = api_client.get("/content/search", data={"q": ""})
    assert empty.status_code == 422
    assert empty.json()["error"]["code"] == "validation_error"


def test_detail_is_sanitised_and_has_related_and_versions(api_client, publish_indexed):
    item = publish_indexed(
        slug="detail",
        body="正文<script>alert(1)</script><img src=x onerror=alert(2)>",
        keywords=["存款保险"],
    )
    publish_indexed(slug="neighbour", keywords=["存款保险"])
    data = api_client.get("/content/articles/detail").json()
    assert "<script" not in data["html"]
    assert "onerror" not in data["html"]
    assert data["source"] == item.source
    assert [r["slug"] for r in data["related"]] == ["neighbour"]
    assert data["version"] is None
    missing = api_client.get("/content/articles/nope")
    assert missing.status_code == 404
    assert missing.json() == {"error": {"code": "not_found", "message": "请求的内容不存在。"}}


def test_editor_and_reviewer_workflow_over_the_api(client, api_client, editor, reviewer, org):
    _login(client, editor)
    created = api_client.post("/content/editor/articles", {**NEW_ITEM, "organisation_id": org.pk})
    assert created.status_code == 201, created.json()
    item = created.json()
    assert (item["status"], item["organisation_id"]) == ("draft", org.pk)
    assert item["log"][0]["action"] == "created"
    patched = api_client.patch(f"/content/editor/articles/{item['id']}", {"title": "分期真实利率"})
    assert patched.json()["title"] == "分期真实利率"
    submitted = api_client.post(f"/content/editor/articles/{item['id']}/submit")
    assert submitted.json()["status"] == "review"
    assert api_client.post(f"/content/review/articles/{item['id']}/approve", {}).status_code == 403

    _login(client, reviewer)
    queue = api_client.get("/content/review/queue").json()
    assert [q["id"] for q in queue] == [item["id"]]
    approved = api_client.post(
        f"/content/review/articles/{item['id']}/approve", {"comment": "通过"}
    )
    assert approved.status_code == 200
    assert approved.json()["number"] == 1

    client.logout()
    public = api_client.get("/content/articles/api-item").json()
    assert public["title"] == "分期真实利率"
    assert public["version"] == 1
    versions = api_client.get("/content/articles/api-item/versions").json()
    assert [(v["number"], v["note"]) for v in versions] == [(1, "通过")]
    old = api_client.get("/content/articles/api-item/versions/1").json()
    assert old["snapshot"]["title"] == "分期真实利率"
    assert "<script" not in old["html"]


def test_scheduled_approval_over_the_api(client, api_client, editor, reviewer, org):
    article = DraftFactory(slug="later", organisation=org, author=editor, status="review")
    _login(client, reviewer)
    when = (timezone.now() + timedelta(days=3)).isoformat()
    response = api_client.post(
        f"/content/review/articles/{article.pk}/approve", {"publish_at": when}
    )
    assert response.status_code == 200
    client.logout()
    assert api_client.get("/content/articles/later").status_code == 404


def test_reject_without_comment_is_a_chinese_400(client, api_client, reviewer, org):
    article = DraftFactory(organisation=org, status=ArticleStatus.REVIEW)
    _login(client, reviewer)
    response = api_client.post(f"/content/review/articles/{article.pk}/reject", {})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "退回时请填写修改意见。"


def test_reviewer_cannot_approve_own_item_over_the_api(client, api_client, reviewer, org):
    article = DraftFactory(organisation=org, author=reviewer, status=ArticleStatus.REVIEW)
    _login(client, reviewer)
    response = api_client.post(f"/content/review/articles/{article.pk}/approve", {})
    assert response.status_code == 400
    assert "自己" in response.json()["error"]["message"]
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.REVIEW


def test_other_organisations_cannot_see_or_touch_drafts(
    client, api_client, org, other_editor, outsider
):
    draft = DraftFactory(slug="org-secret", organisation=org)
    for user in (other_editor, outsider):
        _login(client, user)
        assert api_client.get(f"/content/editor/articles/{draft.pk}").status_code == 403
        listing = api_client.get("/content/editor/articles").json()
        assert draft.pk not in [i["id"] for i in listing]
        assert api_client.post(f"/content/editor/articles/{draft.pk}/submit").status_code == 403
        assert api_client.get("/content/articles/org-secret").status_code == 404
        assert api_client.get("/content/review/queue").json() == []
    _login(client, other_editor)
    foreign = api_client.post("/content/editor/articles", {**NEW_ITEM, "organisation_id": org.pk})
    assert foreign.status_code == 403
    assert not Article.objects.filter(slug="api-item").exists()


def test_workflow_needs_sign_in_and_validates_input(client, api_client, editor, org):
    assert api_client.get("/content/editor/articles").status_code == 401
    _login(client, editor)
    bad = api_client.post(
        "/content/editor/articles",
        {**NEW_ITEM, "organisation_id": org.pk, "kind": "case", "slug": "bad case"},
    )
    assert bad.status_code == 422
    case = api_client.post(
        "/content/editor/articles", {**NEW_ITEM, "organisation_id": org.pk, "kind": "case"}
    )
    assert case.status_code == 400
    assert "案情" in case.json()["error"]["message"]
    assert api_client.get("/content/editor/articles/999999").status_code == 404
    unknown = api_client.post(
        "/content/editor/articles", {**NEW_ITEM, "organisation_id": org.pk, "topic": "zzz"}
    )
    assert unknown.json()["error"]["code"] == "unknown_topic"
    ArticleFactory(slug="taken", topic=Topic.objects.get(slug="credit-card"))
    taken = api_client.post(
        "/content/editor/articles", {**NEW_ITEM, "organisation_id": org.pk, "slug": "taken"}
    )
    assert taken.status_code == 409
