"""Who sees which ticket: citizen, handler, outsider; masking; the audit log."""

import pytest

from wanlixing.helpdesk.models import TicketAccess
from wanlixing.helpdesk.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(learner, org, handler):
    return TicketFactory(user=learner, organisation=org, description="我的存款被划走了三千元")


def test_citizen_sees_only_own_tickets(client, ticket, other_citizen):
    client.force_login(other_citizen)
    assert client.get(ticket.get_absolute_url()).status_code == 404
    assert ticket.reference not in client.get("/help/my/").content.decode()
    assert client.post(f"{ticket.get_absolute_url()}reply/", {"body": "x"}).status_code == 404
    assert client.get(ticket.get_staff_url()).status_code == 403


def test_handler_sees_own_organisations_queue_with_masked_data(client, ticket, handler):
    client.force_login(handler)
    page = client.get("/help/staff/").content.decode()
    assert ticket.reference in page
    assert "138****1234" in page
    assert "13812341234" not in page
    assert "学**" in page  # 学习者小王, shortened
    assert "学习者小王" not in page


def test_outsider_cannot_see_another_organisations_ticket(client, ticket, outsider):
    client.force_login(outsider)
    assert ticket.reference not in client.get("/help/staff/").content.decode()
    assert client.get(ticket.get_staff_url()).status_code == 404
    response = client.post(f"{ticket.get_staff_url()}message/", {"kind": "reply", "body": "hi"})
    assert response.status_code == 404
    assert not ticket.messages.exists()


def test_other_staff_roles_have_no_ticket_access(client, ticket, editor):
    client.force_login(editor)
    assert client.get("/help/staff/").status_code == 403
    assert client.get(ticket.get_staff_url()).status_code == 403


def test_every_staff_view_is_audited_and_visible_to_org_admin(
    client, ticket, handler, org_admin, outsider
):
    client.force_login(handler)
    client.get(ticket.get_staff_url())
    client.get(ticket.get_staff_url())
    response = client.post(f"{ticket.get_staff_url()}reveal/")
    assert "13812341234" in response.content.decode()
    entries = list(TicketAccess.objects.order_by("at", "pk").values_list("user", "action"))
    assert entries == [(handler.pk, "view"), (handler.pk, "view"), (handler.pk, "reveal_contact")]
    # the detail page itself shows only the masked number
    assert "13812341234" not in client.get(ticket.get_staff_url()).content.decode()
    assert client.get("/help/staff/audit/").status_code == 403  # handlers are not org admins
    client.force_login(org_admin)
    audit = client.get("/help/staff/audit/").content.decode()
    assert "查看联系方式" in audit
    assert ticket.reference in audit
    client.force_login(outsider)
    assert ticket.reference not in client.get("/help/staff/audit/").content.decode()


def test_audit_log_in_back_office_is_org_scoped_and_read_only(
    client, ticket, handler, org_admin, outsider
):
    client.force_login(handler)
    client.get(ticket.get_staff_url())
    client.force_login(org_admin)
    listing = client.get("/admin/helpdesk/ticketaccess/")
    assert listing.status_code == 200
    assert handler.display_name in listing.content.decode()
    client.force_login(outsider)
    assert handler.display_name not in client.get("/admin/helpdesk/ticketaccess/").content.decode()
