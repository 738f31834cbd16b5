from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from wanlixing.core import panels
from wanlixing.lib.throttle import client_address, throttle_hit

from . import services
from .forms import DeleteAccountForm, LoginForm, ProfileForm, SignUpForm
from .regions import region_full_name


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if throttle_hit("login", client_address(request), limit=20, window_seconds=300):
            form = self.get_form()
            form.add_error(None, _("尝试次数过多，请5分钟后再试。"))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:me")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if throttle_hit("signup", client_address(request), limit=10, window_seconds=3600):
            form.add_error(None, _("注册过于频繁，请稍后再试。"))
        else:
            data = form.cleaned_data
            try:
                user = services.user_sign_up(
                    username=data["username"],
                    phone=data["phone"],
                    display_name=data["display_name"],
                    password=data["password"],
                    accept_privacy=data["accept_privacy"],
                    segments=[s.code for s in data["segments"]],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                login(request, user, backend="wanlixing.accounts.backends.UsernameOrPhoneBackend")
                messages.success(request, _("注册成功，欢迎加入！"))
                return redirect("accounts:me")
    return render(
        request, "accounts/signup.html", {"form": form}, status=400 if form.errors else 200
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("home")


@login_required
@require_http_methods(["GET", "POST"])
def me(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial = {
        "display_name": user.display_name,  # type: ignore[union-attr]
        "age_band": user.age_band,  # type: ignore[union-attr]
        "occupation": user.occupation,  # type: ignore[union-attr]
        "region_code": user.region_code,  # type: ignore[union-attr]
        "area_type": user.area_type,  # type: ignore[union-attr]
        "segments": list(user.segments.all()),  # type: ignore[union-attr]
        "affiliation": user.affiliation,  # type: ignore[union-attr]
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update_profile(
                user=user,  # type: ignore[arg-type]
                display_name=data["display_name"],
                age_band=data["age_band"],
                occupation=data["occupation"],
                region_code=data["region_code"],
                area_type=data["area_type"],
                segments=[s.code for s in data["segments"]],
                affiliation_id=data["affiliation"].pk if data["affiliation"] else None,
                clear_affiliation=data["affiliation"] is None,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("资料已保存。"))
            return redirect("accounts:me")
    return render(
        request,
        "accounts/me.html",
        {
            "form": form,
            "region_name": region_full_name(user.region_code),  # type: ignore[union-attr]
            "has_consent": services.user_has_current_consent(user),  # type: ignore[arg-type]
            "panels": panels.render_slot("me", request),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def consent_accept(request: HttpRequest) -> HttpResponse:
    services.consent_record(user=request.user)  # type: ignore[arg-type]
    messages.success(request, _("已记录您对最新隐私政策的同意。"))
    return redirect("accounts:me")


@login_required
def export_data(request: HttpRequest) -> HttpResponse:
    data = services.user_export(user=request.user)  # type: ignore[arg-type]
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="wanlixing-my-data-{stamp}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not request.user.check_password(form.cleaned_data["password"]):
            form.add_error("password", _("密码不正确。"))
        else:
            user = request.user
            logout(request)
            services.user_delete(user=user)  # type: ignore[arg-type]
            messages.success(request, _("您的账号已注销，个人信息已删除。"))
            return redirect("home")
    return render(
        request, "accounts/delete.html", {"form": form}, status=400 if form.errors else 200
    )
