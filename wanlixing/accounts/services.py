"""Writes for accounts: sign-up, profile, consent, memberships, tokens, export, deletion."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wanlixing.lib.phone import InvalidPhone, phone_looks_like, phone_normalize

from . import personal_data
from .models import STAFF_ROLES, ApiToken, Consent, Membership, Organisation, Segment, User
from .regions import region_is_valid

USERNAME_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_"


def _check_username(username: str) -> str:
    username = username.strip()
    if not 3 <= len(username) <= 30:
        raise ValidationError({"username": _("用户名长度应为3到30个字符。")})
    if phone_looks_like(username) or username.isdigit():
        raise ValidationError(
            {"username": _("用户名不能是手机号或纯数字；用手机号注册请填写在手机号一栏。")}
        )
    if not all(ch in USERNAME_CHARS or "\u4e00" <= ch <= "\u9fff" for ch in username.lower()):
        raise ValidationError({"username": _("用户名只能包含中文、字母、数字和下划线。")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("该用户名已被注册。")})
    return username


def _generated_username() -> str:
    while True:
        candidate = "u_" + secrets.token_hex(4)
        if not User.objects.filter(username=candidate).exists():
            return candidate


def user_sign_up(
    *,
    password: str,
    username: str = "",
    phone: str = "",
    display_name: str = "",
    accept_privacy: bool,
    segments: list[str] | None = None,
) -> User:
    """Create a citizen account from a username and/or a mobile number plus password.

    Raises ValidationError with Chinese messages; nothing is written on error.
    """
    if not accept_privacy:
        raise ValidationError({"accept_privacy": _("请阅读并同意隐私政策后再注册。")})
    if not username and not phone:
        raise ValidationError({"username": _("请填写用户名或手机号。")})
    normalized_phone = None
    if phone:
        try:
            normalized_phone = phone_normalize(phone)
        except InvalidPhone:
            raise ValidationError(
                {"phone": _("手机号格式不正确，请输入11位中国大陆手机号。")}
            ) from None
        if User.objects.filter(phone=normalized_phone).exists():
            raise ValidationError({"phone": _("该手机号已注册，请直接登录。")})
    username = _check_username(username) if username else _generated_username()
    candidate = User(username=username, phone=normalized_phone, display_name=display_name.strip())
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    try:
        with transaction.atomic():
            candidate.set_password(password)
            candidate.save()
            if segments:
                candidate.segments.set(Segment.objects.filter(code__in=segments))
            consent_record(user=candidate)
    except IntegrityError:
        raise ValidationError({"username": _("该账号已存在，请直接登录。")}) from None
    return candidate


def consent_record(*, user: User, version: str | None = None) -> Consent:
    return Consent.objects.create(
        user=user, notice_version=version or settings.PRIVACY_NOTICE_VERSION
    )


def user_has_current_consent(user: User) -> bool:
    return user.consents.filter(notice_version=settings.PRIVACY_NOTICE_VERSION).exists()


def user_update_profile(
    *,
    user: User,
    display_name: str | None = None,
    age_band: str | None = None,
    occupation: str | None = None,
    region_code: str | None = None,
    area_type: str | None = None,
    segments: list[str] | None = None,
    affiliation_id: int | None = None,
    clear_affiliation: bool = False,
) -> User:
    """Update the personalisation profile. Unknown codes raise ValidationError."""
    errors: dict[str, str] = {}
    if (
        affiliation_id is not None
        and not Organisation.objects.filter(pk=affiliation_id, is_active=True).exists()
    ):
        errors["affiliation_id"] = _("所选学校/单位/社区不存在。")
    if region_code and not region_is_valid(region_code):
        errors["region_code"] = _("地区代码无效，请从列表中选择。")
    if segments is not None:
        known = set(Segment.objects.filter(code__in=segments).values_list("code", flat=True))
        unknown = [s for s in segments if s not in known]
        if unknown:
            errors["segments"] = _("未知的受众群体：%(codes)s") % {"codes": "、".join(unknown)}
    fields = {
        "display_name": display_name,
        "age_band": age_band,
        "occupation": occupation,
        "region_code": region_code,
        "area_type": area_type,
    }
    for name, value in fields.items():
        if value is None:
            continue
        choices = getattr(User._meta.get_field(name), "choices", None)
        if value and choices and value not in {c[0] for c in choices}:
            errors[name] = _("选项无效。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for name, value in fields.items():
            if value is not None:
                setattr(user, name, value.strip() if name == "display_name" else value)
        if affiliation_id is not None:
            user.affiliation_id = affiliation_id
        elif clear_affiliation:
            user.affiliation = None
        user.full_clean(exclude=["password", "username", "phone"])
        user.save()
        if segments is not None:
            user.segments.set(Segment.objects.filter(code__in=segments))
    return user


def user_set_elder_mode(*, user: User, enabled: bool) -> None:
    User.objects.filter(pk=user.pk).update(elder_mode=enabled)
    user.elder_mode = enabled


def membership_add(*, user: User, organisation: Organisation, role: str) -> Membership:
    """Give a user a role in an organisation; staff roles open the back office."""
    with transaction.atomic():
        membership, _created = Membership.objects.get_or_create(
            user=user, organisation=organisation, role=role
        )
        if role in STAFF_ROLES and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    return membership


def membership_remove(*, membership: Membership) -> None:
    with transaction.atomic():
        user = membership.user
        membership.delete()
        still_staff = user.memberships.filter(role__in=STAFF_ROLES).exists()
        if user.is_staff and not still_staff and not user.is_superuser:
            user.is_staff = False
            user.save(update_fields=["is_staff"])


def api_token_create(*, user: User, name: str = "app") -> tuple[ApiToken, str]:
    """Return the token row and the plain key; the key is shown once and never stored."""
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user,
        name=name[:60] or "app",
        key_hash=ApiToken.hash_key(key),
        prefix=key[4:12],
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_TTL_DAYS),
    )
    return token, key


def api_token_authenticate(key: str) -> User | None:
    if not key or len(key) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def user_export(*, user: User) -> dict[str, Any]:
    """Everything the platform holds about a user, as JSON-serialisable data."""
    account = {
        "username": user.username,
        "phone": user.phone,
        "display_name": user.display_name,
        "email": user.email,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "age_band": user.age_band,
        "occupation": user.occupation,
        "region_code": user.region_code,
        "area_type": user.area_type,
        "segments": list(user.segments.values_list("code", flat=True)),
        "affiliation": user.affiliation.name if user.affiliation else None,
        "elder_mode": user.elder_mode,
    }
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "account": account,
        "consents": [
            {"notice_version": c.notice_version, "accepted_at": c.accepted_at.isoformat()}
            for c in user.consents.all()
        ],
        "memberships": [
            {"organisation": m.organisation.name, "role": m.role}
            for m in user.memberships.select_related("organisation")
        ],
        "api_tokens": [
            {"name": t.name, "created_at": t.created_at.isoformat()} for t in user.api_tokens.all()
        ],
    }
    for section in personal_data.sections():
        data[section.name] = section.export(user)
    return data


def user_delete(*, user: User) -> None:
    """Delete an account: personal data is removed, anonymous statistics are kept.

    The user row stays (inactive, renamed, no password, no contact details) so
    that answers, check-ins and points already counted in aggregates keep their
    foreign keys; every app's eraser removes what identifies the person.
    """
    with transaction.atomic():
        for section in personal_data.sections():
            if section.erase is not None:
                section.erase(user)
        user.consents.all().delete()
        user.api_tokens.all().delete()
        user.memberships.all().delete()
        user.segments.clear()
        user.affiliation = None
        user.username = f"deleted_{user.pk}_{secrets.token_hex(3)}"
        user.phone = None
        user.email = ""
        user.first_name = ""
        user.last_name = ""
        user.display_name = ""
        user.occupation = ""
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.set_unusable_password()
        user.anonymised_at = timezone.now()
        # Age band, area type and the city part of the region are kept: they are
        # coarse and feed the campaign's reach statistics without identifying anyone.
        if user.region_code:
            user.region_code = user.region_code[:4] + "00"
        user.save()
