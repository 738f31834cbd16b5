"""Rewards pages in a real browser: normal and 长辈模式, axe-core, screenshots."""

import pytest

from conftest import PASSWORD, axe_serious_violations, screenshot
from wanlixing.accounts.tests.factories import OrganisationFactory, UserFactory
from wanlixing.rewards.services import badges_load_starter, points_award

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rewarded_learner():
    badges_load_starter()
    school = OrganisationFactory(name="实验中学", kind="school", region_code="440305")
    user = UserFactory(
        username="xiaoming", display_name="小明", region_code="440305", affiliation=school
    )
    for key, points in [("quiz:1:1", 10), ("quiz:2:1", 10), ("daily:1", 5), ("drill:a", 5)]:
        points_award(user=user, activity=key, points=points, reason="闯关答题")
    for name, points in [("同学甲", 40), ("同学乙", 20)]:
        mate = UserFactory(display_name=name, region_code="440305", affiliation=school)
        points_award(user=mate, activity="quiz:1:1", points=points, reason="闯关答题")
    return user


def sign_in(page, base, username):
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def test_rewards_pages_in_normal_and_elder_mode(page, asgi_server, rewarded_learner):
    sign_in(page, asgi_server, "xiaoming")
    page.goto(asgi_server + "/rewards/")
    assert page.locator("h1").inner_text() == "我的积分与徽章"
    assert page.locator(".rw-big").first.inner_text() == "30"
    assert axe_serious_violations(page) == []
    screenshot(page, "rewards-overview")

    page.goto(asgi_server + "/rewards/leaderboard/?scope=school")
    rows = page.locator(".rw-board tbody tr")
    assert rows.count() == 3
    assert "小明" in page.locator(".rw-me-row").inner_text()
    assert axe_serious_violations(page) == []
    screenshot(page, "rewards-leaderboard-school")

    page.click("#elder-toggle")
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.classList.contains('elder')")
    for path, name in [
        ("/rewards/badges/", "rewards-badges-elder"),
        ("/rewards/streak/", "rewards-streak-elder"),
        ("/rewards/points/", "rewards-points-elder"),
    ]:
        page.goto(asgi_server + path)
        violations = axe_serious_violations(page)
        assert violations == [], [
            (path, v["id"], [n["target"] for n in v["nodes"]]) for v in violations
        ]
        screenshot(page, name)
    # Nothing on the phone-sized page is wider than the screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
