"""Help desk staff pages and labels in English."""

import pytest
from django.urls import reverse
from django.utils import translation

from wanlixing.helpdesk import services
from wanlixing.helpdesk.tests.factories import RoutingRuleFactory

pytestmark = pytest.mark.django_db


def _open(user, org):
    return services.ticket_open(
        user=user,
        kind="complaint",
        category="deposit-card",
        description="我在柜台存款时被推销了保险，当时说是存款。",
        institution_type="bank",
        organisation=org,
    )


def test_staff_ticket_page_in_english(client, learner, org, handler):
    ticket = _open(learner, org)
    ticket.rating = 4
    ticket.save(update_fields=["rating"])
    client.force_login(handler)
    body = client.get(ticket.get_staff_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f" ({ticket.sla_days} days)</dd>" in body
    assert "<dd>4 stars" in body
    assert "日）" not in body
    assert " 星" not in body
    assert '<button type="submit" class="secondary">Escalate</button>' in body


def test_staff_dashboard_counts_escalated_cases_in_english(
    client, learner, org, handler, org_admin
):
    _open(learner, org)
    client.force_login(org_admin)
    body = client.get(reverse("helpdesk:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<span>Escalated</span>" in body


def test_staff_ticket_page_in_chinese_is_unchanged(client, learner, org, handler):
    ticket = _open(learner, org)
    client.force_login(handler)
    body = client.get(ticket.get_staff_url()).content.decode()
    assert f"（{ticket.sla_days} 日）</dd>" in body


def test_routing_rule_label_in_english():
    rule = RoutingRuleFactory(institution_type="", region_code="")
    with translation.override("en"):
        assert str(rule).endswith(" / Any / Nationwide")
    with translation.override("zh-hans"):
        assert str(rule).endswith(" / 任意 / 全国")
