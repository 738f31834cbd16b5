"""The scam checker in a real browser: verdict, highlighted evidence, axe-core, screenshot."""

import pytest

from conftest import axe_serious_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCAM = (
    "您好，我是京东客服，您开通的百万保障即将扣费。请下载腾讯会议，打开屏幕共享，"
    "再把手机收到的验证码告诉我，我帮您关闭。有问题打 17012345678"
)


def test_checker_highlights_evidence_and_is_accessible(page, asgi_server):
    from wanlixing.antifraud.services import starter_redflags_load

    starter_redflags_load()
    page.goto(asgi_server + "/antifraud/check/")
    assert axe_serious_violations(page) == []
    page.fill("#id_text", SCAM)
    assert "字" in page.inner_text("#char-count")
    page.click("#check-form button[type=submit]")
    page.wait_for_selector("#result")
    assert "高风险" in page.inner_text("#result")
    marks = page.locator(".checked-text mark").all_inner_texts()
    assert any("屏幕共享" in m for m in marks)
    assert any("验证码" in m for m in marks)
    assert "虚拟运营商号段" in page.inner_text("main")
    assert axe_serious_violations(page) == []
    screenshot(page, "antifraud-checker")

    page.fill(
        "#id_text", "【顺丰速运】您的快件已到达小区北门丰巢柜，取件码58213，请于24小时内取件。"
    )
    page.click("#check-form button[type=submit]")
    page.wait_for_selector("#result")
    assert "未见明显风险" in page.inner_text("#result")
