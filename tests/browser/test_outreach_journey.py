"""A participant registers for an event on the phone, staff check them in by typing the
participant code, and the participant answers the post-test (literacy form B) from their
code page without an account; screenshots at every step, axe finds nothing serious."""

import importlib

import pytest

from conftest import PASSWORD, axe_serious_violations, screenshot
from wanlixing.learning.bank import starter_load
from wanlixing.learning.tests.conftest import FIXTURE_STARTER
from wanlixing.outreach.models import Registration
from wanlixing.outreach.tests.factories import EventFactory
from wanlixing.surveys.models import Instrument, KnowledgeGain

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


def test_register_check_in_and_post_test(seeded, page, asgi_server, org, organiser):
    starter_load(FIXTURE_STARTER)
    event = EventFactory(
        campaign__lead_organisation=org, organisation=org, title="社区防诈讲座", is_published=True
    )
    Instrument.objects.create(
        organisation=org, campaign=event.campaign, kind="post-test", title="知识后测",
        literacy_form="B",
    )  # fmt: skip

    # 1. The participant registers on the public event page.
    page.goto(f"{asgi_server}/events/{event.pk}/")
    page.fill("#id_name", "陈阿姨")
    page.fill("#id_phone", "13912345678")
    page.select_option("#id_audience", "elderly")
    page.check("#id_consent")
    assert axe_serious_violations(page) == []
    screenshot(page, "outreach-event-register")
    page.click("main button[type=submit]")
    page.wait_for_url("**/events/registered/**")
    code = page.locator("#participant-code").inner_text()
    registration = Registration.objects.get(event=event)
    assert code.replace("-", "") == registration.code
    screenshot(page, "outreach-registered-code")

    # 2. Staff sign in and check the participant in by typing the code.
    page.goto(f"{asgi_server}/accounts/login/?next=/events/{event.pk}/checkin/")
    page.fill("#id_username", "organiser")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/events/{event.pk}/checkin/")
    page.fill("#id_code", code.lower())
    page.click("button[name=check_in]")
    page.wait_for_selector("#checkin-result")
    assert "签到成功" in page.locator("#checkin-result").inner_text()
    assert "13912345678" not in page.content()
    assert axe_serious_violations(page) == []
    screenshot(page, "outreach-checked-in")
    registration.refresh_from_db()
    assert registration.attended_at is not None

    # 3. Back on the participant's phone (no account): the post-test from the code page.
    page.context.clear_cookies()
    page.goto(f"{asgi_server}/surveys/c/{registration.code}/")
    page.click("text=开始填写")
    page.wait_for_selector("fieldset.survey-item")
    for fieldset in page.locator("fieldset.survey-item").all():
        fieldset.locator("input").first.check()
    assert axe_serious_violations(page) == []
    screenshot(page, "outreach-post-test")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    screenshot(page, "outreach-post-test-done")
    gain = KnowledgeGain.objects.get(registration=registration)
    assert gain.post_score is not None
    assert 0 <= gain.post_score <= 100
    page.goto(f"{asgi_server}/surveys/c/{registration.code}/")
    assert "已完成" in page.locator("main").inner_text()
