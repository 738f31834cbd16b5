"""Writes for outreach: registration, check-in, online participation, routes, volunteers."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wanlixing.accounts.models import Role, User
from wanlixing.accounts.selectors import user_has_role
from wanlixing.lib.phone import InvalidPhone, phone_normalize

from .models import (
    Audience,
    Certification,
    Channel,
    Event,
    Participant,
    Registration,
    RegistrationSource,
    RouteStop,
    RouteVisit,
    Shift,
    ShiftSignup,
    SignupStatus,
    Training,
    Volunteer,
    VolunteerStatus,
)

# Crockford-like alphabet without 0/O, 1/I/L: codes are read aloud and typed on phones.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
POINTS_PER_HOUR = 10


class OutreachError(Exception):
    """A request that breaks a rule; ``message`` is shown to the person (Chinese)."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def participant_code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def participant_code_normalize(raw: str) -> str:
    """Upper-case and drop separators; a scanned URL ending in the code gives the code."""
    text = (raw or "").strip()
    if "/" in text:
        parts = [part for part in text.split("/") if part]
        text = parts[-1] if parts else ""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def participant_key_for(*, user: User | None = None, phone: str = "", opaque: str = "") -> str:
    """The de-duplication key of a person (see ``Participant``); never readable."""
    if user is not None and user.is_authenticated:
        return f"u:{user.pk}"
    material = f"phone:{phone}" if phone else f"opaque:{opaque}"
    digest = hmac.new(settings.SECRET_KEY.encode(), material.encode(), hashlib.sha256)
    return "h:" + digest.hexdigest()[:40]


def _participant_for(
    *,
    user: User | None,
    phone: str,
    name: str,
    audience: str,
    age_band: str,
    opaque: str = "",
) -> Participant:
    if user is None and not phone and not opaque:
        return Participant.objects.create(name=name, audience=audience, age_band=age_band)
    key = participant_key_for(user=user, phone=phone, opaque=opaque)
    participant, created = Participant.objects.get_or_create(
        key=key,
        defaults={
            "user": user if user is not None and user.is_authenticated else None,
            "name": name,
            "phone": phone,
            "audience": audience,
            "age_band": age_band,
        },
    )
    if not created:
        changed = []
        for field, value in (("name", name), ("audience", audience), ("age_band", age_band)):
            if value and getattr(participant, field) != value:
                setattr(participant, field, value)
                changed.append(field)
        if phone and not participant.phone:
            participant.phone = phone
            changed.append("phone")
        if changed:
            participant.save(update_fields=changed)
    return participant


def _registration_create(
    *, event: Event, participant: Participant, source: str, channel: str, audience: str, **extra
) -> Registration:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Registration.objects.create(
                    event=event,
                    participant=participant,
                    code=participant_code_new(),
                    source=source,
                    channel=channel,
                    audience=audience,
                    **extra,
                )
        except IntegrityError:
            existing = Registration.objects.filter(event=event, participant=participant).first()
            if existing is not None:
                return existing
    raise OutreachError("code_exhausted", _("生成参与码失败，请重试。"), 500)


@dataclass
class RegistrationResult:
    registration: Registration
    created: bool


def event_register(
    *,
    event: Event,
    name: str,
    phone: str,
    audience: str,
    age_band: str = "",
    user: User | None = None,
) -> RegistrationResult:
    """Register a person for an event; registering twice returns the first registration."""
    if event.is_cancelled or not event.is_published:
        raise OutreachError("closed", _("该活动已取消或未公开，无法报名。"))
    if not event.registration_open:
        raise OutreachError("closed", _("该活动暂未开放报名。"))
    if event.ends_at < timezone.now():
        raise OutreachError("ended", _("活动已结束，无法报名。"))
    name = (name or "").strip()[:40]
    if not name:
        raise OutreachError("name_required", _("请填写姓名或称呼。"))
    try:
        phone = phone_normalize(phone)
    except InvalidPhone:
        raise OutreachError("invalid_phone", _("请填写正确的11位手机号码。")) from None
    if audience not in Audience.values:
        raise OutreachError("invalid_audience", _("请选择所属人群。"))
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        participant = _participant_for(
            user=user, phone=phone, name=name, audience=audience, age_band=age_band
        )
        existing = Registration.objects.filter(event=locked, participant=participant).first()
        if existing is not None:
            return RegistrationResult(existing, False)
        if locked.is_full:
            raise OutreachError("full", _("名额已满，欢迎现场参加或关注其他场次。"))
        registration = _registration_create(
            event=locked,
            participant=participant,
            source=RegistrationSource.FORM,
            channel=Channel.ONLINE if locked.is_online else Channel.ONSITE,
            audience=audience,
        )
        Event.objects.filter(pk=locked.pk).update(registered_count=F("registered_count") + 1)
    return RegistrationResult(registration, True)


@dataclass
class CheckInResult:
    registration: Registration
    created: bool  # False when the person was already checked in


def event_check_in(*, event: Event, code: str, by: User) -> CheckInResult:
    """Check a participant in by their code. Checking in twice changes nothing."""
    normalized = participant_code_normalize(code)
    if len(normalized) != CODE_LENGTH:
        raise OutreachError("invalid_code", _("参与码应为8位字母和数字，请核对后重试。"))
    registration = (
        Registration.objects.select_related("participant").filter(code=normalized).first()
    )
    if registration is None:
        raise OutreachError("unknown_code", _("没有找到这个参与码，请核对后重试。"), 404)
    if registration.event_id != event.pk:
        raise OutreachError("other_event", _("这个参与码属于另一场活动，不能在本场签到。"))
    with transaction.atomic():
        updated = Registration.objects.filter(pk=registration.pk, attended_at__isnull=True).update(
            attended_at=timezone.now(), checked_in_by=by
        )
        if updated:
            Event.objects.filter(pk=event.pk).update(attended_count=F("attended_count") + 1)
    registration.refresh_from_db()
    if updated:
        _after_check_in(registration)
    return CheckInResult(registration, bool(updated))


def _after_check_in(registration: Registration) -> None:
    from wanlixing.rewards.services import points_award

    user = registration.participant.user
    if user is not None:
        points_award(
            user=user,
            activity=f"event:checkin:{registration.event_id}",
            points=5,
            reason=_("参加活动签到"),
        )
    transaction.on_commit(lambda: facts_refresh_soon(registration.event.campaign_id))


def event_walk_in(
    *, event: Event, by: User, audience: str = "", age_band: str = ""
) -> Registration:
    """Count a person who came without registering; returns their new participant code."""
    if audience and audience not in Audience.values:
        raise OutreachError("invalid_audience", _("请选择所属人群。"))
    with transaction.atomic():
        participant = Participant.objects.create(audience=audience, age_band=age_band)
        registration = _registration_create(
            event=event,
            participant=participant,
            source=RegistrationSource.WALK_IN,
            channel=Channel.ONSITE,
            audience=audience,
            attended_at=timezone.now(),
            checked_in_by=by,
        )
        Event.objects.filter(pk=event.pk).update(
            attended_count=F("attended_count") + 1, registered_count=F("registered_count") + 1
        )
    transaction.on_commit(lambda: facts_refresh_soon(event.campaign_id))
    return registration


def event_online_participant_record(*, event: Event, participant_key: str) -> Registration:
    """Record that someone took part in an online event (idempotent per key).

    ``participant_key`` is ``"u:<user id>"`` for a signed-in person, or any other stable
    opaque string (e.g. ``"s:<session key>"``) for an anonymous one; it is hashed before
    storage. Returns the person's registration for the event (with a participant code).
    """
    key = (participant_key or "").strip()
    if not key or len(key) > 200:
        raise OutreachError("invalid_key", _("参与者标识无效。"))
    user = None
    if key.startswith("u:") and key[2:].isdigit():
        user = User.objects.filter(pk=int(key[2:]), is_active=True).first()
    with transaction.atomic():
        participant = _participant_for(
            user=user, phone="", name="", audience="", age_band="", opaque=key
        )
        now = timezone.now()
        registration = Registration.objects.filter(event=event, participant=participant).first()
        if registration is None:
            registration = _registration_create(
                event=event,
                participant=participant,
                source=RegistrationSource.ONLINE,
                channel=Channel.ONLINE,
                audience=participant.audience,
                attended_at=now,
            )
            Event.objects.filter(pk=event.pk).update(
                attended_count=F("attended_count") + 1, registered_count=F("registered_count") + 1
            )
        elif registration.attended_at is None:
            Registration.objects.filter(pk=registration.pk).update(attended_at=now)
            Event.objects.filter(pk=event.pk).update(attended_count=F("attended_count") + 1)
            registration.attended_at = now
    transaction.on_commit(lambda: facts_refresh_soon(event.campaign_id))
    return registration


def event_online_view_record(*, event: Event) -> None:
    """Count one view of an online event's page (views and participants are kept apart)."""
    Event.objects.filter(pk=event.pk).update(online_views=F("online_views") + 1)


def facts_refresh_soon(campaign_id: int) -> None:
    """Ask insights to refresh the campaign's dashboard counts (debounced there)."""
    from wanlixing.insights.services import facts_refresh_request

    facts_refresh_request(campaign_id=campaign_id)


# --- Routes -------------------------------------------------------------------------------


def route_visit_record(
    *, stop: RouteStop, visited_on: Any, people_served: int, by: User, materials: int = 0, note=""
) -> RouteVisit:
    """Record (or correct) the people served at a stop on a day; one record per stop and day."""
    if people_served < 0 or people_served > 100000:
        raise OutreachError("invalid_count", _("服务人数应在 0 到 100000 之间。"))
    if visited_on > timezone.localdate():
        raise OutreachError("future", _("不能记录未来日期的服务。"))
    visit, _created = RouteVisit.objects.update_or_create(
        stop=stop,
        visited_on=visited_on,
        defaults={
            "people_served": people_served,
            "materials_handed_out": max(0, materials),
            "note": note[:200],
            "recorded_by": by,
        },
    )
    if stop.route.campaign_id:
        campaign_id = stop.route.campaign_id
        transaction.on_commit(lambda: facts_refresh_soon(campaign_id))
    return visit


# --- Volunteers ---------------------------------------------------------------------------


def volunteer_apply(
    *, user: User, organisation_id: int, skills: list[str], region_code: str = "", about: str = ""
) -> Volunteer:
    """Sign up as a volunteer of an organisation (pending until an organiser approves)."""
    from .models import Skill

    clean_skills = [s for s in dict.fromkeys(skills) if s in Skill.values]
    volunteer, created = Volunteer.objects.get_or_create(
        user=user,
        defaults={
            "organisation_id": organisation_id,
            "skills": clean_skills,
            "region_code": region_code,
            "about": about[:300],
        },
    )
    if not created:
        volunteer.skills = clean_skills
        volunteer.region_code = region_code
        volunteer.about = about[:300]
        volunteer.save(update_fields=["skills", "region_code", "about"])
    return volunteer


def volunteer_approve(*, volunteer: Volunteer, by: User) -> Volunteer:
    """Approve a volunteer: they become a volunteer member of the organisation."""
    from wanlixing.accounts.services import membership_add

    if not user_has_role(by, volunteer.organisation_id, Role.ORGANISER, Role.ORG_ADMIN):
        raise OutreachError("forbidden", _("只有本机构的活动组织者可以审核志愿者。"), 403)
    with transaction.atomic():
        volunteer.status = VolunteerStatus.ACTIVE
        volunteer.approved_by = by
        volunteer.approved_at = timezone.now()
        volunteer.save(update_fields=["status", "approved_by", "approved_at"])
        membership_add(
            user=volunteer.user, organisation=volunteer.organisation, role=Role.VOLUNTEER
        )
    return volunteer


def volunteer_is_certified(*, volunteer: Volunteer, organisation_id: int) -> bool:
    return Certification.objects.filter(
        volunteer=volunteer, training__organisation_id=organisation_id
    ).exists()


def training_certify(*, volunteer: Volunteer, training: Training) -> Certification:
    """Certify a volunteer who passed the training quiz in the learning part.

    Reads the learning part's progress (``quiz_best_level``); certifying twice changes
    nothing.
    """
    from wanlixing.learning.services import quiz_best_level

    if volunteer.status != VolunteerStatus.ACTIVE:
        raise OutreachError("not_active", _("志愿者资格审核通过后才能参加认证。"), 403)
    if not training.is_active or training.organisation_id != volunteer.organisation_id:
        raise OutreachError("other_training", _("这不是您所在机构的培训。"), 403)
    existing = Certification.objects.filter(volunteer=volunteer, training=training).first()
    if existing is not None:
        return existing
    level = quiz_best_level(quiz=training.quiz, user=volunteer.user, session=None)
    if level < max(training.pass_level, 1):
        raise OutreachError(
            "not_passed",
            _("还没有通过培训测验（需通过第 %(level)s 关），请先完成测验。")
            % {"level": max(training.pass_level, 1)},
        )
    certification, _created = Certification.objects.get_or_create(
        volunteer=volunteer, training=training
    )
    return certification


def shift_sign_up(*, shift: Shift, volunteer: Volunteer) -> ShiftSignup:
    """Take a place in a shift; signing up twice changes nothing."""
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise OutreachError("not_active", _("志愿者资格审核通过后才能报名岗位。"), 403)
    if shift.event.is_cancelled:
        raise OutreachError("cancelled", _("该活动已取消。"))
    if shift.starts_at <= timezone.now():
        raise OutreachError("started", _("岗位已开始，不能再报名。"))
    if shift.requires_certification and not volunteer_is_certified(
        volunteer=volunteer, organisation_id=shift.event.organisation_id
    ):
        raise OutreachError("not_certified", _("该岗位需要先完成机构的志愿者培训并通过测验。"), 403)
    with transaction.atomic():
        locked = Shift.objects.select_for_update().get(pk=shift.pk)
        signup = ShiftSignup.objects.filter(shift=locked, volunteer=volunteer).first()
        if signup is not None and signup.status != SignupStatus.CANCELLED:
            return signup
        taken = locked.signups.exclude(status=SignupStatus.CANCELLED).count()
        if taken >= locked.needed:
            raise OutreachError("full", _("该岗位人数已满，请选择其他岗位。"))
        if signup is None:
            return ShiftSignup.objects.create(shift=locked, volunteer=volunteer)
        signup.status = SignupStatus.SIGNED_UP
        signup.signed_up_at = timezone.now()
        signup.save(update_fields=["status", "signed_up_at"])
        return signup


def shift_cancel(*, signup: ShiftSignup) -> ShiftSignup:
    if signup.status == SignupStatus.CONFIRMED:
        raise OutreachError("confirmed", _("时长已确认的岗位不能取消。"))
    signup.status = SignupStatus.CANCELLED
    signup.save(update_fields=["status"])
    return signup


def _hours(value: Any) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except Exception:
        raise OutreachError("invalid_hours", _("时长应为数字，例如 2.5。")) from None
    if hours <= 0 or hours > 24:
        raise OutreachError("invalid_hours", _("时长应大于 0 且不超过 24 小时。"))
    return hours


def shift_hours_log(*, signup: ShiftSignup, hours: Any) -> ShiftSignup:
    """The volunteer reports the hours they served (after the shift has started)."""
    if signup.status == SignupStatus.CANCELLED:
        raise OutreachError("cancelled", _("已取消的岗位不能填报时长。"))
    if signup.status == SignupStatus.CONFIRMED:
        raise OutreachError("confirmed", _("时长已确认，不能再修改。"))
    if signup.shift.starts_at > timezone.now():
        raise OutreachError("not_started", _("岗位开始后才能填报时长。"))
    signup.hours_logged = _hours(hours)
    signup.save(update_fields=["hours_logged"])
    return signup


def shift_hours_confirm(*, signup: ShiftSignup, by: User, hours: Any = None) -> ShiftSignup:
    """An organiser confirms the hours; the volunteer earns points once per shift."""
    from wanlixing.rewards.services import points_award

    if not user_has_role(by, signup.shift.event.organisation_id, Role.ORGANISER, Role.ORG_ADMIN):
        raise OutreachError("forbidden", _("只有本机构的活动组织者可以确认时长。"), 403)
    if signup.status == SignupStatus.CANCELLED:
        raise OutreachError("cancelled", _("已取消的岗位不能确认时长。"))
    if signup.status == SignupStatus.CONFIRMED:
        return signup
    value = hours if hours not in (None, "") else signup.hours_logged
    if value is None:
        value = signup.shift.planned_hours
    confirmed = _hours(value)
    with transaction.atomic():
        updated = (
            ShiftSignup.objects.filter(pk=signup.pk)
            .exclude(status=SignupStatus.CONFIRMED)
            .update(
                status=SignupStatus.CONFIRMED,
                hours_confirmed=confirmed,
                confirmed_by=by,
                confirmed_at=timezone.now(),
            )
        )
        signup.refresh_from_db()
        if updated:
            points_award(
                user=signup.volunteer.user,
                activity=f"volunteer:shift:{signup.shift_id}",
                points=int(confirmed * POINTS_PER_HOUR),
                reason=_("志愿服务 %(hours)s 小时") % {"hours": confirmed},
            )
    return signup
