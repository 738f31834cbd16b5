"""File a complaint on a phone-sized page and follow it under 我的咨询 (real browser)."""

import pytest

from conftest import axe_serious_violations, screenshot
from wanlixing.accounts.models import Role
from wanlixing.accounts.services import membership_add
from wanlixing.accounts.tests.factories import OrganisationFactory, UserFactory
from wanlixing.helpdesk.models import Ticket
from wanlixing.helpdesk.starter import routing_rules_seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _task_queues(settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "reports", "notifications", "training"],
        }
    }


def _sign_in(page, base, username, password):
    page.goto(base + "/accounts/login/?next=/help/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit] >> text=登录")
    page.wait_for_url("**/help/")


def test_file_complaint_on_a_phone_and_see_it_under_my(page, asgi_server, password):
    routing_rules_seed()
    bank = OrganisationFactory(name="万里行测试银行南山支行", kind="bank", region_code="440305")
    membership_add(
        user=UserFactory(username="desk"), organisation=bank, role=Role.COMPLAINT_HANDLER
    )
    UserFactory(
        username="wangayi",
        display_name="王阿姨",
        phone="13800138000",
        region_code="440305",
        password=password,
    )
    _sign_in(page, asgi_server, "wangayi", password)
    assert axe_serious_violations(page) == []
    page.select_option("#id_category", "insurance")
    page.select_option("#id_institution_type", "bank")
    page.click("button[type=submit] >> text=查看处理途径")
    page.wait_for_url("**/help/route/**")
    assert "15 日" in page.content()
    assert "12378" in page.content()
    assert axe_serious_violations(page) == []
    screenshot(page, "helpdesk-route")

    page.click("text=在线提交这个问题")
    page.wait_for_url("**/help/new/**")
    page.check("input[name=kind][value=complaint]")
    page.select_option("#id_organisation", label="万里行测试银行南山支行")
    page.fill(
        "#id_description", "在银行柜台存钱，工作人员让我签了一份保险合同，说是存款，现在取不出来。"
    )
    page.fill("#id_desired_outcome", "退保，退回全部本金。")
    assert axe_serious_violations(page) == []
    screenshot(page, "helpdesk-new")
    page.click("#submit-ticket")
    page.wait_for_url("**/help/my/*/")
    ticket = Ticket.objects.get()
    assert ticket.organisation == bank
    assert ticket.reference in page.content()
    assert "万里行测试银行南山支行" in page.content()

    page.goto(asgi_server + "/help/my/")
    assert page.locator("h1").inner_text() == "我的咨询"
    assert page.locator(f"text={ticket.reference}").count() == 1
    no_overflow = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert no_overflow
    assert axe_serious_violations(page) == []
    screenshot(page, "helpdesk-my")

    # 长辈模式: larger type, still no violations
    page.click("#elder-toggle")
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.classList.contains('elder')")
    assert axe_serious_violations(page) == []
    screenshot(page, "helpdesk-my-elder")
