"""Staff pages of the help desk: queue, ticket handling, dashboard, audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wanlixing.accounts.models import Organisation, User
from wanlixing.accounts.regions import region_full_name
from wanlixing.accounts.selectors import user_is_platform_admin

from . import selectors, services
from .extensions import ticket_actions_for
from .forms import AttachmentForm, ReasonForm, StaffMessageForm, StatusForm
from .models import AccessAction, Status
from .tasks import ticket_counts_refresh_task
from .triage import channel_info, participating_organisations
from .views import error_text

View = Callable[..., HttpResponse]


def helpdesk_staff_required(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not selectors.user_is_helpdesk_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@helpdesk_staff_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    tickets = selectors.staff_queue(
        request.user,
        status=status,
        mine=request.GET.get("mine") == "1",
        overdue=request.GET.get("overdue") == "1",
        unrouted=request.GET.get("unrouted") == "1",
    )[:200]
    rows = [
        {
            "ticket": t,
            "citizen": selectors.name_short(t.user),
            "phone": t.user.phone_masked if t.user else "",
            "region": region_full_name(t.region_code),
        }
        for t in tickets
    ]
    return render(
        request,
        "helpdesk/staff_queue.html",
        {
            "rows": rows,
            "statuses": Status.choices,
            "status": status,
            "now": timezone.now(),
            "is_platform_admin": user_is_platform_admin(request.user),
            "is_org_admin": bool(selectors.admin_org_ids(request.user))
            or user_is_platform_admin(request.user),
        },
    )


def _ticket_context(request: HttpRequest, ticket: Any, *, reveal: bool = False) -> dict[str, Any]:
    return {
        "ticket": ticket,
        "citizen": selectors.name_short(ticket.user),
        "phone": (ticket.user.phone if reveal else ticket.user.phone_masked) if ticket.user else "",
        "revealed": reveal,
        "messages_all": ticket.messages.select_related("author"),
        "attachments": ticket.attachments.all(),
        "channel": channel_info(ticket.channel),
        "region_name": region_full_name(ticket.region_code),
        "handlers": selectors.handlers_for(ticket.organisation_id)
        if ticket.organisation_id
        else [],
        "message_form": StaffMessageForm(),
        "status_form": StatusForm(initial={"status": ticket.status}),
        "reason_form": ReasonForm(),
        "attachment_form": AttachmentForm(),
        "actions": ticket_actions_for(ticket),
        "can_extend": ticket.kind == "complaint" and ticket.is_open and ticket.sla_days < 60,
        "is_platform_admin": user_is_platform_admin(request.user),
        "organisations": participating_organisations() if ticket.organisation_id is None else [],
        "now": timezone.now(),
    }


@helpdesk_staff_required
@require_GET
def ticket_detail(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = selectors.ticket_get_for_staff(user=request.user, reference=reference)
    return render(request, "helpdesk/staff_ticket.html", _ticket_context(request, ticket))


@helpdesk_staff_required
@require_POST
def ticket_reveal(request: HttpRequest, reference: str) -> HttpResponse:
    """Show the full phone number once; the reveal is recorded in the audit log."""
    ticket = selectors.ticket_get_for_staff(
        user=request.user, reference=reference, action=AccessAction.REVEAL_CONTACT
    )
    return render(
        request, "helpdesk/staff_ticket.html", _ticket_context(request, ticket, reveal=True)
    )


@helpdesk_staff_required
@require_POST
def ticket_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    ticket = selectors.ticket_get_for_staff(user=request.user, reference=reference)
    user: User = request.user  # type: ignore[assignment]
    try:
        if action == "message":
            form: Any = StaffMessageForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("请填写内容并选择类型。"))
            data = form.cleaned_data
            if data["kind"] == "note":
                services.ticket_note(ticket=ticket, by=user, body=data["body"])
            else:
                services.ticket_reply(
                    ticket=ticket, by=user, body=data["body"], status=data["status"] or None
                )
            messages.success(request, _("已保存。"))
        elif action == "assign":
            assignee = User.objects.filter(pk=request.POST.get("assignee") or 0).first()
            if assignee is None:
                raise ValidationError(_("请选择处理人。"))
            services.ticket_assign(ticket=ticket, assignee=assignee, by=user)
            messages.success(request, _("已分派。"))
        elif action == "status":
            form = StatusForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("状态无效。"))
            services.ticket_set_status(ticket=ticket, status=form.cleaned_data["status"], by=user)
            messages.success(request, _("状态已更新。"))
        elif action in ("escalate", "extend"):
            form = ReasonForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("请填写理由。"))
            if action == "escalate":
                services.ticket_escalate(ticket=ticket, reason=form.cleaned_data["reason"], by=user)
                messages.success(request, _("已升级至机构管理员。"))
            else:
                services.ticket_extend(ticket=ticket, reason=form.cleaned_data["reason"], by=user)
                messages.success(request, _("处理期限已延长，并已告知提交人。"))
        elif action == "upload":
            form = AttachmentForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ValidationError(_("请选择要上传的文件。"))
            services.attachment_add(ticket=ticket, by=user, upload=form.cleaned_data["file"])
            messages.success(request, _("附件已上传。"))
        elif action == "route":
            organisation = Organisation.objects.filter(
                pk=request.POST.get("organisation") or 0
            ).first()
            if organisation is None:
                raise ValidationError(_("请选择受理机构。"))
            services.ticket_route_to(ticket=ticket, organisation=organisation, by=user)
            messages.success(request, _("已转交。"))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect(ticket.get_staff_url())


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    org_ids = selectors.dashboard_org_ids(request.user)
    if org_ids is not None and not org_ids:
        raise PermissionDenied
    try:
        days = min(max(int(request.GET.get("days", 90)), 1), 400)
    except ValueError:
        days = 90
    since = timezone.localdate() - dt.timedelta(days=days)
    data = selectors.ticket_dashboard(org_ids=org_ids, since=since)
    return render(request, "helpdesk/staff_dashboard.html", {"data": data, "days": days})


@login_required
@require_POST
def dashboard_refresh(request: HttpRequest) -> HttpResponse:
    if not selectors.dashboard_org_ids(request.user) and not user_is_platform_admin(request.user):
        raise PermissionDenied
    ticket_counts_refresh_task.enqueue()
    messages.success(request, _("统计正在后台刷新，稍后重新打开本页即可看到最新数字。"))
    return redirect("helpdesk:dashboard")


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    if not user_is_platform_admin(request.user) and not selectors.admin_org_ids(request.user):
        raise PermissionDenied
    entries = selectors.audit_log_for(request.user)
    return render(request, "helpdesk/staff_audit.html", {"entries": entries})
