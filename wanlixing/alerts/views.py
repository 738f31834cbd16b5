"""Pages for alerts: the feed, an alert, the inbox, preferences, and the staff desk."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wanlixing.accounts.models import User
from wanlixing.accounts.regions import region_full_name, region_is_valid
from wanlixing.accounts.selectors import user_is_platform_admin, user_org_ids

from . import selectors, services
from .forms import AlertForm, PreferenceForm, ScriptDraftForm
from .models import AlertStatus

View = Callable[..., HttpResponse]


def _error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def _form_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@require_GET
def feed(request: HttpRequest) -> HttpResponse:
    region = request.GET.get("region", "")
    region_code = region if region and region_is_valid(region) else None
    alerts = selectors.alerts_for_user(request.user, region_code=region_code).prefetch_related(
        "regions"
    )
    page = Paginator(alerts, 20).get_page(request.GET.get("page"))
    shown_region = (
        region_code if region_code is not None else getattr(request.user, "region_code", "")
    )
    return render(
        request,
        "alerts/feed.html",
        {"page": page, "region_name": region_full_name(shown_region)},
    )


@require_GET
def detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_get_public(alert_id=alert_id)
    if alert is None:
        raise Http404
    if request.user.is_authenticated:
        services.alert_opened_by(alert=alert, user=request.user)
    regions = [region_full_name(code) for code in alert.region_codes]
    return render(request, "alerts/detail.html", {"alert": alert, "regions": regions})


@require_GET
def go(request: HttpRequest, token: str) -> HttpResponse:
    """A tracked link: record the click, then go to the page it points at (on this site)."""
    delivery = services.delivery_click(token=token)
    if delivery is None:
        raise Http404
    target = delivery.url or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    return HttpResponseRedirect(target)


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    items = [
        {"delivery": d, "link": services.click_path(d) if d.url else ""}
        for d in selectors.inbox_for(request.user)  # type: ignore[arg-type]
    ]
    return render(request, "alerts/inbox.html", {"items": items})


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    pref = services.preference_for(user)
    initial = {
        "email_enabled": pref.email_enabled,
        "sms_enabled": pref.sms_enabled,
        "wechat_enabled": pref.wechat_enabled,
        "quiet_start": pref.quiet_start,
        "quiet_end": pref.quiet_end,
        "opted_out": pref.opted_out,
    }
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.preference_update(
                user=user,
                email_enabled=data["email_enabled"],
                sms_enabled=data["sms_enabled"],
                wechat_enabled=data["wechat_enabled"],
                quiet_start=data["quiet_start"],
                quiet_end=data["quiet_end"],
                clear_quiet_hours=data["quiet_start"] is None and data["quiet_end"] is None,
                opted_out=data["opted_out"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("通知设置已保存。"))
            return redirect("alerts:preferences")
    return render(
        request,
        "alerts/preferences.html",
        {
            "form": form,
            "has_email": bool(user.email),
            "has_phone": bool(user.phone),
            "wechat_bound": bool(pref.wechat_openid),
        },
        status=400 if form.errors else 200,
    )


# --- Staff --------------------------------------------------------------------------------


def alert_staff_required(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (
            user_is_platform_admin(request.user) or user_org_ids(request.user, services.ALERT_ROLES)
        ):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@alert_staff_required
@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    alerts = selectors.alerts_for_staff(request.user)[:100]  # type: ignore[arg-type]
    return render(request, "alerts/staff_list.html", {"alerts": alerts})


@alert_staff_required
@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, alert_id: int | None = None) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    alert = selectors.alert_get_for_staff(user=user, alert_id=alert_id) if alert_id else None
    initial: dict[str, Any] = {}
    if alert is not None:
        initial = {
            "title": alert.title,
            "fraud_type": alert.fraud_type,
            "severity": alert.severity,
            "watch_for": alert.watch_for,
            "what_to_do": alert.what_to_do,
            "regions": ",".join(alert.region_codes),
            "segments": list(alert.segments.all()),
            "channels": alert.channels,
            "expires_at": alert.expires_at,
        }
    form = AlertForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.alert_save(by=user, alert=alert, **form.service_kwargs())
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("已保存为草稿。确认无误后点击“发布”。"))
            return redirect("alerts:staff_edit", alert_id=saved.pk)
    return render(
        request,
        "alerts/staff_edit.html",
        {
            "form": form,
            "alert": alert,
            "counts": services.alert_counts_summary(alert) if alert else {},
            "editable": alert is None or alert.status == AlertStatus.DRAFT,
        },
        status=400 if form.errors else 200,
    )


@alert_staff_required
@require_POST
def staff_publish(request: HttpRequest, alert_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    alert = selectors.alert_get_for_staff(user=user, alert_id=alert_id)
    action = request.POST.get("action", "publish")
    try:
        if action == "withdraw":
            services.alert_withdraw(alert=alert, by=user)
            messages.success(request, _("已撤回。"))
        else:
            services.alert_publish(alert=alert, by=user)
            messages.success(request, _("已发布，正在后台推送给目标人群。"))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("alerts:staff_edit", alert_id=alert.pk)


@alert_staff_required
@require_http_methods(["GET", "POST"])
def staff_from_script(request: HttpRequest) -> HttpResponse:
    """Turn an emerging scam script into a draft alert in one step."""
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST" and request.POST.get("script_id"):
        try:
            alert = services.alert_draft_from_emerging_script(
                script_id=int(request.POST["script_id"]), by=user
            )
        except (ValueError, ValidationError) as exc:
            messages.error(
                request,
                _error_text(exc) if isinstance(exc, ValidationError) else _("请求无效。"),
            )
            return redirect("alerts:staff_from_script")
        messages.success(request, _("已根据新话术生成提示草稿，请检查后发布。"))
        return redirect("alerts:staff_edit", alert_id=alert.pk)
    form = ScriptDraftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            alert = services.alert_draft_from_script(
                title=data["title"],
                fraud_type=data["fraud_type"],
                examples=data["examples"],
                regions=data["regions"],
                by=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("已生成提示草稿，请检查后发布。"))
            return redirect("alerts:staff_edit", alert_id=alert.pk)
    return render(
        request,
        "alerts/staff_from_script.html",
        {"form": form, "scripts": selectors.emerging_scripts_for_staff(user=user)},
        status=400 if form.errors else 200,
    )


@alert_staff_required
@require_GET
def staff_dashboard(request: HttpRequest) -> HttpResponse:
    alerts = list(
        selectors.alerts_for_staff(request.user)  # type: ignore[arg-type]
        .exclude(status=AlertStatus.DRAFT)
        .prefetch_related("counts")[:50]
    )
    rows: list[dict[str, Any]] = []
    for alert in alerts:
        counts = {c.channel: c for c in alert.counts.all()}
        targeted = sum(c.targeted for c in counts.values())
        sent = sum(c.sent for c in counts.values())
        in_app = counts.get("in_app")
        opened = in_app.opened if in_app else 0
        clicked = sum(c.clicked for c in counts.values())
        rows.append(
            {
                "alert": alert,
                "targeted": targeted,
                "sent": sent,
                "failed": sum(c.failed for c in counts.values()),
                "opened": opened,
                "clicked": clicked,
                "open_rate": round(100 * opened / in_app.sent) if in_app and in_app.sent else 0,
                "channels": sorted(counts.values(), key=lambda c: c.channel),
            }
        )
    top = max((r["sent"] for r in rows), default=0)
    for row in rows:
        row["percent"] = round(100 * row["sent"] / top) if top else 0
    return render(request, "alerts/staff_dashboard.html", {"rows": rows})


# --- Panels -------------------------------------------------------------------------------


def home_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    alerts = list(selectors.alerts_for_user(request.user)[:3])
    if not alerts:
        return None
    return "alerts/panel_home.html", {"alerts": alerts}


def me_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    if not request.user.is_authenticated:
        return None
    return (
        "alerts/panel_me.html",
        {
            "unread": selectors.inbox_unread_count(request.user),
            "is_alert_staff": user_is_platform_admin(request.user)
            or bool(user_org_ids(request.user, services.ALERT_ROLES)),
        },
    )
