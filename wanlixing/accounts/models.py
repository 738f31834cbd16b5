from __future__ import annotations

import hashlib
import secrets
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wanlixing.lib.phone import phone_mask


class AgeBand(models.TextChoices):
    UNDER_18 = "under-18", _("18岁以下")
    AGE_18_29 = "18-29", _("18–29岁")
    AGE_30_44 = "30-44", _("30–44岁")
    AGE_45_59 = "45-59", _("45–59岁")
    AGE_60_69 = "60-69", _("60–69岁")
    AGE_70_PLUS = "70+", _("70岁及以上")


class Occupation(models.TextChoices):
    STUDENT = "student", _("学生")
    EMPLOYEE = "employee", _("企业职工")
    PUBLIC = "public", _("机关事业单位")
    FARMER = "farmer", _("务农")
    MIGRANT = "migrant", _("进城务工")
    BUSINESS = "business", _("个体户/小微企业主")
    FREELANCE = "freelance", _("自由职业/灵活就业")
    RETIRED = "retired", _("离退休")
    UNEMPLOYED = "unemployed", _("待业")
    OTHER = "other", _("其他")


class AreaType(models.TextChoices):
    URBAN = "urban", _("城镇")
    RURAL = "rural", _("农村")


class Segment(models.Model):
    """An audience segment of the campaign (老年人, 青少年学生, …)."""

    ELDERLY = "elderly"
    STUDENT = "student"
    NEW_CITIZEN = "new-citizen"
    RURAL = "rural"
    EMPLOYEE = "employee"
    SMALL_BUSINESS = "small-business"
    OTHER = "other"

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=32)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("受众群体")
        verbose_name_plural = _("受众群体")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person using the platform: citizen, volunteer or staff.

    Sign-in is by username or by a mainland mobile number. No ID-card number is
    ever collected.
    """

    phone = models.CharField(_("手机号"), max_length=11, unique=True, null=True, blank=True)
    display_name = models.CharField(_("昵称"), max_length=40, blank=True)
    age_band = models.CharField(_("年龄段"), max_length=10, choices=AgeBand.choices, blank=True)
    occupation = models.CharField(_("职业"), max_length=16, choices=Occupation.choices, blank=True)
    region_code = models.CharField(_("所在地区"), max_length=6, blank=True, db_index=True)
    area_type = models.CharField(_("城镇/农村"), max_length=8, choices=AreaType.choices, blank=True)
    segments = models.ManyToManyField(Segment, verbose_name=_("受众群体"), blank=True)
    affiliation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("所在学校/单位/社区"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="affiliated_users",
        help_text=_("用于学校、单位、社区排行榜和直播答题分队；不授予任何管理权限。"),
    )
    elder_mode = models.BooleanField(_("长辈模式"), default=False)
    anonymised_at = models.DateTimeField(_("注销时间"), null=True, blank=True)

    objects: ClassVar[UserManager[User]] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def phone_masked(self) -> str:
        return phone_mask(self.phone)

    @property
    def public_name(self) -> str:
        """The name other people may see (leaderboards, live quiz)."""
        return self.display_name or self.username


class Consent(models.Model):
    """A record that a user accepted a version of the privacy notice."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    notice_version = models.CharField(_("隐私政策版本"), max_length=20)
    accepted_at = models.DateTimeField(_("同意时间"), default=timezone.now)

    class Meta:
        ordering = ["-accepted_at"]
        verbose_name = _("隐私政策同意记录")
        verbose_name_plural = _("隐私政策同意记录")

    def __str__(self) -> str:
        return f"{self.user_id} {self.notice_version}"


class OrganisationKind(models.TextChoices):
    BANK = "bank", _("银行")
    INSURER = "insurer", _("保险公司")
    SECURITIES = "securities", _("证券期货机构")
    REGULATOR = "regulator", _("监管部门")
    POLICE = "police", _("公安机关")
    SCHOOL = "school", _("学校")
    COMMUNITY = "community", _("社区/村委会")
    VOLUNTEER = "volunteer", _("志愿者组织")
    MEDIA = "media", _("媒体")
    OTHER = "other", _("其他")


class Organisation(models.Model):
    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=OrganisationKind.choices)
    region_code = models.CharField(_("所在地区"), max_length=6, blank=True, db_index=True)
    description = models.TextField(_("简介"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("机构")
        verbose_name_plural = _("机构")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", _("机构管理员")
    EDITOR = "editor", _("编辑")
    REVIEWER = "reviewer", _("审核员")
    ORGANISER = "organiser", _("活动组织者")
    VOLUNTEER = "volunteer", _("志愿者")
    ANALYST = "analyst", _("数据分析员")
    COMPLAINT_HANDLER = "complaint_handler", _("投诉处理员")


# Roles that work in the back office (Django admin); volunteers use the public pages.
STAFF_ROLES = frozenset(r for r in Role if r != Role.VOLUNTEER)


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("加入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("机构成员")
        verbose_name_plural = _("机构成员")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"


class ApiToken(models.Model):
    """A bearer token for app and mini-program clients. Only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=60, default="app")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "wlx_" + secrets.token_urlsafe(32)
