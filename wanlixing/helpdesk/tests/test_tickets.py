"""Filing, handling and closing tickets, as citizens and staff do it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wanlixing.accounts.models import Role
from wanlixing.accounts.services import membership_add
from wanlixing.accounts.tests.factories import UserFactory
from wanlixing.alerts.models import Delivery
from wanlixing.helpdesk import services
from wanlixing.helpdesk.extensions import register_ticket_action, unregister_ticket_action
from wanlixing.helpdesk.models import MessageKind, Status, Ticket
from wanlixing.helpdesk.signals import ticket_reply_published

pytestmark = pytest.mark.django_db


def _open(user, **kw):
    data = {
        "user": user,
        "kind": "complaint",
        "category": "deposit-card",
        "description": "我在柜台存款时被推销了保险，当时说是存款。",
        "institution_type": "bank",
    }
    data.update(kw)
    return services.ticket_open(**data)


def test_citizen_files_complaint_on_the_web_and_sees_it_under_my(
    client, learner, org, handler, seed_rules
):
    client.force_login(learner)
    response = client.post(
        "/help/new/",
        {
            "kind": "complaint",
            "category": "deposit-card",
            "institution_type": "bank",
            "organisation": str(org.pk),
            "region_code": "440305",
            "description": "我在柜台存款时被推销了保险，当时说是存款。",
            "desired_outcome": "退保并退回全部本金",
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/help/my/{ticket.reference}/"
    assert ticket.organisation == org
    assert ticket.institution_name == org.name
    assert ticket.status == Status.NEW
    assert ticket.sla_days == 15
    assert ticket.due_at - ticket.created_at == dt.timedelta(days=15)
    listing = client.get("/help/my/").content.decode()
    assert ticket.reference in listing
    assert "银行卡/存款" in listing
    # the handler of the organisation was told, and so was the citizen (in-app)
    assert Delivery.objects.filter(user=handler, key__startswith=f"ticket:{ticket.reference}:new")
    assert Delivery.objects.filter(user=learner, key=f"ticket:{ticket.reference}:opened")


def test_form_errors_are_chinese_and_nothing_is_saved(client, learner):
    client.force_login(learner)
    response = client.post(
        "/help/new/", {"kind": "complaint", "category": "deposit-card", "description": "太短"}
    )
    assert response.status_code == 400
    assert "至少10个字" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_filing_needs_sign_in(client):
    response = client.get("/help/new/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_consultation_has_the_shorter_limit(learner, seed_rules):
    ticket = _open(learner, kind="consultation")
    assert ticket.sla_days == 3


def test_unrouted_ticket_waits_for_the_platform(learner, seed_rules):
    ticket = _open(learner)
    assert ticket.organisation is None
    assert ticket.channel == "12378"
    assert ticket.messages.get().body == "已提交，受理方：平台（等待分派）。"


def test_organisation_without_handlers_is_refused(learner, other_org):
    with pytest.raises(ValidationError) as exc:
        _open(learner, organisation=other_org)
    assert "暂未在平台开通在线受理" in str(exc.value)


def test_daily_limit(learner, seed_rules):
    for _ in range(services.TICKETS_PER_DAY):
        _open(learner)
    with pytest.raises(ValidationError) as exc:
        _open(learner)
    assert "已达上限" in str(exc.value)


def test_reply_is_seen_note_is_not(client, learner, org, handler):
    ticket = _open(learner, organisation=org)
    services.ticket_reply(ticket=ticket, by=handler, body="您好，已联系网点核实。")
    services.ticket_note(ticket=ticket, by=handler, body="内部：网点经理说录音在")
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.assignee == handler
    assert ticket.first_response_at is not None
    client.force_login(learner)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "已联系网点核实" in page
    assert "网点经理说录音在" not in page
    staff_view = (client.force_login(handler), client.get(ticket.get_staff_url()))[1]
    assert "网点经理说录音在" in staff_view.content.decode()


def test_reply_sends_signal_after_commit_for_the_advisor(
    learner, org, handler, django_capture_on_commit_callbacks
):
    ticket = _open(learner, organisation=org)
    received = []

    def listener(sender, ticket, message, **kw):
        received.append((ticket.reference, message.body))

    ticket_reply_published.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.ticket_reply(ticket=ticket, by=handler, body="建议先找网点经理。")
    finally:
        ticket_reply_published.disconnect(listener)
    assert received == [(ticket.reference, "建议先找网点经理。")]


def test_advisor_hand_off_contract(learner, org, handler):
    ticket = services.ticket_open(
        user=learner,
        kind="consultation",
        category="credit-report",
        description="我的征信上有一笔不认识的贷款，怎么处理？",
        source="advisor",
        context={"conversation_id": 17, "question": "征信上有不认识的贷款"},
        organisation=org,
    )
    assert ticket.source == "advisor"
    assert ticket.context["conversation_id"] == 17
    services.ticket_reply(ticket=ticket, by=handler, body="可以免费提出征信异议。")
    replies = list(ticket.messages.expert_replies().values_list("body", flat=True))
    assert replies == ["可以免费提出征信异议。"]


def test_citizen_reply_reopens_resolved_ticket(learner, org, handler):
    ticket = _open(learner, organisation=org)
    services.ticket_set_status(ticket=ticket, status=Status.RESOLVED, by=handler)
    assert ticket.resolved_at is not None
    services.ticket_citizen_reply(ticket=ticket, by=learner, body="还没有退钱。")
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.resolved_at is None


def test_rating_closes_and_only_once(client, learner, org, handler):
    ticket = _open(learner, organisation=org)
    client.force_login(learner)
    early = client.post(f"{ticket.get_absolute_url()}rate/", {"rating": "5"}, follow=True)
    assert "处理完成后才能评价" in early.content.decode()
    services.ticket_set_status(ticket=ticket, status=Status.RESOLVED, by=handler)
    client.post(f"{ticket.get_absolute_url()}rate/", {"rating": "4", "comment": "答复及时"})
    ticket.refresh_from_db()
    assert (ticket.rating, ticket.rating_comment, ticket.status) == (4, "答复及时", Status.CLOSED)
    again = client.post(f"{ticket.get_absolute_url()}rate/", {"rating": "1"}, follow=True)
    assert "已经评价过了" in again.content.decode()
    ticket.refresh_from_db()
    assert ticket.rating == 4


@pytest.mark.parametrize("rating", [0, 6, True])
def test_rating_out_of_range_is_refused(learner, org, handler, rating):
    ticket = _open(learner, organisation=org)
    services.ticket_set_status(ticket=ticket, status=Status.RESOLVED, by=handler)
    with pytest.raises(ValidationError):
        services.ticket_rate(ticket=ticket, by=learner, rating=rating)


def test_extension_steps_15_30_60_and_tells_the_citizen(learner, org, handler):
    ticket = _open(learner, organisation=org)
    with pytest.raises(ValidationError):
        services.ticket_extend(ticket=ticket, by=handler, reason="")
    services.ticket_extend(ticket=ticket, by=handler, reason="需要调取录音")
    assert ticket.sla_days == 30
    assert ticket.due_at == ticket.created_at + dt.timedelta(days=30)
    services.ticket_extend(ticket=ticket, by=handler, reason="总行审批")
    assert ticket.sla_days == 60
    with pytest.raises(ValidationError) as exc:
        services.ticket_extend(ticket=ticket, by=handler, reason="再延")
    assert "最长 60 日" in str(exc.value)
    public = list(ticket.messages.filter(kind=MessageKind.REPLY).values_list("body", flat=True))
    assert any("延长至 30 日" in b and "需要调取录音" in b for b in public)


def test_consultation_cannot_be_extended(learner, org, handler):
    ticket = _open(learner, organisation=org, kind="consultation")
    with pytest.raises(ValidationError):
        services.ticket_extend(ticket=ticket, by=handler, reason="复杂")


def test_assign_only_to_own_organisations_handlers(learner, org, handler, org_admin, outsider):
    ticket = _open(learner, organisation=org)
    services.ticket_assign(ticket=ticket, assignee=handler, by=org_admin)
    assert ticket.status == Status.ASSIGNED
    with pytest.raises(ValidationError):
        services.ticket_assign(ticket=ticket, assignee=outsider, by=org_admin)
    with pytest.raises(PermissionDenied):
        services.ticket_assign(ticket=ticket, assignee=outsider, by=outsider)


def test_manual_escalation_notifies_org_admins(client, learner, org, handler, org_admin):
    ticket = _open(learner, organisation=org)
    client.force_login(handler)
    client.post(f"{ticket.get_staff_url()}escalate/", {"reason": "涉及金额大"})
    ticket.refresh_from_db()
    assert ticket.status == Status.ESCALATED
    assert Delivery.objects.filter(user=org_admin, key__contains=":escalated:").exists()


def test_platform_admin_routes_unrouted_ticket(learner, org, handler, platform_admin, seed_rules):
    ticket = _open(learner)
    services.ticket_route_to(ticket=ticket, organisation=org, by=platform_admin)
    assert ticket.organisation == org
    with pytest.raises(PermissionDenied):
        services.ticket_route_to(ticket=ticket, organisation=org, by=handler)


def test_registered_ticket_actions_render_on_staff_page(client, learner, org, handler):
    ticket = _open(learner, organisation=org, source="advisor")
    plain = _open(learner, organisation=org)
    register_ticket_action(
        "收进常见问题",
        url_for_ticket=lambda t: f"/advisor/faq/from/{t.reference}/",
        applies_to=lambda t: t.source == "advisor",
    )
    try:
        client.force_login(handler)
        page = client.get(ticket.get_staff_url()).content.decode()
        other = client.get(plain.get_staff_url()).content.decode()
    finally:
        unregister_ticket_action("收进常见问题")
    assert f'href="/advisor/faq/from/{ticket.reference}/"' in page
    assert "收进常见问题" not in other


def test_citizen_closes_own_ticket(client, learner, org, handler):
    ticket = _open(learner, organisation=org)
    client.force_login(learner)
    client.post(f"{ticket.get_absolute_url()}close/")
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert ticket.closed_at is not None


def test_me_panel_lists_my_consultations(client, learner, org, handler):
    ticket = _open(learner, organisation=org)
    client.force_login(learner)
    page = client.get("/accounts/me/").content.decode()
    assert "我的咨询" in page
    assert ticket.get_absolute_url() in page


def test_new_handler_of_other_org_gets_nothing(learner, org, handler, outsider):
    other_handler = UserFactory(username="h2")
    membership_add(
        user=other_handler,
        organisation=outsider.memberships.get().organisation,
        role=Role.COMPLAINT_HANDLER,
    )
    _open(learner, organisation=org)
    assert not Delivery.objects.filter(user=other_handler).exists()
    assert timezone.now()
