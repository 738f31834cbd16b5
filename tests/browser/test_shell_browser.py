"""The home page in a real browser: 长辈模式, computed font size, axe-core, screenshots."""

import pytest

from conftest import axe_serious_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_elder_mode_and_accessibility(page, asgi_server):
    page.goto(asgi_server + "/")
    assert page.locator("h1").first.inner_text() == "金融知识万里行"
    normal_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert normal_size == 16
    assert axe_serious_violations(page) == []
    screenshot(page, "home-normal")

    page.click("#elder-toggle")
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.classList.contains('elder')")
    elder_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert elder_size >= 20
    button_height = page.evaluate(
        "document.querySelector('#elder-toggle').getBoundingClientRect().height"
    )
    assert button_height >= 48
    assert axe_serious_violations(page) == []
    screenshot(page, "home-elder")

    # The choice persists across pages (cookie for visitors).
    page.goto(asgi_server + "/accounts/login/")
    assert page.evaluate("document.documentElement.classList.contains('elder')")
    assert axe_serious_violations(page) == []


def test_signup_form_in_browser(page, asgi_server):
    page.goto(asgi_server + "/accounts/signup/")
    page.fill("#id_phone", "139 0000 1111")
    page.fill("#id_password", "Str0ng-pass!")
    page.fill("#id_password2", "Str0ng-pass!")
    page.check("#id_accept_privacy")
    page.click("button[type=submit] >> text=注册")
    page.wait_for_url("**/accounts/me/")
    assert "139****1111" in page.content()
    assert axe_serious_violations(page) == []
    screenshot(page, "me-after-signup")
