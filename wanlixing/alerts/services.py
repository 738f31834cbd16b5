"""Writes for alerts and notifications: notify, send with retries, preferences, alerts.

``notify`` is the one entry point other parts use to tell a person something; it
writes one send-log row per allowed channel (unique per key, user and channel, so
nothing is ever sent twice) and sends in background tasks after commit.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wanlixing.accounts.models import Role, Segment, User
from wanlixing.accounts.regions import region_get, region_is_valid
from wanlixing.accounts.selectors import user_is_platform_admin, user_org_ids

from .channels import OutgoingMessage, SendFailed, backend_for
from .models import (
    PUSH_CHANNELS,
    Alert,
    AlertCount,
    AlertRegion,
    AlertStatus,
    ChannelCode,
    Delivery,
    DeliveryStatus,
    FraudType,
    NotificationPreference,
    Severity,
)

log = logging.getLogger(__name__)

# Roles that may draft and publish alerts for their organisation.
ALERT_ROLES = (Role.ORG_ADMIN, Role.EDITOR)
CLICK_SALT = "wanlixing.alerts.click"
RETRY_MAX_DELAY = dt.timedelta(hours=6)
STALE_CLAIM = dt.timedelta(minutes=10)


# --- Preferences --------------------------------------------------------------------


def preference_for(user: User) -> NotificationPreference:
    """The user's saved preferences, or the defaults (in-app only) if none were saved."""
    try:
        return user.notification_preference
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(user=user)


def preference_update(
    *,
    user: User,
    email_enabled: bool | None = None,
    sms_enabled: bool | None = None,
    wechat_enabled: bool | None = None,
    wechat_openid: str | None = None,
    quiet_start: dt.time | None = None,
    quiet_end: dt.time | None = None,
    clear_quiet_hours: bool = False,
    opted_out: bool | None = None,
) -> NotificationPreference:
    """Save notification preferences; a channel without an address is refused in Chinese."""
    pref = preference_for(user)
    for name, value in (
        ("email_enabled", email_enabled),
        ("sms_enabled", sms_enabled),
        ("wechat_enabled", wechat_enabled),
        ("opted_out", opted_out),
    ):
        if value is not None:
            setattr(pref, name, value)
    if wechat_openid is not None:
        pref.wechat_openid = wechat_openid.strip()[:64]
    if clear_quiet_hours:
        pref.quiet_start = pref.quiet_end = None
    elif quiet_start is not None or quiet_end is not None:
        pref.quiet_start, pref.quiet_end = quiet_start, quiet_end
    errors: dict[str, str] = {}
    if pref.email_enabled and not user.email:
        errors["email_enabled"] = _("您的账号没有填写电子邮箱，无法通过邮件接收通知。")
    if pref.sms_enabled and not user.phone:
        errors["sms_enabled"] = _("您的账号没有绑定手机号，无法通过短信接收通知。")
    if pref.wechat_enabled and not pref.wechat_openid:
        errors["wechat_enabled"] = _("请先在微信中绑定账号，再开启微信通知。")
    if (pref.quiet_start is None) != (pref.quiet_end is None):
        errors["quiet_start"] = _("免打扰时段需要同时填写开始和结束时间。")
    elif pref.quiet_start is not None and pref.quiet_start == pref.quiet_end:
        errors["quiet_start"] = _("免打扰的开始和结束时间不能相同。")
    if errors:
        raise ValidationError(errors)
    pref.save()
    return pref


def quiet_until(pref: NotificationPreference, now: dt.datetime) -> dt.datetime | None:
    """When the quiet hours around ``now`` end (local time), or None if ``now`` is not quiet."""
    if pref.quiet_start is None or pref.quiet_end is None:
        return None
    local = timezone.localtime(now)
    t = local.time().replace(tzinfo=None)
    start, end = pref.quiet_start, pref.quiet_end
    quiet = start <= t < end if start < end else (t >= start or t < end)
    if not quiet:
        return None
    end_today = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return end_today if end_today > local else end_today + dt.timedelta(days=1)


def channels_for_user(user: User, pref: NotificationPreference) -> list[str]:
    """Channels a person accepts and has an address for, whatever the hour."""
    if pref.opted_out or not user.is_active:
        return []
    out: list[str] = [ChannelCode.IN_APP]
    if pref.email_enabled and user.email:
        out.append(ChannelCode.EMAIL)
    if pref.sms_enabled and user.phone:
        out.append(ChannelCode.SMS)
    if pref.wechat_enabled and pref.wechat_openid:
        out.append(ChannelCode.WECHAT)
    return [c for c in out if backend_for(c) is not None]


def _address(delivery: Delivery, pref: NotificationPreference) -> str:
    user = delivery.user
    return {
        ChannelCode.EMAIL: user.email,
        ChannelCode.SMS: user.phone or "",
        ChannelCode.WECHAT: pref.wechat_openid,
    }.get(ChannelCode(delivery.channel), "")


# --- Notify and send ------------------------------------------------------------------


def notify(
    *,
    user: User,
    kind: str,
    key: str,
    title: str,
    body: str,
    url: str | None = None,
    channels: Iterable[str] | None = None,
) -> list[Delivery]:
    """Tell a person something on every channel their preferences allow.

    ``key`` identifies the event (``ticket:AB12:reply:7``); calling again with the same
    key creates and sends nothing. Returns the deliveries created by this call. Sends
    happen in background tasks (queue ``notifications``) after the transaction commits.
    ``channels`` optionally narrows the channels (in-app is always allowed).
    """
    pref = preference_for(user)
    allowed = channels_for_user(user, pref)
    if channels is not None:
        wanted = set(channels) | {ChannelCode.IN_APP}
        allowed = [c for c in allowed if c in wanted]
    created: list[Delivery] = []
    for channel in allowed:
        try:
            with transaction.atomic():
                delivery = Delivery.objects.create(
                    key=key[:120],
                    user=user,
                    channel=channel,
                    kind=kind[:24],
                    title=title[:120],
                    body=body,
                    url=(url or "")[:300],
                )
        except IntegrityError:
            continue  # already notified about this on this channel
        created.append(delivery)
    ids = [d.pk for d in created]
    if ids:
        transaction.on_commit(lambda: _enqueue_sends(ids))
    return created


def _enqueue_sends(ids: Sequence[int]) -> None:
    from .tasks import delivery_send_task

    for delivery_id in ids:
        delivery_send_task.enqueue(delivery_id)


def _schedule(delivery_id: int, when: dt.datetime) -> None:
    """Enqueue a later attempt when the task backend can defer; otherwise the periodic
    ``notifications_retry`` command picks the delivery up when it is due."""
    from django_tasks import default_task_backend

    from .tasks import delivery_send_task

    if default_task_backend.supports_defer:
        delivery_send_task.using(run_after=when).enqueue(delivery_id)


def click_path(delivery: Delivery) -> str:
    """The tracking path for a delivery's link (records the click, then redirects)."""
    token = signing.Signer(salt=CLICK_SALT).sign(str(delivery.pk))
    return f"/alerts/go/{token}/"


def click_url(delivery: Delivery) -> str:
    """The absolute tracking link, for messages read outside the site (e-mail, SMS, WeChat)."""
    if not delivery.url:
        return ""
    return settings.SITE_URL.rstrip("/") + click_path(delivery)


def _count(delivery: Delivery, field: str) -> None:
    if delivery.alert_id is None:
        return
    AlertCount.objects.filter(alert_id=delivery.alert_id, channel=delivery.channel).update(
        **{field: F(field) + 1}
    )


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff: base, 2×base, 4×base … capped at six hours."""
    delay = dt.timedelta(seconds=settings.NOTIFY_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))
    return min(delay, RETRY_MAX_DELAY)


def delivery_send(*, delivery_id: int, now: dt.datetime | None = None) -> str:
    """Send one delivery if it is due; returns its resulting status.

    The row is claimed with a conditional update first, so running this twice (or
    on two workers at once) sends once. Preferences are checked again at send time:
    an opt-out since the notification was queued wins, and quiet hours defer push
    channels to the end of the quiet period.
    """
    now = now or timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    claimable = Q(
        status__in=(DeliveryStatus.PENDING, DeliveryStatus.RETRY, DeliveryStatus.DEFERRED)
    ) & due | Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - STALE_CLAIM)
    claimed = Delivery.objects.filter(claimable, pk=delivery_id).update(
        status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        current = Delivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first()
        return current or "missing"
    delivery = Delivery.objects.select_related("user").get(pk=delivery_id)
    pref = preference_for(delivery.user)
    if delivery.channel not in channels_for_user(delivery.user, pref):
        delivery.status = DeliveryStatus.SKIPPED
        delivery.last_error = "opted out or channel unavailable"
        delivery.save(update_fields=["status", "last_error"])
        _count(delivery, "skipped")
        return delivery.status
    if delivery.channel in PUSH_CHANNELS:
        until = quiet_until(pref, now)
        if until is not None:
            delivery.status = DeliveryStatus.DEFERRED
            delivery.next_attempt_at = until
            delivery.attempts = F("attempts") - 1
            delivery.save(update_fields=["status", "next_attempt_at", "attempts"])
            _schedule(delivery.pk, until)
            return DeliveryStatus.DEFERRED
    backend = backend_for(delivery.channel)
    assert backend is not None  # channels_for_user only lists configured channels
    message = OutgoingMessage(
        key=f"{delivery.key}:{delivery.channel}:{delivery.user_id}",
        address=_address(delivery, pref),
        title=delivery.title,
        body=delivery.body,
        url=click_url(delivery) if delivery.channel != ChannelCode.IN_APP else "",
    )
    try:
        provider_id = backend.send(message)
    except SendFailed as exc:
        delivery.last_error = str(exc)[:300]
        if exc.retryable and delivery.attempts < settings.NOTIFY_MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.RETRY
            delivery.next_attempt_at = now + retry_delay(delivery.attempts)
            delivery.save(update_fields=["status", "next_attempt_at", "last_error"])
            _schedule(delivery.pk, delivery.next_attempt_at)
        else:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
            delivery.save(update_fields=["status", "next_attempt_at", "last_error"])
            _count(delivery, "failed")
            log.warning("delivery %s failed for good: %s", delivery.pk, exc)
        return delivery.status
    delivery.status = DeliveryStatus.SENT
    delivery.sent_at = now
    delivery.next_attempt_at = None
    delivery.provider_id = provider_id
    delivery.save(update_fields=["status", "sent_at", "next_attempt_at", "provider_id"])
    _count(delivery, "sent")
    return delivery.status


def deliveries_due(*, now: dt.datetime | None = None, limit: int = 1000) -> list[int]:
    """Ids of deliveries waiting for a retry, the end of quiet hours, or a lost worker."""
    now = now or timezone.now()
    waiting = Q(
        status__in=(DeliveryStatus.PENDING, DeliveryStatus.RETRY, DeliveryStatus.DEFERRED),
        next_attempt_at__lte=now,
    )
    forgotten = Q(
        status=DeliveryStatus.PENDING,
        next_attempt_at__isnull=True,
        created_at__lt=now - STALE_CLAIM,
    )
    stale = Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - STALE_CLAIM)
    return list(
        Delivery.objects.filter(waiting | forgotten | stale)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def delivery_open(*, delivery: Delivery, now: dt.datetime | None = None) -> None:
    """Record the first time a person opened an in-app message."""
    now = now or timezone.now()
    if Delivery.objects.filter(pk=delivery.pk, opened_at__isnull=True).update(opened_at=now):
        delivery.opened_at = now
        _count(delivery, "opened")


def delivery_click(*, token: str, now: dt.datetime | None = None) -> Delivery | None:
    """Record a click on a tracked link; returns the delivery, or None for a bad token."""
    try:
        delivery_id = int(signing.Signer(salt=CLICK_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    delivery = Delivery.objects.filter(pk=delivery_id).first()
    if delivery is None:
        return None
    now = now or timezone.now()
    if Delivery.objects.filter(pk=delivery.pk, clicked_at__isnull=True).update(clicked_at=now):
        delivery.clicked_at = now
        _count(delivery, "clicked")
    if delivery.channel == ChannelCode.IN_APP:
        delivery_open(delivery=delivery, now=now)
    return delivery


def alert_opened_by(*, alert: Alert, user: User) -> None:
    """The person opened an alert's page: counts as opening its in-app message."""
    delivery = Delivery.objects.filter(
        key=f"alert:{alert.pk}", user=user, channel=ChannelCode.IN_APP, opened_at__isnull=True
    ).first()
    if delivery is not None:
        delivery_open(delivery=delivery)


# --- Alerts --------------------------------------------------------------------------


def alert_organisation_for(user: User, organisation_id: int | None) -> int | None:
    """The organisation an alert is published for; PermissionDenied if the user may not."""
    if organisation_id is None:
        if user_is_platform_admin(user):
            return None
        orgs = sorted(user_org_ids(user, ALERT_ROLES))
        if not orgs:
            raise PermissionDenied
        return orgs[0]
    if not (user_is_platform_admin(user) or organisation_id in user_org_ids(user, ALERT_ROLES)):
        raise PermissionDenied
    return organisation_id


def _alert_clean(
    *,
    title: str,
    watch_for: str,
    what_to_do: str,
    fraud_type: str,
    severity: str,
    regions: Sequence[str],
    segments: Sequence[str],
    channels: Sequence[str],
    expires_at: dt.datetime | None,
) -> tuple[list[str], list[Segment]]:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("请填写标题。")
    if not watch_for.strip():
        errors["watch_for"] = _("请写明需要警惕什么。")
    if not what_to_do.strip():
        errors["what_to_do"] = _("请写明应该怎么做。")
    if fraud_type not in FraudType.values:
        errors["fraud_type"] = _("诈骗类型无效。")
    if severity not in Severity.values:
        errors["severity"] = _("风险等级无效。")
    bad = [r for r in regions if not region_is_valid(r)]
    if bad:
        errors["regions"] = _("地区代码无效：%(codes)s") % {"codes": "、".join(bad[:5])}
    found = list(Segment.objects.filter(code__in=segments))
    if len(found) != len(set(segments)):
        errors["segments"] = _("受众群体无效。")
    if any(c not in ChannelCode.values for c in channels):
        errors["channels"] = _("推送渠道无效。")
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = _("失效时间必须晚于现在。")
    if errors:
        raise ValidationError(errors)
    return sorted(set(regions)), found


def _regions_within(organisation_id: int | None, regions: Sequence[str]) -> None:
    """An organisation publishes only inside its own region (platform: anywhere)."""
    if organisation_id is None:
        return
    from wanlixing.accounts.models import Organisation

    org_region = (
        Organisation.objects.filter(pk=organisation_id)
        .values_list("region_code", flat=True)
        .first()
    )
    if not org_region:
        return
    region = region_get(org_region)
    prefix = org_region[: 2 * region.level] if region else org_region
    if not regions or any(not r.startswith(prefix) for r in regions):
        raise ValidationError(
            {"regions": _("本机构只能向本辖区（及下级地区）发布提示，请选择辖区内的地区。")}
        )


def alert_save(
    *,
    by: User,
    alert: Alert | None = None,
    organisation_id: int | None = None,
    title: str,
    watch_for: str,
    what_to_do: str,
    fraud_type: str,
    severity: str = Severity.MEDIUM,
    regions: Sequence[str] = (),
    segments: Sequence[str] = (),
    channels: Sequence[str] = (),
    expires_at: dt.datetime | None = None,
    source: str = "manual",
) -> Alert:
    """Create or edit a draft alert for an organisation the user may publish for."""
    if alert is not None and alert.status != AlertStatus.DRAFT:
        raise ValidationError(_("已发布或已撤回的提示不能再修改。"))
    org_id = alert_organisation_for(
        by, alert.organisation_id if alert is not None else organisation_id
    )
    region_list, segment_rows = _alert_clean(
        title=title,
        watch_for=watch_for,
        what_to_do=what_to_do,
        fraud_type=fraud_type,
        severity=severity,
        regions=regions,
        segments=segments,
        channels=channels,
        expires_at=expires_at,
    )
    _regions_within(org_id, region_list)
    with transaction.atomic():
        if alert is None:
            alert = Alert(organisation_id=org_id, created_by=by, source=source[:40])
        alert.title = title.strip()[:80]
        alert.watch_for = watch_for.strip()
        alert.what_to_do = what_to_do.strip()
        alert.fraud_type = fraud_type
        alert.severity = severity
        alert.channels = sorted(set(channels) - {ChannelCode.IN_APP})
        alert.expires_at = expires_at
        alert.save()
        alert.segments.set(segment_rows)
        alert.regions.all().delete()
        AlertRegion.objects.bulk_create(
            [AlertRegion(alert=alert, region_code=code) for code in region_list]
        )
    return alert


# What to do, per fraud type: our own words around the warning phrases of FACTS §8.2.
DEFAULT_ADVICE = {
    FraudType.BRUSHING: (
        "刷单返利是诈骗：“充值越多返利越多”就是骗局。不下载陌生App，不垫付，不转账。"
    ),
    FraudType.FAKE_INVESTMENT: (
        "高收益、“稳赚不赔”、非官方App，就是诈骗。不跟“导师”进群投资，不往陌生平台转钱。"
    ),
    FraudType.FAKE_LOAN: (
        "正规贷款放款前不收任何费用。要先交“工本费、保证金、解冻费”的，都是诈骗。"
    ),
    FraudType.FAKE_CUSTOMER_SERVICE: (
        "要您屏幕共享、索要验证码的“客服”就是骗子。只在官方平台里联系客服。"
    ),
    FraudType.IMPERSONATE_AUTHORITY: (
        "公检法不会通过电话办案，也没有“安全账户”。接到这类电话马上挂断。"
    ),
    FraudType.FAKE_CREDIT_REPORT: ("征信不能“注销”或花钱“修复”，要求注销校园贷的都是诈骗。"),
    FraudType.FAKE_SHOPPING: ("只在正规平台交易和付款，不要私下转账“省手续费”。"),
    FraudType.IMPERSONATE_ACQUAINTANCE: (
        "“领导、亲友”在网上让您转账，先打电话或当面核实，再决定。"
    ),
    FraudType.GAME_TRADE: ("游戏账号、装备只在官方平台交易，不私下付款。"),
    FraudType.ROMANCE: ("没见过面的网友让您投资或借钱，就是“杀猪盘”。网恋加投资等于诈骗。"),
    FraudType.ILLEGAL_FUNDRAISING: (
        "承诺高额回报、保本付息、拉人头的，多是非法集资。不要投钱，向当地有关部门或公安机关举报。"
    ),
    FraudType.PREDATORY_LOAN: (
        "“零利息、低门槛”再加“砍头息、服务费”，可能是套路贷。大学生贷款只找银行等正规机构。"
    ),
    FraudType.CREDIT_REPAIR: (
        "真实的逾期记录花钱也“修复”不了；信息有错可以免费提出征信异议。收费“修复征信”的是违法的。"
    ),
    FraudType.OTHER: ("未知链接不点击、陌生来电不轻信、个人信息不透露、转账汇款多核实。"),
}


def alert_draft_from_script(
    *,
    title: str,
    fraud_type: str,
    examples: Sequence[str],
    regions: Sequence[str],
    by: User,
) -> Alert:
    """Turn an emerging scam script (from the anti-fraud reports) into a draft alert.

    ``examples`` are typical lines of the script; they become "what to watch for".
    The draft is saved for the user's organisation and still needs a review and
    ``alert_publish`` before anyone is told.
    """
    lines = [e.strip().replace("\n", " ")[:200] for e in examples if e and e.strip()][:5]
    if not lines:
        raise ValidationError({"examples": _("请至少提供一句骗子的典型说法。")})
    watch_for = _("最近有骗子这样说：") + "\n" + "\n".join(f"“{line}”" for line in lines)
    advice = DEFAULT_ADVICE.get(
        FraudType(fraud_type) if fraud_type in FraudType.values else FraudType.OTHER,
        DEFAULT_ADVICE[FraudType.OTHER],
    )
    what_to_do = advice + "\n" + _("已经转账的，立即拨打 110 报警；拿不准的，拨打 96110 咨询。")
    return alert_save(
        by=by,
        title=title,
        watch_for=watch_for,
        what_to_do=what_to_do,
        fraud_type=fraud_type,
        severity=Severity.HIGH,
        regions=regions,
        source="antifraud-script",
    )


def alert_draft_from_emerging_script(*, script_id: int, by: User) -> Alert:
    """One step from an anti-fraud cluster of reports to a draft alert.

    The draft targets the regions the reports came from when the user's organisation may
    alert there, else the organisation's own area; platform admins alert nationwide.
    """
    from wanlixing.antifraud.models import EmergingScript, ScamReport

    script = EmergingScript.objects.filter(pk=script_id).first()
    if script is None:
        raise ValidationError(_("该话术聚类不存在或已被重新计算。"))
    report_regions = sorted(
        {
            code
            for code in ScamReport.objects.filter(pk__in=script.report_ids).values_list(
                "region_code", flat=True
            )
            if code
        }
    )
    organisation_id = alert_organisation_for(by, None)
    if organisation_id is None:
        regions: list[str] = []
    else:
        from wanlixing.accounts.models import Organisation

        org_region = (
            Organisation.objects.filter(pk=organisation_id)
            .values_list("region_code", flat=True)
            .first()
        ) or ""
        region = region_get(org_region)
        prefix = org_region[: 2 * region.level] if region else org_region
        regions = [r for r in report_regions if r.startswith(prefix)] or (
            [org_region] if org_region else []
        )
    title = _("警惕新骗局：%(label)s") % {"label": script.label[:40]}
    return alert_draft_from_script(
        title=title[:80],
        fraud_type=script.fraud_type or FraudType.OTHER,
        examples=script.examples,
        regions=regions,
        by=by,
    )


def alert_publish(*, alert: Alert, by: User) -> Alert:
    """Publish a draft: it shows in feeds at once and is pushed to the people it targets."""
    alert_organisation_for(by, alert.organisation_id)
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.status != AlertStatus.DRAFT:
            raise ValidationError(_("只有草稿可以发布。"))
        _regions_within(locked.organisation_id, locked.region_codes)
        locked.status = AlertStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at"])
        for channel in [ChannelCode.IN_APP, *locked.channels]:
            AlertCount.objects.get_or_create(alert=locked, channel=channel)
        alert_id = locked.pk
        transaction.on_commit(lambda: _enqueue_fan_out(alert_id))
    alert.status, alert.published_at = locked.status, locked.published_at
    return alert


def _enqueue_fan_out(alert_id: int) -> None:
    from .tasks import alert_fan_out_task

    alert_fan_out_task.enqueue(alert_id)


def alert_withdraw(*, alert: Alert, by: User) -> Alert:
    """Take a published alert off the feeds; messages already sent stay in the log."""
    alert_organisation_for(by, alert.organisation_id)
    if alert.status != AlertStatus.PUBLISHED:
        raise ValidationError(_("只有已发布的提示可以撤回。"))
    alert.status = AlertStatus.WITHDRAWN
    alert.save(update_fields=["status"])
    Delivery.objects.filter(
        alert=alert,
        status__in=(DeliveryStatus.PENDING, DeliveryStatus.RETRY, DeliveryStatus.DEFERRED),
    ).update(status=DeliveryStatus.SKIPPED, last_error="alert withdrawn")
    return alert


def alert_fan_out(*, alert_id: int) -> int:
    """Split the alert's audience into batches, one background task each; returns batches."""
    from .selectors import alert_target_users
    from .tasks import alert_deliver_batch_task

    alert = Alert.objects.filter(pk=alert_id, status=AlertStatus.PUBLISHED).first()
    if alert is None:
        return 0
    size = settings.NOTIFY_BATCH_SIZE
    batch: list[int] = []
    batches = 0
    for user_id in (
        alert_target_users(alert)
        .order_by("pk")
        .values_list("pk", flat=True)
        .iterator(chunk_size=size)
    ):
        batch.append(user_id)
        if len(batch) >= size:
            alert_deliver_batch_task.enqueue(alert_id, batch)
            batches += 1
            batch = []
    if batch:
        alert_deliver_batch_task.enqueue(alert_id, batch)
        batches += 1
    Alert.objects.filter(pk=alert_id).update(fanout_finished_at=timezone.now())
    return batches


def alert_deliver_batch(*, alert_id: int, user_ids: Sequence[int]) -> int:
    """Create and send the deliveries of one batch of an alert's audience; returns created."""
    alert = Alert.objects.filter(pk=alert_id, status=AlertStatus.PUBLISHED).first()
    if alert is None:
        return 0
    key = f"alert:{alert.pk}"
    users = list(
        User.objects.filter(pk__in=user_ids, is_active=True).select_related(
            "notification_preference"
        )
    )
    existing = set(
        Delivery.objects.filter(key=key, user_id__in=user_ids).values_list("user_id", "channel")
    )
    url = alert.get_absolute_url()
    body = alert.watch_for[:400]
    rows: list[Delivery] = []
    for user in users:
        for channel in channels_for_user(user, preference_for(user)):
            if channel != ChannelCode.IN_APP and channel not in alert.channels:
                continue
            if (user.pk, channel) in existing:
                continue
            rows.append(
                Delivery(
                    key=key,
                    user=user,
                    channel=channel,
                    kind="alert",
                    alert=alert,
                    title=alert.title,
                    body=body,
                    url=url,
                )
            )
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    per_channel: dict[str, int] = {}
    for row in rows:
        per_channel[row.channel] = per_channel.get(row.channel, 0) + 1
    for channel, count in per_channel.items():
        AlertCount.objects.filter(alert=alert, channel=channel).update(
            targeted=F("targeted") + count
        )
    # In-app messages need no provider: mark the whole batch sent in one statement.
    now = timezone.now()
    in_app_sent = Delivery.objects.filter(
        key=key, user_id__in=user_ids, channel=ChannelCode.IN_APP, status=DeliveryStatus.PENDING
    ).update(status=DeliveryStatus.SENT, sent_at=now, attempts=1)
    if in_app_sent:
        AlertCount.objects.filter(alert=alert, channel=ChannelCode.IN_APP).update(
            sent=F("sent") + in_app_sent
        )
    push_ids = (
        Delivery.objects.filter(key=key, user_id__in=user_ids, status=DeliveryStatus.PENDING)
        .exclude(channel=ChannelCode.IN_APP)
        .values_list("pk", flat=True)
    )
    for delivery_id in list(push_ids):
        delivery_send(delivery_id=delivery_id)
    return len(rows)


def alert_counts_summary(alert: Alert) -> dict[str, Any]:
    rows = {c.channel: c for c in alert.counts.all()}
    return {
        channel: {
            "targeted": row.targeted,
            "sent": row.sent,
            "failed": row.failed,
            "opened": row.opened,
            "clicked": row.clicked,
        }
        for channel, row in rows.items()
    }


# --- Personal data ------------------------------------------------------------------------


def notifications_export(user: User) -> dict[str, Any]:
    pref = preference_for(user)
    return {
        "preferences": {
            "email_enabled": pref.email_enabled,
            "sms_enabled": pref.sms_enabled,
            "wechat_enabled": pref.wechat_enabled,
            "wechat_bound": bool(pref.wechat_openid),
            "quiet_start": pref.quiet_start.isoformat() if pref.quiet_start else None,
            "quiet_end": pref.quiet_end.isoformat() if pref.quiet_end else None,
            "opted_out": pref.opted_out,
        },
        "messages": [
            {
                "channel": d.channel,
                "kind": d.kind,
                "title": d.title,
                "status": d.status,
                "created_at": d.created_at.isoformat(),
            }
            for d in Delivery.objects.filter(user=user).order_by("created_at")[:5000]
        ],
    }


def notifications_erase(user: User) -> None:
    """Preferences and the person's send log go; alert totals (AlertCount) stay."""
    NotificationPreference.objects.filter(user=user).delete()
    Delivery.objects.filter(user=user).delete()
