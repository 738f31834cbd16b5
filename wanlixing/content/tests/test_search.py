"""Chinese full-text search: ranking, highlighting, filters, normalisation, related items."""

from __future__ import annotations

import pytest

from wanlixing.content import search
from wanlixing.content.models import ArticleKind, Topic
from wanlixing.content.selectors import article_related, articles_for_topic, articles_search

from .factories import CaseFactory, DraftFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(publish_indexed):
    loan = Topic.objects.get(slug="loan-rate")
    deposit = Topic.objects.get(slug="deposit-insurance")
    fraud = Topic.objects.get(slug="telecom-fraud")
    return {
        "fee": publish_indexed(
            slug="upfront-fee",
            title="砍头息：到手多少才算本金",
            summary="借款时先扣“服务费”，就是砍头息。",
            body="出借人预先扣除利息的，按实际借出的金额计算本金。",
            keywords=["砍头息", "服务费"],
            topic=loan,
            audiences=["new-citizen"],
        ),
        "rate": publish_indexed(
            slug="annual-rate",
            title="借钱先看年化利率",
            summary="贷款广告要展示年化利率。",
            body="日利率看起来很低，换算成年化利率就不低了。砍头息也会推高真实利率。",
            keywords=["年化利率", "LPR"],
            topic=loan,
            audiences=["elderly"],
        ),
        "deposit": publish_indexed(
            slug="deposit-basics",
            title="存款保险保障50万元",
            summary="同一家银行本息合计50万元以内全额保障。",
            body="存款保险制度保护存款人。网络贷款不是存款。",
            keywords=["存款保险", "存款人"],
            topic=deposit,
            audiences=["elderly"],
        ),
        "case": publish_indexed(
            factory=CaseFactory,
            slug="brushing-case",
            title="做点赞任务被骗8万元",
            summary="刷单返利诈骗的典型案例。",
            body="刷单就是诈骗。",
            keywords=["刷单返利", "兼职"],
            topic=fraud,
        ),
    }


def test_known_query_finds_known_item_first_and_highlights_it(library):
    hits = articles_search("砍头息")
    assert [h.article.slug for h in hits][:2] == ["upfront-fee", "annual-rate"]
    assert "<mark>砍头息</mark>" in hits[0].title_html
    assert "<mark>砍头息</mark>" in hits[0].snippet_html


def test_dictionary_terms_stay_whole():
    assert "刷单返利" in search.words("警惕刷单返利骗局")
    assert "存款保险" in search.words("什么是存款保险制度")
    assert "数字人民币" in search.words("数字人民币钱包")


def test_highlight_escapes_html_in_titles(publish_indexed):
    publish_indexed(slug="html-title", title="<b>砍头息</b>陷阱", keywords=["砍头息"])
    hit = articles_search("砍头息")[0]
    assert hit.title_html == "&lt;b&gt;<mark>砍头息</mark>&lt;/b&gt;陷阱"


def test_filters_by_topic_audience_and_kind(library):
    assert [h.article.slug for h in articles_search("砍头息", audience="elderly")] == [
        "annual-rate"
    ]
    assert articles_search("存款保险", topic="loan-rate") == []
    assert [h.article.slug for h in articles_search("刷单", kind=ArticleKind.CASE)] == [
        "brushing-case"
    ]
    assert articles_search("刷单", kind=ArticleKind.VIDEO) == []


def test_typos_traditional_full_width_and_colloquial_words(library):
    assert articles_search("存款保陷")[0].article.slug == "deposit-basics"  # typo
    assert articles_search("存款保險")[0].article.slug == "deposit-basics"  # traditional
    assert articles_search("ＬＰＲ")[0].article.slug == "annual-rate"  # full width
    assert articles_search("找兼职")[0].article.slug == "brushing-case"  # colloquial → 刷单返利
    assert articles_search("网贷")  # 网贷 → 网络贷款


def test_unpublished_items_are_never_found(library, publish_indexed):
    publish_indexed(factory=DraftFactory, slug="secret-draft", title="砍头息内部草稿")
    assert "secret-draft" not in [h.article.slug for h in articles_search("砍头息")]


def test_empty_or_meaningless_query_returns_nothing(library):
    assert articles_search("") == []
    assert articles_search("的了吗") == []
    assert articles_search("？？？") == []


def test_related_prefers_same_topic_and_shared_terms_and_excludes_itself(library):
    related = article_related(library["fee"], limit=3)
    assert library["fee"] not in related
    assert related[0] == library["rate"]
    assert library["deposit"] not in related  # other topic, nothing in common


def test_related_never_returns_unpublished(library, publish_indexed):
    draft = publish_indexed(
        factory=DraftFactory,
        slug="draft-fee",
        title="砍头息草稿",
        topic=Topic.objects.get(slug="loan-rate"),
        keywords=["砍头息"],
    )
    assert draft not in article_related(library["fee"], limit=10)


def test_articles_for_topic_filters_kinds_and_limits(library):
    loan_items = articles_for_topic("loan-rate")
    assert {a.slug for a in loan_items} == {"upfront-fee", "annual-rate"}
    assert articles_for_topic("telecom-fraud", kinds=["case"]) == [library["case"]]
    assert articles_for_topic("telecom-fraud", kinds=["article"]) == []
    assert len(articles_for_topic("loan-rate", limit=1)) == 1


def test_starter_library_known_queries(starter_loaded):
    cases = {
        "砍头息": "loan-upfront-fee-and-deduction",
        "安全账户": "impersonate-authority-safe-account",
        "洗白征信": "case-credit-repair-intermediary",
        "刷单返利": "brushing-fraud-employee",
    }
    for query, slug in cases.items():
        hits = articles_search(query, limit=5)
        found = [h.article.slug for h in hits]
        assert found[:1] == [slug], (query, found)
    top = articles_search("存款保险", limit=3)
    assert {h.article.slug for h in top[:2]} == {
        "deposit-insurance-basics",
        "deposit-insurance-what-is-covered",
    }
    assert "<mark>" in top[0].title_html
