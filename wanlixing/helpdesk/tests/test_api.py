"""API shapes for citizens and staff; errors in the {"error": {"code", "message"}} shape."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wanlixing.helpdesk.models import Ticket, TicketAccess
from wanlixing.helpdesk.tests.conftest import EXE, PNG

pytestmark = pytest.mark.django_db

TICKET = {
    "kind": "complaint",
    "category": "insurance",
    "description": "退保时被扣了很多手续费，之前没人告诉我。",
    "institution_type": "insurer",
    "institution_name": "某保险公司",
    "desired_outcome": "退回手续费",
}


def test_anonymous_route_preview(api_client, seed_rules):
    response = api_client.post(
        "/helpdesk/route-preview", {"category": "insurance", "institution_type": "insurer"}
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "channel",
        "channel_name",
        "channel_contact",
        "steps",
        "can_file_online",
        "organisation_id",
        "organisation_name",
    }
    assert body["channel"] == "12378"
    assert body["steps"][0]["channel"] == "institution"
    assert body["can_file_online"] is False


def test_route_preview_bad_input(api_client):
    response = api_client.post("/helpdesk/route-preview", {"category": "nope"})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "问题类别无效。"


def test_choices(api_client, org, handler):
    body = api_client.get("/helpdesk/choices").json()
    assert {"code": "fraud", "name": "电信诈骗/被骗"} in body["categories"]
    assert body["organisations"] == [{"code": str(org.pk), "name": org.name}]


def test_file_list_get_reply_as_citizen(api_client, client, learner, org, handler, seed_rules):
    assert api_client.post("/helpdesk/tickets", TICKET).status_code == 401
    client.force_login(learner)
    created = api_client.post("/helpdesk/tickets", {**TICKET, "organisation_id": org.pk})
    assert created.status_code == 201
    body = created.json()
    ref = body["reference"]
    assert body["status"] == "new"
    assert body["organisation_name"] == org.name
    assert body["sla_days"] == 15
    assert body["messages"][0]["kind"] == "event"
    assert Ticket.objects.get().source == "api"
    listing = api_client.get("/helpdesk/tickets").json()
    assert [t["reference"] for t in listing] == [ref]
    assert listing[0]["messages"] is None
    reply = api_client.post(f"/helpdesk/tickets/{ref}/replies", {"body": "补充：合同编号123"})
    assert reply.status_code == 201
    assert reply.json()["from_staff"] is False
    detail = api_client.get(f"/helpdesk/tickets/{ref}").json()
    assert [m["body"] for m in detail["messages"]][-1] == "补充：合同编号123"


def test_validation_errors_have_the_error_shape(api_client, client, learner):
    client.force_login(learner)
    response = api_client.post("/helpdesk/tickets", {**TICKET, "description": "短"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "至少10个字" in error["message"]
    too_long = api_client.post("/helpdesk/tickets", {**TICKET, "description": "长" * 6000})
    assert too_long.status_code == 422


def test_upload_attachment_via_api(api_client, client, learner, org, handler):
    client.force_login(learner)
    ref = api_client.post("/helpdesk/tickets", {**TICKET, "organisation_id": org.pk}).json()[
        "reference"
    ]
    ok = client.post(
        f"/api/v1/helpdesk/tickets/{ref}/attachments",
        {"file": SimpleUploadedFile("receipt.jpg", PNG, "image/jpeg")},
    )
    assert ok.status_code == 201
    assert ok.json()["content_type"] == "image/png"
    assert ok.json()["url"].startswith("/help/attachments/")
    bad = client.post(
        f"/api/v1/helpdesk/tickets/{ref}/attachments",
        {"file": SimpleUploadedFile("a.jpg", EXE, "image/jpeg")},
    )
    assert bad.status_code == 400
    assert "只能上传" in bad.json()["error"]["message"]


def test_citizen_api_isolation(api_client, client, learner, other_citizen, org, handler):
    client.force_login(learner)
    ref = api_client.post("/helpdesk/tickets", {**TICKET, "organisation_id": org.pk}).json()[
        "reference"
    ]
    client.force_login(other_citizen)
    assert api_client.get(f"/helpdesk/tickets/{ref}").status_code == 404
    assert api_client.post(f"/helpdesk/tickets/{ref}/replies", {"body": "x"}).status_code == 404
    assert api_client.get("/helpdesk/tickets").json() == []
    assert api_client.get("/helpdesk/staff/tickets").status_code == 403


def test_staff_queue_assign_reply_note_status_and_rating(
    api_client, client, learner, org, handler, org_admin, outsider
):
    client.force_login(learner)
    ref = api_client.post("/helpdesk/tickets", {**TICKET, "organisation_id": org.pk}).json()[
        "reference"
    ]
    client.force_login(org_admin)
    queue = api_client.get("/helpdesk/staff/tickets").json()
    assert [t["reference"] for t in queue] == [ref]
    assert queue[0]["phone_masked"] == "138****1234"
    assert queue[0]["citizen"] == "学**"
    assigned = api_client.post(f"/helpdesk/staff/tickets/{ref}/assign", {"assignee_id": handler.pk})
    assert assigned.json()["assignee_id"] == handler.pk
    client.force_login(handler)
    note = api_client.post(
        f"/helpdesk/staff/tickets/{ref}/messages", {"kind": "note", "body": "内部备注"}
    )
    assert note.status_code == 201
    reply = api_client.post(
        f"/helpdesk/staff/tickets/{ref}/messages",
        {"kind": "reply", "body": "已退回手续费。", "status": "resolved"},
    )
    assert reply.json()["from_staff"] is True
    staff_detail = api_client.get(f"/helpdesk/staff/tickets/{ref}").json()
    assert staff_detail["status"] == "resolved"
    assert "内部备注" in [m["body"] for m in staff_detail["messages"]]
    assert TicketAccess.objects.filter(via="api").count() >= 3
    bad = api_client.post(f"/helpdesk/staff/tickets/{ref}/status", {"status": "new"})
    assert bad.status_code == 400
    client.force_login(outsider)
    assert api_client.get(f"/helpdesk/staff/tickets/{ref}").status_code == 404
    client.force_login(learner)
    citizen_view = api_client.get(f"/helpdesk/tickets/{ref}").json()
    assert "内部备注" not in [m["body"] for m in citizen_view["messages"]]
    rated = api_client.post(f"/helpdesk/tickets/{ref}/rating", {"rating": 5, "comment": "好"})
    assert rated.json()["status"] == "closed"
    assert rated.json()["rating"] == 5
    assert api_client.post(f"/helpdesk/tickets/{ref}/rating", {"rating": 9}).status_code == 422
