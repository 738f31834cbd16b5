"""The SLA clock: reminders before the deadline, escalation when overdue, auto-close."""

import datetime as dt

import pytest
from django.utils import timezone

from wanlixing.alerts.models import Delivery
from wanlixing.helpdesk import services
from wanlixing.helpdesk.models import Status
from wanlixing.helpdesk.tasks import tickets_sla_scan_task
from wanlixing.helpdesk.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def ticket(org, handler, org_admin, learner):
    return TicketFactory(
        user=learner, organisation=org, created_at=T0, due_at=T0 + dt.timedelta(days=15)
    )


def test_nothing_happens_early(ticket):
    assert services.tickets_sla_scan(now=T0 + dt.timedelta(days=10)) == {
        "reminded": 0,
        "escalated": 0,
        "closed": 0,
    }


def test_reminder_48_hours_before_goes_to_handlers_once(ticket, handler, org_admin):
    now = T0 + dt.timedelta(days=13, hours=10)  # 38 h before the deadline
    assert services.tickets_sla_scan(now=now)["reminded"] == 1
    assert services.tickets_sla_scan(now=now + dt.timedelta(hours=1))["reminded"] == 0
    keys = set(Delivery.objects.filter(key__contains=":remind:").values_list("user_id", flat=True))
    assert keys == {handler.pk, org_admin.pk}  # unassigned: every handler and admin
    ticket.refresh_from_db()
    assert ticket.reminded_at == now
    assert ticket.status == Status.NEW


def test_reminder_goes_to_assignee_only(ticket, handler, org_admin):
    services.ticket_assign(ticket=ticket, assignee=handler, by=org_admin)
    services.tickets_sla_scan(now=T0 + dt.timedelta(days=14))
    assert set(
        Delivery.objects.filter(key__contains=":remind:").values_list("user", flat=True)
    ) == {handler.pk}


def test_overdue_ticket_is_escalated_to_org_admin_once(ticket, org_admin, handler):
    now = T0 + dt.timedelta(days=15, minutes=1)
    assert services.tickets_sla_scan(now=now)["escalated"] == 1
    ticket.refresh_from_db()
    assert ticket.status == Status.ESCALATED
    assert ticket.escalated_at is not None
    assert Delivery.objects.filter(user=org_admin, key__contains=":escalated:").count() == 1
    assert not Delivery.objects.filter(user=handler, key__contains=":escalated:").exists()
    assert services.tickets_sla_scan(now=now + dt.timedelta(hours=2))["escalated"] == 0
    assert "系统自动升级" in ticket.messages.last().body


def test_extension_resets_the_reminder(ticket, handler):
    services.tickets_sla_scan(now=T0 + dt.timedelta(days=14))
    services.ticket_extend(ticket=ticket, by=handler, reason="需要调取录音")
    ticket.refresh_from_db()
    assert ticket.reminded_at is None
    assert services.tickets_sla_scan(now=T0 + dt.timedelta(days=16))["escalated"] == 0
    assert services.tickets_sla_scan(now=T0 + dt.timedelta(days=28, hours=12))["reminded"] == 1


def test_resolved_tickets_close_after_seven_days(ticket, handler):
    services.ticket_set_status(ticket=ticket, status=Status.RESOLVED, by=handler)
    resolved_at = ticket.resolved_at
    assert services.tickets_sla_scan(now=resolved_at + dt.timedelta(days=6))["closed"] == 0
    assert services.tickets_sla_scan(now=resolved_at + dt.timedelta(days=7))["closed"] == 1
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_scan_task_runs_and_refreshes_counts(ticket):
    result = tickets_sla_scan_task.enqueue()
    assert result.return_value["count_rows"] == 1


def test_counts_feed_the_dashboard(client, org, handler, analyst, learner):
    now = timezone.now()
    on_time = TicketFactory(
        user=learner,
        organisation=org,
        category="insurance",
        institution_type="insurer",
        region_code="440305",
        rating=5,
        resolved_at=now,
        status=Status.CLOSED,
    )
    late = TicketFactory(
        user=learner,
        organisation=org,
        category="insurance",
        institution_type="insurer",
        region_code="440106",
        rating=2,
        created_at=now - dt.timedelta(days=20),
        due_at=now - dt.timedelta(days=5),
        resolved_at=now,
        status=Status.CLOSED,
    )
    TicketFactory(
        user=learner,
        organisation=org,
        category="payment",
        institution_type="payment",
        region_code="",
        created_at=now - dt.timedelta(days=20),
        due_at=now - dt.timedelta(days=5),
    )
    TicketFactory(user=learner, organisation=None, category="payment")  # not this org's
    services.ticket_counts_refresh()
    from wanlixing.helpdesk.selectors import ticket_dashboard

    data = ticket_dashboard(org_ids={org.pk}, since=(now - dt.timedelta(days=30)).date())
    assert data["totals"]["opened"] == 3
    assert data["totals"]["resolved"] == 2
    assert data["sla_rate"] == 50
    assert data["satisfaction"] == 3.5
    assert data["totals"]["overdue_open"] == 1
    assert [(r["key"], r["count"]) for r in data["by_category"]] == [
        ("insurance", 2),
        ("payment", 1),
    ]
    regions = {r["label"]: r["count"] for r in data["by_region"]}
    assert regions == {"广东省 深圳市": 1, "广东省 广州市": 1, "未填写": 1}
    assert on_time.pk
    assert late.pk
    client.force_login(analyst)
    page = client.get("/help/staff/dashboard/").content.decode()
    assert "50%" in page
    assert "3.5" in page
    assert "保险理赔/退保" in page


def test_dashboard_is_refused_to_citizens(client, learner):
    client.force_login(learner)
    assert client.get("/help/staff/dashboard/").status_code == 403
