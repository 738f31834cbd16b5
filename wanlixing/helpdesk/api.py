"""Help desk API (/api/v1/helpdesk/): citizens file and follow cases, staff work the queue."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from wanlixing.accounts.models import Organisation, User
from wanlixing.accounts.regions import region_full_name, region_is_valid
from wanlixing.core.api import AUTH, AUTH_OPTIONAL, ApiError

from . import selectors, services
from .models import Attachment, Category, InstitutionType, Kind, Ticket, TicketMessage
from .models import Status as TicketStatus
from .triage import channel_info, participating_organisations, route_for

router = Router(tags=["helpdesk"])


class ChoiceOut(Schema):
    code: str
    name: str


class ChoicesOut(Schema):
    kinds: list[ChoiceOut]
    categories: list[ChoiceOut]
    institution_types: list[ChoiceOut]
    statuses: list[ChoiceOut]
    organisations: list[ChoiceOut]


class RouteIn(Schema):
    category: str = Field(..., max_length=24)
    institution_type: str = Field("", max_length=12)
    region_code: str = Field("", max_length=6)
    organisation_id: int | None = None


class StepOut(Schema):
    title: str
    text: str
    channel: str


class RouteOut(Schema):
    channel: str
    channel_name: str
    channel_contact: str
    steps: list[StepOut]
    can_file_online: bool
    organisation_id: int | None
    organisation_name: str | None


class TicketIn(Schema):
    kind: str = Field(..., max_length=12)
    category: str = Field(..., max_length=24)
    description: str = Field(..., max_length=5000)
    institution_name: str = Field("", max_length=100)
    institution_type: str = Field("", max_length=12)
    desired_outcome: str = Field("", max_length=2000)
    region_code: str | None = Field(None, max_length=6)
    organisation_id: int | None = None


class MessageOut(Schema):
    id: int
    kind: str
    from_staff: bool
    body: str
    created_at: str


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str


class TicketOut(Schema):
    reference: str
    kind: str
    category: str
    category_name: str
    status: str
    status_name: str
    institution_name: str
    institution_type: str
    description: str
    desired_outcome: str
    region_code: str
    region_name: str
    organisation_name: str | None
    channel: str
    created_at: str
    due_at: str
    sla_days: int
    rating: int | None
    messages: list[MessageOut] | None = None
    attachments: list[AttachmentOut] | None = None


class StaffTicketOut(TicketOut):
    citizen: str
    phone_masked: str
    assignee_id: int | None
    overdue: bool


class ReplyIn(Schema):
    body: str = Field(..., min_length=1, max_length=5000)


class RatingIn(Schema):
    rating: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=1000)


class StaffMessageIn(Schema):
    kind: str = Field("reply", pattern="^(reply|note)$")
    body: str = Field(..., min_length=1, max_length=5000)
    status: str | None = Field(None, max_length=12)


class AssignIn(Schema):
    assignee_id: int


class StatusIn(Schema):
    status: str = Field(..., max_length=12)


class EscalateIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)


def _message(m: TicketMessage) -> dict[str, Any]:
    return {
        "id": m.pk,
        "kind": m.kind,
        "from_staff": m.from_staff,
        "body": m.body,
        "created_at": m.created_at.isoformat(),
    }


def _attachment(a: Attachment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "name": a.original_name,
        "content_type": a.content_type,
        "size": a.size,
        "url": f"/help/attachments/{a.pk}/",
    }


def _ticket(ticket: Ticket, *, detail: bool = False, staff: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "reference": ticket.reference,
        "kind": ticket.kind,
        "category": ticket.category,
        "category_name": ticket.get_category_display(),
        "status": ticket.status,
        "status_name": ticket.get_status_display(),
        "institution_name": ticket.institution_name,
        "institution_type": ticket.institution_type,
        "description": ticket.description,
        "desired_outcome": ticket.desired_outcome,
        "region_code": ticket.region_code,
        "region_name": region_full_name(ticket.region_code),
        "organisation_name": ticket.organisation.name if ticket.organisation else None,
        "channel": ticket.channel,
        "created_at": ticket.created_at.isoformat(),
        "due_at": ticket.due_at.isoformat(),
        "sla_days": ticket.sla_days,
        "rating": ticket.rating,
    }
    if detail:
        thread = ticket.messages.all() if staff else selectors.ticket_replies_public(ticket)
        out["messages"] = [_message(m) for m in thread]
        out["attachments"] = [_attachment(a) for a in ticket.attachments.all()]
    if staff:
        out.update(
            citizen=selectors.name_short(ticket.user),
            phone_masked=ticket.user.phone_masked if ticket.user else "",
            assignee_id=ticket.assignee_id,
            overdue=ticket.is_open and ticket.due_at < timezone.now(),
        )
    return out


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _organisation(organisation_id: int | None) -> Organisation | None:
    if organisation_id is None:
        return None
    organisation = Organisation.objects.filter(pk=organisation_id, is_active=True).first()
    if organisation is None:
        raise ApiError(400, "invalid", "所选机构不存在。")
    return organisation


@router.get("/choices", response=ChoicesOut, auth=AUTH_OPTIONAL, summary="问题类别、机构类型等选项")
def choices(request: HttpRequest) -> dict[str, Any]:
    def pairs(items: Any) -> list[dict[str, str]]:
        return [{"code": str(code), "name": str(name)} for code, name in items]

    return {
        "kinds": pairs(Kind.choices),
        "categories": pairs(Category.choices),
        "institution_types": pairs(InstitutionType.choices),
        "statuses": pairs(TicketStatus.choices),
        "organisations": [
            {"code": str(o.pk), "name": o.name} for o in participating_organisations()
        ],
    }


@router.post("/route-preview", response=RouteOut, auth=AUTH_OPTIONAL, summary="查看处理途径")
def route_preview(request: HttpRequest, payload: RouteIn) -> dict[str, Any]:
    if payload.category not in Category.values:
        raise ApiError(400, "invalid", "问题类别无效。")
    if payload.institution_type and payload.institution_type not in InstitutionType.values:
        raise ApiError(400, "invalid", "机构类型无效。")
    if payload.region_code and not region_is_valid(payload.region_code):
        raise ApiError(400, "invalid", "地区代码无效。")
    result = route_for(
        category=payload.category,
        institution_type=payload.institution_type,
        region_code=payload.region_code,
        organisation=_organisation(payload.organisation_id),
    )
    info = channel_info(result.channel)
    return {
        "channel": result.channel,
        "channel_name": info.name,
        "channel_contact": info.contact,
        "steps": [{"title": s.title, "text": s.text, "channel": s.channel} for s in result.steps],
        "can_file_online": result.can_file_online,
        "organisation_id": result.organisation.pk if result.organisation else None,
        "organisation_name": result.organisation.name if result.organisation else None,
    }


@router.post("/tickets", response={201: TicketOut}, auth=AUTH, summary="提交咨询或投诉")
def ticket_create(request: HttpRequest, payload: TicketIn) -> Status:
    ticket = services.ticket_open(
        user=_user(request),
        kind=payload.kind,
        category=payload.category,
        description=payload.description,
        organisation=_organisation(payload.organisation_id),
        institution_name=payload.institution_name,
        institution_type=payload.institution_type,
        desired_outcome=payload.desired_outcome,
        region_code=payload.region_code,
        source="api",
    )
    return Status(201, _ticket(ticket, detail=True))


@router.get("/tickets", response=list[TicketOut], auth=AUTH, summary="我的咨询")
def ticket_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_ticket(t) for t in selectors.tickets_for_citizen(request.user)[:100]]


@router.get("/tickets/{reference}", response=TicketOut, auth=AUTH, summary="我的一条咨询（含回复）")
def ticket_get(request: HttpRequest, reference: str) -> dict[str, Any]:
    ticket = selectors.ticket_get_for_citizen(user=request.user, reference=reference)
    return _ticket(ticket, detail=True)


@router.post(
    "/tickets/{reference}/replies", response={201: MessageOut}, auth=AUTH, summary="补充说明"
)
def ticket_reply(request: HttpRequest, reference: str, payload: ReplyIn) -> Status:
    ticket = selectors.ticket_get_for_citizen(user=request.user, reference=reference)
    message = services.ticket_citizen_reply(ticket=ticket, by=_user(request), body=payload.body)
    return Status(201, _message(message))


@router.post("/tickets/{reference}/rating", response=TicketOut, auth=AUTH, summary="评价并关闭")
def ticket_rate(request: HttpRequest, reference: str, payload: RatingIn) -> dict[str, Any]:
    ticket = selectors.ticket_get_for_citizen(user=request.user, reference=reference)
    services.ticket_rate(
        ticket=ticket, by=_user(request), rating=payload.rating, comment=payload.comment
    )
    return _ticket(ticket)


@router.post(
    "/tickets/{reference}/attachments",
    response={201: AttachmentOut},
    auth=AUTH,
    summary="上传附件（JPEG/PNG/WebP/PDF，≤5 MB）",
)
def ticket_attach(request: HttpRequest, reference: str, file: File[UploadedFile]) -> Status:
    ticket = selectors.ticket_get_for_citizen(user=request.user, reference=reference)
    attachment = services.attachment_add(ticket=ticket, by=_user(request), upload=file)
    return Status(201, _attachment(attachment))


# --- Staff ----------------------------------------------------------------------------


def _staff_ticket(request: HttpRequest, reference: str) -> Ticket:
    if not selectors.user_is_helpdesk_staff(request.user):
        raise PermissionDenied
    return selectors.ticket_get_for_staff(user=request.user, reference=reference, via="api")


@router.get("/staff/tickets", response=list[StaffTicketOut], auth=AUTH, summary="处理队列")
def staff_queue(
    request: HttpRequest, status: str = "", mine: bool = False, overdue: bool = False
) -> list[dict[str, Any]]:
    if not selectors.user_is_helpdesk_staff(request.user):
        raise PermissionDenied
    if status and status not in TicketStatus.values:
        raise ApiError(400, "invalid", "状态无效。")
    tickets = selectors.staff_queue(request.user, status=status, mine=mine, overdue=overdue)
    return [_ticket(t, staff=True) for t in tickets[:200]]


@router.get(
    "/staff/tickets/{reference}",
    response=StaffTicketOut,
    auth=AUTH,
    summary="查看单子（记入访问记录）",
)
def staff_ticket(request: HttpRequest, reference: str) -> dict[str, Any]:
    return _ticket(_staff_ticket(request, reference), detail=True, staff=True)


@router.post(
    "/staff/tickets/{reference}/assign", response=StaffTicketOut, auth=AUTH, summary="分派"
)
def staff_assign(request: HttpRequest, reference: str, payload: AssignIn) -> dict[str, Any]:
    ticket = _staff_ticket(request, reference)
    assignee = User.objects.filter(pk=payload.assignee_id).first()
    if assignee is None:
        raise ApiError(400, "invalid", "处理人不存在。")
    services.ticket_assign(ticket=ticket, assignee=assignee, by=_user(request))
    return _ticket(ticket, staff=True)


@router.post(
    "/staff/tickets/{reference}/messages",
    response={201: MessageOut},
    auth=AUTH,
    summary="回复或内部备注",
)
def staff_message(request: HttpRequest, reference: str, payload: StaffMessageIn) -> Status:
    ticket = _staff_ticket(request, reference)
    if payload.kind == "note":
        message = services.ticket_note(ticket=ticket, by=_user(request), body=payload.body)
    else:
        message = services.ticket_reply(
            ticket=ticket, by=_user(request), body=payload.body, status=payload.status or None
        )
    return Status(201, _message(message))


@router.post(
    "/staff/tickets/{reference}/status", response=StaffTicketOut, auth=AUTH, summary="更改状态"
)
def staff_status(request: HttpRequest, reference: str, payload: StatusIn) -> dict[str, Any]:
    ticket = _staff_ticket(request, reference)
    services.ticket_set_status(ticket=ticket, status=payload.status, by=_user(request))
    return _ticket(ticket, staff=True)


@router.post(
    "/staff/tickets/{reference}/escalate", response=StaffTicketOut, auth=AUTH, summary="升级"
)
def staff_escalate(request: HttpRequest, reference: str, payload: EscalateIn) -> dict[str, Any]:
    ticket = _staff_ticket(request, reference)
    services.ticket_escalate(ticket=ticket, reason=payload.reason, by=_user(request))
    return _ticket(ticket, staff=True)
