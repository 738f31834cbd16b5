"""A learner opens a topic, answers a 闯关 level, reads the explanations and earns points,
in normal and 长辈模式, with axe-core finding no serious or critical problems."""

import importlib

import pytest

from conftest import PASSWORD, axe_serious_violations, screenshot
from wanlixing.learning.bank import starter_load
from wanlixing.learning.models import Question
from wanlixing.learning.tests.conftest import FIXTURE_STARTER
from wanlixing.rewards.models import PointsEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded(transactional_db):
    """Earlier transactional tests flush the rows that migrations seed: put them back."""
    from django.apps import apps

    for module in (
        "wanlixing.accounts.migrations.0002_seed_segments",
        "wanlixing.content.migrations.0002_seed_topics",
    ):
        importlib.import_module(module).seed(apps, None)


def log_in(page, base):
    page.goto(base + "/accounts/login/?next=/learn/")
    page.fill("#id_username", "learner")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/learn/")


def answer_level(page, *, wrong: int = 0):
    """Tick the right option(s) of each question, except the first ``wrong`` ones."""
    for n, fieldset in enumerate(page.locator("fieldset.question").all()):
        name = fieldset.locator("input").first.get_attribute("name")
        question = Question.objects.get(pk=int(name[1:]))
        chosen = question.correct
        if n < wrong:
            chosen = [next(i for i in range(len(question.options)) if [i] != question.correct)]
        for index in chosen:
            fieldset.locator(f"input[value='{index}']").check()


def test_topic_quiz_explanations_and_points(seeded, page, asgi_server, learner):
    starter_load(FIXTURE_STARTER)
    log_in(page, asgi_server)

    page.click("text=存款与存款保险")
    page.wait_for_url("**/learn/topics/deposit-insurance/")
    assert page.locator("h1").inner_text() == "存款与存款保险"
    assert axe_serious_violations(page) == []
    screenshot(page, "learning-topic-normal")

    page.click("text=开始第 1 关")
    page.wait_for_selector("fieldset.question")
    assert page.locator("fieldset.question").count() == 5
    answer_level(page, wrong=1)
    assert axe_serious_violations(page) == []
    screenshot(page, "learning-quiz-normal")
    page.click("button.submit-answers")
    page.wait_for_selector(".score-card")

    assert "答对 4 / 5 题（80 分）" in page.locator(".score-card h2").inner_text()
    assert "第 2 关已解锁" in page.content()
    assert page.locator("#points-note").inner_text().strip() == "本次获得 10 积分。"
    assert page.locator(".explanation").count() == 5
    assert page.locator(".result-item.is-wrong").count() == 1
    assert PointsEntry.objects.get(user=learner).points == 10
    assert axe_serious_violations(page) == []
    screenshot(page, "learning-result-normal")

    # 长辈模式: larger text and tap targets, same journey.
    page.click("#elder-toggle")
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.classList.contains('elder')")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 20
    assert axe_serious_violations(page) == []
    screenshot(page, "learning-result-elder")

    page.click("text=闯第 2 关")
    page.wait_for_selector("fieldset.question")
    # The layout is measured only once the stylesheets are in: before the load
    # event the label is still an unstyled inline box.
    page.wait_for_load_state("load")
    option_height = page.evaluate(
        "document.querySelector('label.option').getBoundingClientRect().height"
    )
    assert option_height >= 48
    answer_level(page)
    assert axe_serious_violations(page) == []
    screenshot(page, "learning-quiz-elder")
    page.click("button.submit-answers")
    page.wait_for_selector(".score-card")
    assert "本次获得 10 积分。" in page.locator("#points-note").inner_text()
    assert PointsEntry.objects.filter(user=learner).count() == 2
    assert axe_serious_violations(page) == []
