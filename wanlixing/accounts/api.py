from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from wanlixing.core.api import AUTH, ApiError
from wanlixing.lib.throttle import client_address, throttle_hit

from . import services
from .models import Segment, User
from .regions import region_children, region_full_name

router = Router(tags=["accounts"])


class TokenIn(Schema):
    login: str = Field(..., min_length=1, max_length=64, description="用户名或手机号")
    password: str = Field(..., min_length=1, max_length=128)
    name: str = Field("app", max_length=60, description="令牌名称（设备名）")


class TokenOut(Schema):
    token: str
    expires_at: str


class SignUpIn(Schema):
    username: str = Field("", max_length=30)
    phone: str = Field("", max_length=20)
    password: str = Field(..., min_length=1, max_length=128)
    display_name: str = Field("", max_length=40)
    accept_privacy: bool
    segments: list[str] = Field(default_factory=list, max_length=7)


class ProfileIn(Schema):
    display_name: str | None = Field(None, max_length=40)
    age_band: str | None = Field(None, max_length=10)
    occupation: str | None = Field(None, max_length=16)
    region_code: str | None = Field(None, max_length=6)
    area_type: str | None = Field(None, max_length=8)
    segments: list[str] | None = Field(None, max_length=7)
    affiliation_id: int | None = None


class ProfileOut(Schema):
    id: int
    username: str
    display_name: str
    phone_masked: str
    age_band: str
    occupation: str
    region_code: str
    region_name: str
    area_type: str
    segments: list[str]
    affiliation_id: int | None
    affiliation_name: str | None
    elder_mode: bool


class DeleteIn(Schema):
    password: str = Field(..., min_length=1, max_length=128)


class RegionOut(Schema):
    code: str
    name: str
    level: int


class SegmentOut(Schema):
    code: str
    name: str


def _profile(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name,
        "phone_masked": user.phone_masked,
        "age_band": user.age_band,
        "occupation": user.occupation,
        "region_code": user.region_code,
        "region_name": region_full_name(user.region_code),
        "area_type": user.area_type,
        "segments": list(user.segments.values_list("code", flat=True)),
        "affiliation_id": user.affiliation_id,
        "affiliation_name": user.affiliation.name if user.affiliation else None,
        "elder_mode": user.elder_mode,
    }


@router.post("/token", response={201: TokenOut}, summary="用户名或手机号 + 密码换取访问令牌")
def token_create(request: HttpRequest, payload: TokenIn) -> Status:
    if throttle_hit("api-login", client_address(request), limit=20, window_seconds=300):
        raise ApiError(429, "too_many_requests", "尝试次数过多，请5分钟后再试。")
    user = authenticate(request, username=payload.login, password=payload.password)
    if user is None:
        raise ApiError(401, "invalid_credentials", "用户名/手机号或密码不正确。")
    token, key = services.api_token_create(user=user, name=payload.name)
    return Status(201, {"token": key, "expires_at": token.expires_at.isoformat()})


@router.post("/signup", response={201: ProfileOut}, summary="注册新账号")
def signup(request: HttpRequest, payload: SignUpIn) -> Status:
    if throttle_hit("signup", client_address(request), limit=10, window_seconds=3600):
        raise ApiError(429, "too_many_requests", "注册过于频繁，请稍后再试。")
    user = services.user_sign_up(
        username=payload.username,
        phone=payload.phone,
        password=payload.password,
        display_name=payload.display_name,
        accept_privacy=payload.accept_privacy,
        segments=payload.segments,
    )
    return Status(201, _profile(user))


@router.get("/me", response=ProfileOut, auth=AUTH, summary="我的资料")
def me(request: HttpRequest) -> dict[str, Any]:
    return _profile(request.user)  # type: ignore[arg-type]


@router.patch("/me", response=ProfileOut, auth=AUTH, summary="修改我的资料")
def me_update(request: HttpRequest, payload: ProfileIn) -> dict[str, Any]:
    user = services.user_update_profile(user=request.user, **payload.dict())  # type: ignore[arg-type]
    return _profile(user)


@router.get("/me/export", auth=AUTH, summary="导出我的全部数据")
def me_export(request: HttpRequest) -> dict[str, Any]:
    return services.user_export(user=request.user)  # type: ignore[arg-type]


@router.post("/me/delete", response={204: None}, auth=AUTH, summary="注销账号（需密码确认）")
def me_delete(request: HttpRequest, payload: DeleteIn) -> Status:
    user: User = request.user  # type: ignore[assignment]
    if not user.check_password(payload.password):
        raise ApiError(400, "invalid_password", "密码不正确。")
    services.user_delete(user=user)
    return Status(204, None)


@router.get("/regions", response=list[RegionOut], summary="行政区划（GB/T 2260），按上级代码列出")
def regions(request: HttpRequest, parent: str = "") -> list[dict[str, Any]]:
    if len(parent) > 6:
        raise ApiError(400, "invalid", "地区代码无效。")
    return [{"code": r.code, "name": r.name, "level": r.level} for r in region_children(parent)]


@router.get("/segments", response=list[SegmentOut], summary="受众群体")
def segments(request: HttpRequest) -> list[Segment]:
    return list(Segment.objects.all())
