"""The knowledge library in a real browser: search, open an item, normal and 长辈模式."""

import pytest

from conftest import axe_serious_violations, screenshot
from wanlixing.content import search
from wanlixing.content.models import Topic
from wanlixing.content.tests.factories import ArticleFactory, CaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def items(transactional_db):
    loan = Topic.objects.get(slug="loan-rate")
    made = [
        ArticleFactory(
            slug="upfront-fee",
            title="砍头息：到手多少才算本金",
            summary="借款时先扣“服务费”，实际到手变少，就是砍头息。",
            body="## 怎么算本金\n\n出借人预先扣除利息的，按**实际借出的金额**计算本金。",
            source="《中华人民共和国民法典》第六百七十条",
            keywords=["砍头息", "服务费"],
            topic=loan,
        ),
        CaseFactory(
            slug="fee-case",
            title="小赵借5万元先交“保证金”",
            summary="钱没到手先交钱，都是骗局；砍头息也要警惕。",
            keywords=["砍头息", "保证金"],
            topic=loan,
        ),
    ]
    for item in made:
        search.index_article(item)
    return made


def test_library_search_and_article_in_normal_and_elder_mode(page, asgi_server, items):
    page.goto(asgi_server + "/library/")
    assert page.locator("h1").first.inner_text() == "金融知识库"
    assert axe_serious_violations(page) == []
    screenshot(page, "library-home")

    page.fill("input[type=search]", "砍头息")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_url("**/library/search/**")
    assert page.locator("#result-count").inner_text() == "“砍头息”找到 2 条结果"
    assert page.locator(".lib-results mark").first.inner_text() == "砍头息"
    assert axe_serious_violations(page) == []
    screenshot(page, "library-search")

    page.click(".lib-results a >> nth=0")
    page.wait_for_url("**/library/upfront-fee/")
    assert page.locator("h1").inner_text() == "砍头息：到手多少才算本金"
    assert "《中华人民共和国民法典》第六百七十条" in page.locator(".lib-source").inner_text()
    assert axe_serious_violations(page) == []
    screenshot(page, "library-article-normal")

    page.click("#elder-toggle")
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.classList.contains('elder')")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 20
    assert axe_serious_violations(page) == []
    screenshot(page, "library-article-elder")

    page.goto(asgi_server + "/library/fee-case/")
    assert page.locator("#flags-title").inner_text() == "风险信号"
    assert axe_serious_violations(page) == []
    screenshot(page, "library-case-elder")
