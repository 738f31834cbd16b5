"""Export and erase: the citizen's words and files go, the anonymous counts stay."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wanlixing.accounts.services import user_delete, user_export
from wanlixing.helpdesk import services
from wanlixing.helpdesk.models import Attachment, Ticket, TicketDailyCount
from wanlixing.helpdesk.selectors import ticket_dashboard
from wanlixing.helpdesk.tests.conftest import JPEG

pytestmark = pytest.mark.django_db


def test_export_includes_tickets_and_preferences_but_not_notes(learner, org, handler):
    ticket = services.ticket_open(
        user=learner,
        kind="complaint",
        category="payment",
        description="支付平台重复扣款两次，共 200 元。",
        organisation=org,
    )
    services.ticket_note(ticket=ticket, by=handler, body="内部备注不导出")
    services.ticket_reply(ticket=ticket, by=handler, body="已申请退款")
    data = user_export(user=learner)
    exported = data["helpdesk_tickets"][0]
    assert exported["description"] == "支付平台重复扣款两次，共 200 元。"
    assert "已申请退款" in [m["body"] for m in exported["messages"]]
    assert "内部备注不导出" not in str(data)
    assert "preferences" in data["notifications"]


def test_erase_removes_text_and_files_and_keeps_counts(learner, org, handler):
    ticket = services.ticket_open(
        user=learner,
        kind="complaint",
        category="payment",
        description="支付平台重复扣款两次，共 200 元。",
        organisation=org,
    )
    attachment = services.attachment_add(
        ticket=ticket, by=learner, upload=SimpleUploadedFile("a.jpg", JPEG, "image/jpeg")
    )
    path = attachment.file.path
    services.ticket_reply(ticket=ticket, by=handler, body="王阿姨您好，已退款")
    user_delete(user=learner)
    ticket.refresh_from_db()
    assert ticket.user is None
    assert ticket.description == "（提交人已删除个人信息）"
    assert ticket.erased_at is not None
    assert ticket.region_code == "440300"
    assert set(ticket.messages.values_list("body", flat=True)) == {"（已删除）"}
    assert not Attachment.objects.exists()
    import os

    assert not os.path.exists(path)
    assert Ticket.objects.count() == 1
    services.ticket_counts_refresh()
    assert TicketDailyCount.objects.get().opened == 1
    data = ticket_dashboard(org_ids={org.pk}, since=ticket.created_at.date())
    assert data["by_category"][0]["key"] == "payment"
