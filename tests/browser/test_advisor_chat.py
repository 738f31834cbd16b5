"""The advisor's chat page in a real browser: ask, read the cited answer, see the fraud
warning and the 'not sure' path; axe-core clean in normal and 长辈模式."""

import pytest

from conftest import axe_serious_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def starter_faq(transactional_db):
    import json
    from pathlib import Path

    from wanlixing.advisor.index import indexes_clear
    from wanlixing.advisor.starter import STARTER_FAQ, starter_load
    from wanlixing.content.models import Topic

    # A transactional test flushes the topics the content migration seeded.
    slugs = {json.loads(line)["topic"] for line in Path(STARTER_FAQ).read_text().splitlines()}
    for slug in slugs:
        Topic.objects.get_or_create(slug=slug, defaults={"name": slug})
    indexes_clear()
    starter_load()
    yield
    indexes_clear()


def test_chat_answers_with_source_and_warns_about_fraud(page, asgi_server, starter_faq):
    page.goto(asgi_server + "/advisor/")
    assert page.locator("h1").inner_text() == "智能金融顾问"
    assert axe_serious_violations(page) == []

    page.fill("#id_question", "借呗的利息怎么算")
    page.click("#ask-button")
    turn = page.locator(".chat-turn").last
    turn.locator(".citations a").wait_for()
    assert "利息" in turn.locator(".citations a").first.inner_text()
    assert turn.locator(".related li").count() >= 1

    page.fill("#id_question", "有人打电话让我把钱转到安全账户")
    page.click("#ask-button")
    page.locator(".chat-turn").nth(1).locator(".fraud-warning").wait_for()
    warning = page.locator(".chat-turn").nth(1).locator(".fraud-warning").inner_text()
    assert "110" in warning
    assert "96110" in warning

    page.locator("button.example", has_text="钱被骗了怎么办").click()
    page.locator(".chat-turn").nth(2).locator(".answer-text").wait_for()

    page.fill("#id_question", "红烧肉怎么做才好吃")
    page.click("#ask-button")
    page.locator(".chat-turn").nth(3).locator(".badge").wait_for()
    assert "没有把握" in page.locator(".chat-turn").nth(3).inner_text()
    assert axe_serious_violations(page) == []
    screenshot(page, "advisor-chat")

    page.click("#elder-toggle")
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.classList.contains('elder')")
    page.fill("#id_question", "银行倒闭了存款还能拿回来吗")
    page.click("#ask-button")
    page.locator(".chat-turn .citations a").first.wait_for()
    assert axe_serious_violations(page) == []
    screenshot(page, "advisor-chat-elder")


def test_chat_works_without_javascript(browser, asgi_server, starter_faq):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 844}, locale="zh-CN"
    )
    page = context.new_page()
    page.goto(asgi_server + "/advisor/")
    page.fill("#id_question", "理财亏了银行赔吗")
    page.click("#ask-button")
    page.wait_for_load_state()
    assert "出处" in page.locator(".chat-turn").inner_text()
    context.close()
