"""A live game in real browsers: the host's console and big screen, three phones joining by
PIN, answering, seeing right/wrong with the explanation, their rank and the final board."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import axe_serious_violations, phone_context, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def live_store(settings):
    from wanlixing.livequiz import hub, live, store

    # The server thread would otherwise flush into the database while the test tears it down.
    settings.LIVEQUIZ_FLUSH_SECONDS = 0
    settings.LIVEQUIZ_COUNTS_EVERY_MS = 200
    store.reset_for_tests()
    hub.reset_for_tests()
    live._questions.clear()
    yield
    store.reset_for_tests()
    hub.reset_for_tests()


def test_host_runs_a_game_for_three_phones(
    page, browser, asgi_server, live_store, organiser, org, client
):
    from wanlixing.learning.tests.factories import QuestionFactory
    from wanlixing.livequiz.services import game_create

    questions = [
        QuestionFactory(
            stem="收到“安全账户”转账要求时应该怎么做？",
            explanation="公检法不会要求转账到安全账户。",
        ),
        QuestionFactory(stem="个人征信报告可以去哪里查询？"),
    ]
    game = game_create(
        by=organiser,
        organisation=org,
        title="社区反诈挑战赛",
        questions=questions,
        scoring="accuracy",
    )
    client.force_login(organiser)
    cookie = client.cookies["sessionid"].value

    host_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    host_context.add_cookies([{"name": "sessionid", "value": cookie, "url": asgi_server}])
    host = host_context.new_page()
    host.on("dialog", lambda dialog: dialog.accept())
    host.goto(f"{asgi_server}/live/host/{game.pk}/")
    assert host.locator(".lq-pin").inner_text() == game.pin
    screen = host_context.new_page()
    screen.set_viewport_size({"width": 1280, "height": 720})
    screen.goto(f"{asgi_server}/live/host/{game.pk}/screen/")
    assert screen.locator(".lq-s-pin").inner_text() == game.pin

    # Three phones: one by the page fixture, two in their own browser contexts (each
    # phone keeps its own device token).
    phones, guards = [page], []
    for _ in range(2):
        context, external = phone_context(browser)
        guards.append((context, external))
        phones.append(context.new_page())
    names = ["王阿姨", "小李", "张老师"]
    page.goto(f"{asgi_server}/live/")
    page.fill("#pin", game.pin)
    page.click(".lq-join button[type=submit]")
    for phone, name in zip(phones, names, strict=True):
        if phone is not page:
            phone.goto(f"{asgi_server}/live/play/{game.pin}/")
        phone.fill("#lq-nickname", name)
        phone.click("#lq-join-form button[type=submit]")
        phone.wait_for_selector("text=已加入，等待主持人开始。")
    expect(host.locator("#lq-players")).to_have_text("3")
    expect(screen.locator("#lq-s-players")).to_have_text("3")
    screenshot(screen, "livequiz-screen-lobby")
    screenshot(page, "livequiz-phone-lobby")
    assert axe_serious_violations(page) == []

    host.click("button[data-action=start]")
    for phone in phones:
        phone.wait_for_selector(".lq-option")
    assert page.locator("#lq-stem").inner_text() == questions[0].stem
    phones[0].click(".lq-opt-1")  # 乙: right
    phones[1].click(".lq-opt-0")  # 甲: wrong
    phones[2].click(".lq-opt-1")
    phones[0].wait_for_selector("text=答对了")
    phones[1].wait_for_selector("text=答错了")
    assert "公检法不会要求转账到安全账户" in phones[1].locator("#lq-explanation").inner_text()
    assert "正确答案：B. 乙" in phones[1].locator("#lq-answer").inner_text()
    screenshot(phones[1], "livequiz-phone-wrong-with-explanation")
    expect(host.locator("#lq-answered")).to_have_text("3")

    host.click("button[data-action=close]")
    expect(phones[1].locator("#lq-rank")).to_have_text("3")
    assert phones[1].locator("#lq-score").inner_text() == "0"
    screen.wait_for_selector(".lq-s-right")
    assert screen.locator(".lq-s-right .lq-s-bar").inner_text() == "2 人"
    screenshot(screen, "livequiz-screen-distribution")
    host.locator("#lq-board li").first.wait_for()
    assert host.locator("#lq-board li").count() == 3
    screenshot(host, "livequiz-host-console")

    host.click("button[data-action=end]")
    for phone in phones:
        phone.wait_for_selector("text=答题结束，谢谢参与！")
    screen.wait_for_selector(".lq-place-1")
    assert screen.locator(".lq-place").count() == 3
    screenshot(screen, "livequiz-screen-podium")
    screenshot(phones[0], "livequiz-phone-final")

    page.evaluate("document.documentElement.classList.add('elder')")
    assert axe_serious_violations(page) == []
    for context, external in guards:
        context.close()
        assert external == []
    host_context.close()
