"""Citizen pages of the help desk: route guidance, filing, 我的咨询."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wanlixing.accounts.models import Organisation, User
from wanlixing.accounts.regions import region_full_name

from . import selectors, services
from .forms import AttachmentForm, RatingForm, ReplyForm, RouteForm, TicketForm
from .models import AccessAction, Attachment, Category, Status
from .triage import channel_info, participating_organisations, route_for


def error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def _form_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    initial = {"region_code": getattr(request.user, "region_code", "")}
    return render(
        request,
        "helpdesk/index.html",
        {"form": RouteForm(initial=initial), "organisations": participating_organisations()},
    )


@require_GET
def route(request: HttpRequest) -> HttpResponse:
    form = RouteForm(request.GET)
    if not form.is_valid():
        return render(request, "helpdesk/index.html", {"form": form}, status=400)
    data = form.cleaned_data
    result = route_for(
        category=data["category"],
        institution_type=data["institution_type"],
        region_code=data["region_code"],
    )
    return render(
        request,
        "helpdesk/route.html",
        {
            "form": form,
            "route": result,
            "channel": channel_info(result.channel),
            "region_name": region_full_name(data["region_code"]),
            "category_label": Category(data["category"]).label,
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def ticket_new(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    initial = {
        "category": request.GET.get("category", ""),
        "institution_type": request.GET.get("institution_type", ""),
        "region_code": request.GET.get("region_code", user.region_code),
    }
    form = TicketForm(request.POST or None, request.FILES or None, initial=initial)
    preview = None
    if request.method == "GET" and initial["category"]:
        probe = RouteForm(initial)
        if probe.is_valid():
            preview = route_for(**probe.cleaned_data)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation = (
            Organisation.objects.filter(pk=data["organisation"]).first()
            if data["organisation"]
            else None
        )
        try:
            ticket = services.ticket_open(
                user=user,
                kind=data["kind"],
                category=data["category"],
                description=data["description"],
                organisation=organisation,
                institution_name=data["institution_name"],
                institution_type=data["institution_type"],
                desired_outcome=data["desired_outcome"],
                region_code=data["region_code"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            if data.get("attachment"):
                try:
                    services.attachment_add(ticket=ticket, by=user, upload=data["attachment"])
                except ValidationError as exc:
                    messages.error(request, _("附件未上传：") + error_text(exc))
            messages.success(
                request,
                _("已提交，编号 %(ref)s。处理进展会在“我的咨询”里显示。")
                % {"ref": ticket.reference},
            )
            return redirect(ticket.get_absolute_url())
    return render(
        request,
        "helpdesk/new.html",
        {"form": form, "preview": preview},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def my_tickets(request: HttpRequest) -> HttpResponse:
    tickets = selectors.tickets_for_citizen(request.user)[:100]
    return render(request, "helpdesk/my_list.html", {"tickets": tickets})


def _citizen_ticket_context(request: HttpRequest, ticket: Any) -> dict[str, Any]:
    return {
        "ticket": ticket,
        "thread": selectors.ticket_replies_public(ticket),
        "attachments": ticket.attachments.all(),
        "channel": channel_info(ticket.channel),
        "reply_form": ReplyForm(),
        "attachment_form": AttachmentForm(),
        "rating_form": RatingForm(),
        "can_rate": ticket.status in (Status.RESOLVED, Status.CLOSED) and ticket.rating is None,
        "region_name": region_full_name(ticket.region_code),
    }


@login_required
@require_GET
def my_ticket(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = selectors.ticket_get_for_citizen(user=request.user, reference=reference)
    return render(request, "helpdesk/my_detail.html", _citizen_ticket_context(request, ticket))


@login_required
@require_POST
def my_ticket_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    ticket = selectors.ticket_get_for_citizen(user=request.user, reference=reference)
    user: User = request.user  # type: ignore[assignment]
    try:
        if action == "reply":
            form: Any = ReplyForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("请填写要补充的内容（不超过 5000 字）。"))
            services.ticket_citizen_reply(ticket=ticket, by=user, body=form.cleaned_data["body"])
            messages.success(request, _("已发送。"))
        elif action == "upload":
            form = AttachmentForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ValidationError(_("请选择要上传的文件。"))
            services.attachment_add(ticket=ticket, by=user, upload=form.cleaned_data["file"])
            messages.success(request, _("附件已上传。"))
        elif action == "rate":
            form = RatingForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("请选择 1 到 5 星。"))
            services.ticket_rate(
                ticket=ticket,
                by=user,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("谢谢您的评价！"))
        elif action == "close":
            services.ticket_close_by_citizen(ticket=ticket, by=user)
            messages.success(request, _("已关闭。"))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect(ticket.get_absolute_url())


@login_required
@require_GET
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    """Attachments are never public: the owner or the ticket's staff (audited) only."""
    attachment = Attachment.objects.select_related("ticket").filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    ticket = attachment.ticket
    if ticket.user_id != request.user.pk:
        selectors.ticket_get_for_staff(
            user=request.user, reference=ticket.reference, action=AccessAction.DOWNLOAD
        )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=attachment.content_type)
    disposition = "inline" if attachment.is_image else "attachment"
    ext = (attachment.file.name or "").rsplit(".", 1)[-1]
    response["Content-Disposition"] = f'{disposition}; filename="attachment-{attachment.pk}.{ext}"'
    response["Cache-Control"] = "private, no-store"
    return response


def me_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    """我的 page: the citizen's consultations at a glance."""
    if not request.user.is_authenticated:
        return None
    tickets = list(selectors.tickets_for_citizen(request.user)[:3])
    return (
        "helpdesk/panel_me.html",
        {
            "tickets": tickets,
            "open_count": selectors.open_tickets_count(request.user),
            "is_staff_handler": selectors.user_is_helpdesk_staff(request.user),
        },
    )
