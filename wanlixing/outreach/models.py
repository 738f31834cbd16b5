"""Campaigns, events, registrations and check-ins, service stations, mobile routes, volunteers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wanlixing.accounts.models import AgeBand, AreaType, Organisation, Segment
from wanlixing.content.models import Topic


class Audience(models.TextChoices):
    """The campaign's audience segments (codes as in docs/CONTENT_SPEC.md)."""

    ELDERLY = "elderly", _("老年人")
    STUDENT = "student", _("青少年学生")
    NEW_CITIZEN = "new-citizen", _("新市民")
    RURAL = "rural", _("农村居民")
    EMPLOYEE = "employee", _("企业职工")
    SMALL_BUSINESS = "small-business", _("小微企业主")
    OTHER = "other", _("其他")


class Campaign(models.Model):
    """A campaign such as 2026 年“金融知识万里行”: a period, organisers and a budget."""

    name = models.CharField(_("名称"), max_length=100)
    slug = models.SlugField(_("代码"), max_length=60, unique=True)
    description = models.TextField(_("简介"), blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    lead_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("牵头机构"),
        on_delete=models.PROTECT,
        related_name="campaigns_led",
    )
    organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("主办/协办机构"),
        related_name="campaigns",
        blank=True,
        help_text=_("牵头机构之外共同组织活动的机构；各机构只能看到自己的活动数据。"),
    )
    budget = models.DecimalField(
        _("预算（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("宣传活动")
        verbose_name_plural = _("宣传活动")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="campaign_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def organisation_ids(self) -> set[int]:
        ids = set(self.organisations.values_list("pk", flat=True))
        ids.add(self.lead_organisation_id)
        return ids


class EventKind(models.TextChoices):
    LECTURE = "lecture", _("讲座")
    SALON = "salon", _("沙龙")
    CONSULTATION = "consultation", _("现场咨询")
    GAME = "game", _("互动游戏")
    EXHIBITION = "exhibition", _("展览")
    LIVESTREAM = "livestream", _("直播")
    MOBILE = "mobile", _("流动服务车")
    HOME_VISIT = "home-visit", _("入户走访")
    TRAINING = "training", _("培训")


class EventSetting(models.TextChoices):
    COMMUNITY = "community", _("社区")
    CAMPUS = "campus", _("校园")
    ENTERPRISE = "enterprise", _("企业")
    VILLAGE = "village", _("乡村")
    ELDERLY_CARE = "elderly-care", _("养老机构")
    BANK_BRANCH = "bank-branch", _("银行网点")
    ONLINE = "online", _("线上")


def city_code_of(region_code: str) -> str:
    """The prefecture-level code ("440300") of a county code; "" when unknown."""
    if len(region_code) != 6 or not region_code.isdigit():
        return ""
    return region_code[:4] + "00"


def month_of(moment: dt.datetime) -> dt.date:
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return local.date().replace(day=1)


class EventQuerySet(models.QuerySet["Event"]):
    def public(self) -> EventQuerySet:
        return self.filter(is_published=True, is_cancelled=False)


class Event(models.Model):
    """One activity of a campaign: a lecture, a consultation desk, a livestream, …"""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("所属活动"), on_delete=models.PROTECT, related_name="events"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("承办机构"), on_delete=models.PROTECT, related_name="events"
    )
    title = models.CharField(_("标题"), max_length=120)
    description = models.TextField(_("介绍"), blank=True)
    kind = models.CharField(_("活动形式"), max_length=16, choices=EventKind.choices)
    setting = models.CharField(_("场景"), max_length=16, choices=EventSetting.choices)
    area_type = models.CharField(_("城镇/农村"), max_length=8, choices=AreaType.choices)
    region_code = models.CharField(_("地区（行政区划代码）"), max_length=6)
    venue = models.CharField(_("地点"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    audiences = models.ManyToManyField(Segment, verbose_name=_("目标人群"), blank=True)
    topics = models.ManyToManyField(Topic, verbose_name=_("宣传主题"), blank=True)
    partners = models.ManyToManyField(
        Organisation, verbose_name=_("合作机构"), related_name="partner_events", blank=True
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("工作人员"),
        related_name="staffed_events",
        blank=True,
    )
    capacity = models.PositiveIntegerField(_("名额"), null=True, blank=True)
    registration_open = models.BooleanField(_("开放报名"), default=True)
    is_published = models.BooleanField(_("公开"), default=True)
    is_cancelled = models.BooleanField(_("已取消"), default=False)
    materials_handed_out = models.PositiveIntegerField(_("发放资料（份）"), default=0)
    materials_note = models.CharField(_("资料说明"), max_length=200, blank=True)
    cost = models.DecimalField(_("费用（元）"), max_digits=12, decimal_places=2, default=Decimal(0))
    online_url = models.URLField(_("直播/线上地址"), blank=True)
    # Counters kept by the services (check-in, online joins, page views).
    online_views = models.PositiveBigIntegerField(_("线上观看次数"), default=0)
    registered_count = models.PositiveIntegerField(_("报名人数"), default=0)
    attended_count = models.PositiveIntegerField(_("到场/参与人数"), default=0)
    # Derived from region_code and starts_at on save: the grain of the statistics.
    city_code = models.CharField(max_length=6, blank=True, editable=False, db_index=True)
    month = models.DateField(null=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("活动场次")
        verbose_name_plural = _("活动场次")
        indexes = [
            models.Index(fields=["campaign", "organisation"]),
            models.Index(fields=["campaign", "starts_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        self.city_code = city_code_of(self.region_code)
        self.month = month_of(self.starts_at) if self.starts_at else None
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return f"/events/{self.pk}/"

    @property
    def is_online(self) -> bool:
        return self.setting == EventSetting.ONLINE or self.kind == EventKind.LIVESTREAM

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.registered_count >= self.capacity


class Participant(models.Model):
    """A person the campaign reached: one row per person, however many events they join.

    ``key`` de-duplicates people across events without storing anything readable:
    ``u:<user id>`` for signed-in people, ``h:`` + a keyed hash of the phone number or
    of an opaque client key otherwise; walk-ins who give nothing have no key.
    """

    key = models.CharField(max_length=80, unique=True, null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outreach_participants",
    )
    name = models.CharField(_("姓名"), max_length=40, blank=True)
    phone = models.CharField(_("手机号"), max_length=11, blank=True)
    audience = models.CharField(_("人群"), max_length=20, choices=Audience.choices, blank=True)
    age_band = models.CharField(_("年龄段"), max_length=10, choices=AgeBand.choices, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    erased_at = models.DateTimeField(_("个人信息删除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("参与者")
        verbose_name_plural = _("参与者")

    def __str__(self) -> str:
        return f"#{self.pk}"


class Channel(models.TextChoices):
    ONSITE = "onsite", _("现场")
    ONLINE = "online", _("线上")


class RegistrationSource(models.TextChoices):
    FORM = "form", _("网上报名")
    WALK_IN = "walk-in", _("现场加入")
    STAFF = "staff", _("工作人员登记")
    ONLINE = "online", _("线上参与")


class Registration(models.Model):
    """A participant at one event; ``code`` is their participant code (参与码).

    The code is printed on the registration QR and links the person's pre-test,
    post-test and follow-up answers without a name or an account.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="registrations"
    )
    code = models.CharField(_("参与码"), max_length=8, unique=True)
    channel = models.CharField(
        _("渠道"), max_length=8, choices=Channel.choices, default=Channel.ONSITE
    )
    source = models.CharField(_("来源"), max_length=8, choices=RegistrationSource.choices)
    audience = models.CharField(_("人群"), max_length=20, choices=Audience.choices, blank=True)
    registered_at = models.DateTimeField(_("报名时间"), default=timezone.now)
    attended_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("报名与签到")
        verbose_name_plural = _("报名与签到")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "participant"], name="registration_once_per_event"
            )
        ]
        indexes = [
            models.Index(fields=["event", "attended_at"]),
            # Covers what reports and the dashboard refresh read per event (insights
            # ``columns``): the rows come from the index alone, in event order.
            models.Index(
                fields=["event", "participant", "attended_at", "channel", "source", "audience"],
                name="registration_event_facts",
            ),
        ]

    def __str__(self) -> str:
        return self.code_display

    @property
    def code_display(self) -> str:
        return f"{self.code[:4]}-{self.code[4:]}"

    @property
    def attended(self) -> bool:
        return self.attended_at is not None


# --- Service stations and mobile routes ---------------------------------------------------


class StationKind(models.TextChoices):
    CONTACT_POINT = "contact-point", _("金融知识联络点")
    SERVICE_STATION = "service-station", _("金融服务站")


class Station(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所属机构"), on_delete=models.PROTECT, related_name="stations"
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=StationKind.choices)
    region_code = models.CharField(_("地区（行政区划代码）"), max_length=6)
    area_type = models.CharField(_("城镇/农村"), max_length=8, choices=AreaType.choices)
    address = models.CharField(_("地址"), max_length=200)
    phone = models.CharField(_("服务电话"), max_length=20, blank=True)
    description = models.TextField(_("服务内容"), blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("驻点人员"), related_name="stations", blank=True
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["region_code", "name"]
        verbose_name = _("联络点/服务站")
        verbose_name_plural = _("联络点/服务站")

    def __str__(self) -> str:
        return self.name


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("周一")
    TUESDAY = 1, _("周二")
    WEDNESDAY = 2, _("周三")
    THURSDAY = 3, _("周四")
    FRIDAY = 4, _("周五")
    SATURDAY = 5, _("周六")
    SUNDAY = 6, _("周日")


class StationHours(models.Model):
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=Weekday.choices)
    opens = models.TimeField(_("开门"))
    closes = models.TimeField(_("关门"))

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("开放时间")
        verbose_name_plural = _("开放时间")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")), name="station_hours_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Route(models.Model):
    """A 村村通 mobile service route: a vehicle and team calling at villages on a schedule."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所属机构"), on_delete=models.PROTECT, related_name="routes"
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("所属活动"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="routes",
    )
    name = models.CharField(_("线路名称"), max_length=100)
    region_code = models.CharField(_("地区（行政区划代码）"), max_length=6)
    vehicle = models.CharField(_("车辆/队伍"), max_length=100, blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("随车人员"), related_name="routes", blank=True
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("流动服务线路")
        verbose_name_plural = _("流动服务线路")

    def __str__(self) -> str:
        return self.name


class RouteStop(models.Model):
    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="stops")
    position = models.PositiveSmallIntegerField(_("顺序"))
    place = models.CharField(_("停靠点"), max_length=100)
    region_code = models.CharField(_("地区（行政区划代码）"), max_length=6)
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=Weekday.choices)
    arrives_at = models.TimeField(_("到达时间"))
    minutes = models.PositiveSmallIntegerField(
        _("停留（分钟）"), default=60, validators=[MinValueValidator(5), MaxValueValidator(600)]
    )

    class Meta:
        ordering = ["route", "position"]
        verbose_name = _("停靠点")
        verbose_name_plural = _("停靠点")
        constraints = [
            models.UniqueConstraint(fields=["route", "position"], name="route_stop_position_once")
        ]

    def __str__(self) -> str:
        return f"{self.place}（{self.get_weekday_display()} {self.arrives_at:%H:%M}）"


class RouteVisit(models.Model):
    """What happened when the vehicle called at a stop on a day: people served."""

    stop = models.ForeignKey(RouteStop, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField(_("日期"))
    people_served = models.PositiveIntegerField(_("服务人数"))
    materials_handed_out = models.PositiveIntegerField(_("发放资料（份）"), default=0)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now=True)

    class Meta:
        ordering = ["-visited_on"]
        verbose_name = _("停靠记录")
        verbose_name_plural = _("停靠记录")
        constraints = [
            models.UniqueConstraint(fields=["stop", "visited_on"], name="route_visit_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.stop.place} {self.visited_on} {self.people_served}"


# --- Volunteers -------------------------------------------------------------------------


class Skill(models.TextChoices):
    LECTURE = "lecture", _("宣讲")
    CONSULTING = "consulting", _("咨询答疑")
    GUIDING = "guiding", _("签到引导")
    PHONE_HELP = "phone-help", _("手机操作辅导")
    DIALECT = "dialect", _("方言/翻译")
    ELDER_CARE = "elder-care", _("助老服务")
    MEDIA = "media", _("摄影宣传")


class VolunteerStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    ACTIVE = "active", _("已通过")
    INACTIVE = "inactive", _("已停用")


class Volunteer(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("志愿服务队/机构"),
        on_delete=models.PROTECT,
        related_name="volunteers",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=VolunteerStatus.choices, default=VolunteerStatus.PENDING
    )
    skills = models.JSONField(_("技能"), default=list, blank=True)
    region_code = models.CharField(_("服务地区"), max_length=6, blank=True)
    about = models.CharField(_("自我介绍"), max_length=300, blank=True)
    applied_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")

    def __str__(self) -> str:
        return str(self.user)

    def skill_labels(self) -> list[str]:
        labels = dict(Skill.choices)
        return [str(labels[s]) for s in self.skills if s in labels]


class Training(models.Model):
    """An organisation's volunteer training: a library article to read and a learning quiz.

    Passing the quiz up to ``pass_level`` (the learning part's 闯关 levels) certifies the
    volunteer for shifts that require training.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所属机构"), on_delete=models.CASCADE, related_name="trainings"
    )
    title = models.CharField(_("培训名称"), max_length=80)
    article = models.ForeignKey(
        "content.Article",
        verbose_name=_("学习材料"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    quiz = models.ForeignKey(
        "learning.Quiz", verbose_name=_("培训测验"), on_delete=models.PROTECT, related_name="+"
    )
    pass_level = models.PositiveSmallIntegerField(
        _("需通过的关卡"), default=1, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["organisation", "title"]
        verbose_name = _("志愿者培训")
        verbose_name_plural = _("志愿者培训")

    def __str__(self) -> str:
        return self.title


class Certification(models.Model):
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="certifications"
    )
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="certifications")
    certified_at = models.DateTimeField(_("认证时间"), default=timezone.now)

    class Meta:
        verbose_name = _("培训认证")
        verbose_name_plural = _("培训认证")
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "training"], name="certification_once")
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.training}"


class Shift(models.Model):
    """A volunteer post at an event (讲解员, 签到引导, …) and how many people it needs."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="shifts")
    title = models.CharField(_("岗位"), max_length=60)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    needed = models.PositiveSmallIntegerField(
        _("需要人数"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    requires_certification = models.BooleanField(
        _("需要培训认证"),
        default=False,
        help_text=_("勾选后只有通过机构培训测验的志愿者可以报名。"),
    )

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("志愿岗位")
        verbose_name_plural = _("志愿岗位")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="shift_period_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.title}"

    @property
    def planned_hours(self) -> Decimal:
        seconds = (self.ends_at - self.starts_at).total_seconds()
        return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.1"))


class SignupStatus(models.TextChoices):
    SIGNED_UP = "signed-up", _("已报名")
    CANCELLED = "cancelled", _("已取消")
    CONFIRMED = "confirmed", _("时长已确认")


class ShiftSignup(models.Model):
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="signups")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="signups")
    status = models.CharField(
        _("状态"), max_length=10, choices=SignupStatus.choices, default=SignupStatus.SIGNED_UP
    )
    signed_up_at = models.DateTimeField(_("报名时间"), default=timezone.now)
    hours_logged = models.DecimalField(
        _("填报时长（小时）"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    hours_confirmed = models.DecimalField(
        _("确认时长（小时）"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("岗位报名")
        verbose_name_plural = _("岗位报名")
        constraints = [
            models.UniqueConstraint(fields=["shift", "volunteer"], name="shift_signup_once")
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} @ {self.shift}"
