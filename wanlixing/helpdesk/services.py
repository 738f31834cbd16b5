"""Writes for the help desk: open, assign, reply, escalate, extend, rate, close, scan.

Notifications go through ``wanlixing.alerts.services.notify``; the signal
``ticket_reply_published`` is sent after commit when a citizen-visible reply is added.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wanlixing.accounts.models import Organisation, User
from wanlixing.accounts.regions import region_is_valid
from wanlixing.accounts.selectors import user_is_platform_admin
from wanlixing.alerts.services import notify

from .attachments import ALLOWED_TYPES, attachment_check
from .models import (
    OPEN_STATUSES,
    Attachment,
    Category,
    InstitutionType,
    Kind,
    MessageKind,
    Source,
    Status,
    Ticket,
    TicketDailyCount,
    TicketMessage,
)
from .selectors import handlers_for, org_admins_for, staff_org_ids
from .signals import ticket_reply_published
from .triage import ORG_KIND_TO_INSTITUTION, organisation_is_participating, route_for

DESCRIPTION_MAX = 5000
TICKETS_PER_DAY = 10
# Extension steps of 《银行业保险业消费投诉处理管理办法》 (FACTS §4.3, SOLID): 15 → 30 → 60.
EXTENSION_STEPS = (15, 30, 60)
STAFF_SETTABLE = (Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED, Status.CLOSED)


def _sla_days(kind: str) -> int:
    if kind == Kind.COMPLAINT:
        return settings.HELPDESK_COMPLAINT_SLA_DAYS
    return settings.HELPDESK_CONSULTATION_SLA_DAYS


def _event(ticket: Ticket, text: str, *, by: User | None = None) -> TicketMessage:
    return TicketMessage.objects.create(
        ticket=ticket, kind=MessageKind.EVENT, author=by, from_staff=True, body=text
    )


def _notify_staff(ticket: Ticket, users: Sequence[User], *, what: str, key: str) -> None:
    for person in users:
        notify(
            user=person,
            kind="helpdesk_staff",
            key=f"ticket:{ticket.reference}:{key}:{person.pk}",
            title=_("咨询投诉单 %(ref)s：%(what)s") % {"ref": ticket.reference, "what": what},
            body=_("%(category)s · 期限 %(due)s")
            % {
                "category": ticket.get_category_display(),
                "due": timezone.localtime(ticket.due_at).strftime("%Y-%m-%d %H:%M"),
            },
            url=ticket.get_staff_url(),
        )


def _notify_citizen(ticket: Ticket, *, what: str, key: str) -> None:
    if ticket.user is None or not ticket.user.is_active:
        return
    notify(
        user=ticket.user,
        kind="helpdesk",
        key=f"ticket:{ticket.reference}:{key}",
        title=_("您的咨询 %(ref)s：%(what)s") % {"ref": ticket.reference, "what": what},
        body=ticket.get_category_display(),
        url=ticket.get_absolute_url(),
    )


def ticket_open(
    *,
    user: User,
    kind: str,
    category: str,
    description: str,
    organisation: Organisation | None = None,
    institution_name: str = "",
    institution_type: str = "",
    desired_outcome: str = "",
    source: str = Source.WEB,
    context: dict[str, Any] | None = None,
    region_code: str | None = None,
) -> Ticket:
    """File a consultation or complaint for a signed-in citizen.

    With no ``organisation`` the routing rules choose one (most specific rule); if
    none takes cases online, the ticket waits in the platform queue. Raises
    ValidationError with Chinese messages; nothing is written on error.
    """
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    errors: dict[str, str] = {}
    description = (description or "").strip()
    if kind not in Kind.values:
        errors["kind"] = _("请选择咨询还是投诉。")
    if category not in Category.values:
        errors["category"] = _("请选择问题类别。")
    if institution_type and institution_type not in InstitutionType.values:
        errors["institution_type"] = _("机构类型无效。")
    if len(description) < 10:
        errors["description"] = _("请把事情经过写清楚一些（至少10个字）。")
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = _("事情经过不能超过 %(n)d 个字。") % {"n": DESCRIPTION_MAX}
    if len(desired_outcome or "") > 2000:
        errors["desired_outcome"] = _("诉求不能超过 2000 个字。")
    if len(institution_name or "") > 100:
        errors["institution_name"] = _("机构名称不能超过 100 个字。")
    if source not in Source.values:
        errors["source"] = _("来源无效。")
    if region_code is None:
        region_code = user.region_code or ""
    if region_code and not region_is_valid(region_code):
        errors["region_code"] = _("地区代码无效，请从列表中选择。")
    if organisation is not None and not organisation_is_participating(organisation):
        errors["organisation"] = _("该机构暂未在平台开通在线受理，请按页面提示的渠道反映。")
    if context is not None and (not isinstance(context, dict) or len(str(context)) > 10000):
        errors["context"] = _("转入上下文格式无效。")
    since = timezone.now() - dt.timedelta(days=1)
    if Ticket.objects.filter(user=user, created_at__gte=since).count() >= TICKETS_PER_DAY:
        errors["description"] = _("您今天提交的咨询已达上限，请明天再试，或先查看已提交的咨询。")
    if errors:
        raise ValidationError(errors)
    if organisation is not None and not institution_type:
        institution_type = ORG_KIND_TO_INSTITUTION.get(organisation.kind, InstitutionType.OTHER)
    if organisation is not None and not institution_name:
        institution_name = organisation.name
    route = route_for(
        category=category,
        institution_type=institution_type,
        region_code=region_code,
        organisation=organisation,
    )
    now = timezone.now()
    days = _sla_days(kind)
    with transaction.atomic():
        ticket = Ticket.objects.create(
            kind=kind,
            user=user,
            category=category,
            institution_name=(institution_name or "").strip()[:100],
            institution_type=institution_type,
            description=description,
            desired_outcome=(desired_outcome or "").strip(),
            region_code=region_code,
            source=source,
            context=context or {},
            organisation=route.organisation,
            rule=route.rule,
            channel=route.channel,
            created_at=now,
            sla_days=days,
            due_at=now + dt.timedelta(days=days),
        )
        where = route.organisation.name if route.organisation else _("平台（等待分派）")
        _event(ticket, _("已提交，受理方：%(where)s。") % {"where": where})
        _notify_citizen(ticket, what=_("已收到"), key="opened")
        _notify_staff(
            ticket, list(handlers_for(ticket.organisation_id)), what=_("新提交"), key="new"
        )
    return ticket


def _require_staff(user: User, ticket: Ticket) -> None:
    if not (user_is_platform_admin(user) or ticket.organisation_id in staff_org_ids(user)):
        raise PermissionDenied


def ticket_route_to(*, ticket: Ticket, organisation: Organisation, by: User) -> Ticket:
    """Platform admins hand an unrouted ticket to a participating organisation."""
    if not user_is_platform_admin(by):
        raise PermissionDenied
    if not organisation_is_participating(organisation):
        raise ValidationError(_("该机构没有投诉处理员，不能受理。"))
    with transaction.atomic():
        ticket.organisation = organisation
        ticket.assignee = None
        ticket.status = Status.NEW
        ticket.save(update_fields=["organisation", "assignee", "status", "updated_at"])
        _event(ticket, _("已转交 %(org)s 处理。") % {"org": organisation.name}, by=by)
        _notify_staff(
            ticket,
            list(handlers_for(organisation.pk)),
            what=_("新转入"),
            key=f"routed:{organisation.pk}",
        )
    return ticket


def ticket_assign(*, ticket: Ticket, assignee: User, by: User) -> Ticket:
    """Give the ticket to a handler (or org admin) of its organisation."""
    _require_staff(by, ticket)
    if ticket.organisation_id is None:
        raise ValidationError(_("请先把这张单转交给受理机构。"))
    if not handlers_for(ticket.organisation_id).filter(pk=assignee.pk).exists():
        raise ValidationError(_("只能分派给本机构的投诉处理员或管理员。"))
    if ticket.status == Status.CLOSED:
        raise ValidationError(_("已关闭的单子不能再分派。"))
    with transaction.atomic():
        ticket.assignee = assignee
        if ticket.status in (Status.NEW, Status.ESCALATED):
            ticket.status = Status.ASSIGNED
        ticket.save(update_fields=["assignee", "status", "updated_at"])
        _event(ticket, _("已分派给处理人。"), by=by)
        if assignee.pk != by.pk:
            _notify_staff(
                ticket,
                [assignee],
                what=_("分派给您"),
                key=f"assigned:{int(timezone.now().timestamp())}",
            )
    return ticket


def ticket_reply(
    *, ticket: Ticket, by: User, body: str, status: str | None = None
) -> TicketMessage:
    """A staff reply the citizen sees; optionally moves the status (waiting, resolved …)."""
    _require_staff(by, ticket)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("请填写回复内容。")})
    if status is not None and status not in STAFF_SETTABLE:
        raise ValidationError({"status": _("状态无效。")})
    if ticket.status == Status.CLOSED:
        raise ValidationError(_("单子已关闭，不能再回复。"))
    now = timezone.now()
    with transaction.atomic():
        message = TicketMessage.objects.create(
            ticket=ticket, kind=MessageKind.REPLY, author=by, from_staff=True, body=body
        )
        if ticket.first_response_at is None:
            ticket.first_response_at = now
        if ticket.assignee_id is None and ticket.organisation_id is not None:
            ticket.assignee = by
        new_status = status or (
            Status.IN_PROGRESS if ticket.status in (Status.NEW, Status.ASSIGNED) else ticket.status
        )
        _apply_status(ticket, new_status, now)
        ticket.save()
        _notify_citizen(ticket, what=_("有新回复"), key=f"reply:{message.pk}")
        transaction.on_commit(
            lambda: ticket_reply_published.send(sender=Ticket, ticket=ticket, message=message)
        )
    return message


def ticket_note(*, ticket: Ticket, by: User, body: str) -> TicketMessage:
    """An internal note: staff only, never shown to the citizen or the advisor."""
    _require_staff(by, ticket)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("请填写备注内容。")})
    return TicketMessage.objects.create(
        ticket=ticket, kind=MessageKind.NOTE, author=by, from_staff=True, body=body
    )


def _apply_status(ticket: Ticket, status: str, now: dt.datetime) -> None:
    if status == Status.RESOLVED and ticket.resolved_at is None:
        ticket.resolved_at = now
    if status not in (Status.RESOLVED, Status.CLOSED):
        ticket.resolved_at = None
    if status == Status.CLOSED:
        ticket.closed_at = now
        if ticket.resolved_at is None:
            ticket.resolved_at = now
    ticket.status = status


def ticket_set_status(*, ticket: Ticket, status: str, by: User) -> Ticket:
    _require_staff(by, ticket)
    if status not in STAFF_SETTABLE:
        raise ValidationError({"status": _("状态无效。")})
    if ticket.status == Status.CLOSED:
        raise ValidationError(_("单子已关闭。"))
    with transaction.atomic():
        _apply_status(ticket, status, timezone.now())
        ticket.save()
        _event(ticket, _("状态更新为：%(s)s。") % {"s": ticket.get_status_display()}, by=by)
        if status in (Status.WAITING, Status.RESOLVED):
            _notify_citizen(
                ticket,
                what=ticket.get_status_display(),
                key=f"status:{status}:{int(timezone.now().timestamp())}",
            )
    return ticket


def ticket_escalate(*, ticket: Ticket, reason: str, by: User | None = None) -> Ticket:
    """Raise a ticket to the organisation's admins (manually, or by the overdue scan)."""
    if by is not None:
        _require_staff(by, ticket)
    if ticket.status in (Status.CLOSED, Status.ESCALATED):
        raise ValidationError(_("该单子已关闭或已升级。"))
    now = timezone.now()
    with transaction.atomic():
        ticket.status = Status.ESCALATED
        ticket.escalated_at = now
        ticket.save(update_fields=["status", "escalated_at", "updated_at"])
        _event(ticket, _("已升级至机构管理员：%(r)s") % {"r": reason[:200]}, by=by)
        _notify_staff(
            ticket,
            list(org_admins_for(ticket.organisation_id)),
            what=_("已升级"),
            key=f"escalated:{int(now.timestamp())}",
        )
    return ticket


def ticket_extend(*, ticket: Ticket, by: User, reason: str) -> Ticket:
    """Extend a complaint's limit to 30, then 60 days (the maximum), telling the citizen why."""
    _require_staff(by, ticket)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("延长处理期限需要向投诉人说明理由。")})
    if ticket.kind != Kind.COMPLAINT:
        raise ValidationError(_("只有投诉可以延长处理期限。"))
    if not ticket.is_open:
        raise ValidationError(_("单子已处理完毕。"))
    longer = [d for d in EXTENSION_STEPS if d > ticket.sla_days]
    if not longer:
        raise ValidationError(_("处理期限最长 60 日，不能再延长。"))
    with transaction.atomic():
        ticket.sla_days = longer[0]
        ticket.due_at = ticket.created_at + dt.timedelta(days=ticket.sla_days)
        ticket.reminded_at = None
        ticket.save(update_fields=["sla_days", "due_at", "reminded_at", "updated_at"])
        text = _("处理期限延长至 %(d)d 日（%(due)s 前答复）。理由：%(r)s") % {
            "d": ticket.sla_days,
            "due": timezone.localtime(ticket.due_at).strftime("%Y-%m-%d"),
            "r": reason[:500],
        }
        TicketMessage.objects.create(
            ticket=ticket, kind=MessageKind.REPLY, author=by, from_staff=True, body=text
        )
        _notify_citizen(ticket, what=_("处理期限延长"), key=f"extended:{ticket.sla_days}")
    return ticket


def ticket_citizen_reply(*, ticket: Ticket, by: User, body: str) -> TicketMessage:
    """The citizen adds information; a resolved ticket is reopened, a closed one refuses."""
    if ticket.user_id != by.pk:
        raise PermissionDenied
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("请填写要补充的内容。")})
    if len(body) > DESCRIPTION_MAX:
        raise ValidationError({"body": _("内容太长了，请分几次发送。")})
    if ticket.status == Status.CLOSED:
        raise ValidationError(_("这张单子已关闭。如有新问题，请重新提交。"))
    with transaction.atomic():
        message = TicketMessage.objects.create(
            ticket=ticket, kind=MessageKind.REPLY, author=by, from_staff=False, body=body
        )
        if ticket.status in (Status.WAITING, Status.RESOLVED):
            _apply_status(ticket, Status.IN_PROGRESS, timezone.now())
            ticket.save()
        people = (
            [ticket.assignee] if ticket.assignee else list(handlers_for(ticket.organisation_id))
        )
        _notify_staff(ticket, people, what=_("提交人补充了信息"), key=f"citizen:{message.pk}")
    return message


def ticket_rate(*, ticket: Ticket, by: User, rating: int, comment: str = "") -> Ticket:
    """The citizen rates a resolved ticket (1–5) and so closes it."""
    if ticket.user_id != by.pk:
        raise PermissionDenied
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise ValidationError({"rating": _("请选择 1 到 5 星。")})
    if ticket.rating is not None:
        raise ValidationError(_("您已经评价过了，谢谢！"))
    if ticket.status not in (Status.RESOLVED, Status.CLOSED):
        raise ValidationError(_("处理完成后才能评价。"))
    now = timezone.now()
    with transaction.atomic():
        ticket.rating = rating
        ticket.rating_comment = (comment or "").strip()[:1000]
        ticket.rated_at = now
        if ticket.status != Status.CLOSED:
            _apply_status(ticket, Status.CLOSED, now)
        ticket.save()
        _event(ticket, _("提交人评价：%(n)d 星，已关闭。") % {"n": rating}, by=by)
    return ticket


def ticket_close_by_citizen(*, ticket: Ticket, by: User) -> Ticket:
    if ticket.user_id != by.pk:
        raise PermissionDenied
    if ticket.status == Status.CLOSED:
        raise ValidationError(_("这张单子已经关闭。"))
    with transaction.atomic():
        _apply_status(ticket, Status.CLOSED, timezone.now())
        ticket.save()
        _event(ticket, _("提交人关闭了这张单子。"), by=by)
    return ticket


def attachment_add(*, ticket: Ticket, by: User, upload: UploadedFile) -> Attachment:
    """Attach an image (JPEG/PNG/WebP) or PDF: type read from the content, size and count capped.

    The file is stored under a random name with the extension of its real type.
    """
    is_owner = ticket.user_id == by.pk
    if not is_owner:
        _require_staff(by, ticket)
    if ticket.status == Status.CLOSED:
        raise ValidationError(_("单子已关闭，不能再上传附件。"))
    limit = settings.HELPDESK_ATTACHMENTS_PER_TICKET
    if ticket.attachments.count() >= limit:
        raise ValidationError(_("每张单子最多 %(n)d 个附件。") % {"n": limit})
    content_type = attachment_check(upload, max_bytes=settings.HELPDESK_ATTACHMENT_MAX_BYTES)
    name = f"{secrets.token_hex(12)}.{ALLOWED_TYPES[content_type]}"
    original = (upload.name or name).replace("/", "_").replace("\\", "_")[-120:]
    attachment = Attachment(
        ticket=ticket,
        uploaded_by=by,
        from_staff=not is_owner,
        content_type=content_type,
        size=upload.size or 0,
        original_name=original,
    )
    attachment.file.save(name, upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


def tickets_sla_scan(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Remind before the deadline, escalate when overdue, close long-resolved tickets.

    Reminders go to the assignee (or every handler when unassigned) once per deadline;
    an overdue ticket is escalated to the organisation's admins once.
    """
    now = now or timezone.now()
    remind_before = dt.timedelta(hours=settings.HELPDESK_REMIND_HOURS)
    reminded = escalated = closed = 0
    due_soon = Ticket.objects.filter(
        status__in=OPEN_STATUSES,
        due_at__gt=now,
        due_at__lte=now + remind_before,
        reminded_at__isnull=True,
    ).exclude(status=Status.ESCALATED)
    for ticket in due_soon.select_related("assignee"):
        people = (
            [ticket.assignee] if ticket.assignee else list(handlers_for(ticket.organisation_id))
        )
        with transaction.atomic():
            updated = Ticket.objects.filter(pk=ticket.pk, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if updated:
                _notify_staff(
                    ticket, people, what=_("即将到期"), key=f"remind:{ticket.due_at:%Y%m%d%H%M}"
                )
                reminded += 1
    overdue = Ticket.objects.filter(status__in=OPEN_STATUSES, due_at__lte=now).exclude(
        status=Status.ESCALATED
    )
    for ticket in overdue:
        with transaction.atomic():
            ticket_escalate(ticket=ticket, reason=_("超过答复期限未处理完毕，系统自动升级。"))
            escalated += 1
    stale = now - dt.timedelta(days=settings.HELPDESK_AUTO_CLOSE_DAYS)
    for ticket in Ticket.objects.filter(status=Status.RESOLVED, resolved_at__lte=stale):
        with transaction.atomic():
            _apply_status(ticket, Status.CLOSED, now)
            ticket.save()
            _event(
                ticket,
                _("已答复超过 %(d)d 天，系统自动关闭。") % {"d": settings.HELPDESK_AUTO_CLOSE_DAYS},
            )
            closed += 1
    return {"reminded": reminded, "escalated": escalated, "closed": closed}


def ticket_counts_refresh(*, days: int = 400, now: dt.datetime | None = None) -> int:
    """Rebuild the daily counts of tickets filed in the last ``days`` days; returns rows."""
    now = now or timezone.now()
    since = timezone.localdate(now) - dt.timedelta(days=days)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(since, dt.time.min, tzinfo=tz)
    buckets: dict[tuple[Any, ...], dict[str, int]] = {}
    tickets = Ticket.objects.filter(created_at__gte=start).values(
        "created_at",
        "organisation_id",
        "category",
        "institution_type",
        "region_code",
        "status",
        "resolved_at",
        "due_at",
        "escalated_at",
        "rating",
    )
    for t in tickets.iterator(chunk_size=2000):
        day = timezone.localtime(t["created_at"], tz).date()
        city = t["region_code"][:4] + "00" if t["region_code"] else ""
        key = (day, t["organisation_id"], t["category"], t["institution_type"], city)
        b = buckets.setdefault(
            key,
            dict.fromkeys(
                (
                    "opened",
                    "resolved",
                    "resolved_on_time",
                    "overdue_open",
                    "escalated",
                    "rated",
                    "rating_sum",
                ),
                0,
            ),
        )
        b["opened"] += 1
        if t["resolved_at"] is not None:
            b["resolved"] += 1
            b["resolved_on_time"] += int(t["resolved_at"] <= t["due_at"])
        elif t["status"] in OPEN_STATUSES and t["due_at"] < now:
            b["overdue_open"] += 1
        b["escalated"] += int(t["escalated_at"] is not None)
        if t["rating"] is not None:
            b["rated"] += 1
            b["rating_sum"] += t["rating"]
    rows = [
        TicketDailyCount(
            day=k[0],
            organisation_id=k[1],
            category=k[2],
            institution_type=k[3],
            city_code=k[4],
            **v,
        )
        for k, v in buckets.items()
    ]
    with transaction.atomic():
        TicketDailyCount.objects.filter(day__gte=since).delete()
        TicketDailyCount.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


# --- Personal data ------------------------------------------------------------------------


def tickets_export(user: User) -> list[dict[str, Any]]:
    out = []
    for ticket in Ticket.objects.filter(user=user).prefetch_related("messages", "attachments"):
        out.append(
            {
                "reference": ticket.reference,
                "kind": ticket.kind,
                "category": ticket.category,
                "institution_name": ticket.institution_name,
                "institution_type": ticket.institution_type,
                "description": ticket.description,
                "desired_outcome": ticket.desired_outcome,
                "region_code": ticket.region_code,
                "status": ticket.status,
                "created_at": ticket.created_at.isoformat(),
                "rating": ticket.rating,
                "rating_comment": ticket.rating_comment,
                "messages": [
                    {"from_staff": m.from_staff, "body": m.body, "at": m.created_at.isoformat()}
                    for m in ticket.messages.all()
                    if m.kind != MessageKind.NOTE
                ],
                "attachments": [a.original_name for a in ticket.attachments.all()],
            }
        )
    return out


def tickets_erase(user: User) -> None:
    """Remove what identifies the citizen; category, dates, status and rating stay for counts."""
    tickets = list(Ticket.objects.filter(user=user))
    for ticket in tickets:
        for attachment in ticket.attachments.all():
            attachment.file.delete(save=False)
        ticket.attachments.all().delete()
        ticket.messages.update(body=_("（已删除）"))
    now = timezone.now()
    Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(
        user=None,
        description=_("（提交人已删除个人信息）"),
        desired_outcome="",
        institution_name="",
        rating_comment="",
        context={},
        erased_at=now,
    )
    for ticket in tickets:
        if ticket.region_code:
            Ticket.objects.filter(pk=ticket.pk).update(region_code=ticket.region_code[:4] + "00")
