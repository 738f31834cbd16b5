"""Writes for rewards: the points ledger and everything kept up to date from it
(per-user profile and streak, weekly leaderboard rows, badges)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from wanlixing.accounts.models import User
from wanlixing.accounts.regions import region_get

from .badge_rules import BadgeFacts, badge_rule_met
from .models import Badge, PointsEntry, RewardsProfile, UserBadge, WeeklyScore
from .streaks import streak_record, streak_replay
from .weeks import local_date, week_start

log = logging.getLogger(__name__)

STARTER_BADGES = Path(__file__).parent / "starter" / "badges.yaml"


def points_award(*, user: User, activity: str, points: int, reason: str) -> PointsEntry | None:
    """Award ``points`` for ``activity`` once; returns None if the activity was already rewarded.

    Safe under concurrency: the unique (user, activity) constraint decides the race.
    Anonymous or inactive users earn nothing. The user's totals, streak and weekly
    leaderboard row change in the same transaction; badges are checked after commit.
    """
    if not user.is_authenticated or not user.is_active or points == 0:
        return None
    if len(activity) > 120:
        raise ValueError("activity key too long")
    try:
        with transaction.atomic():
            entry = PointsEntry.objects.create(
                user=user,
                activity=activity,
                points=points,
                reason=reason[:200],
                created_at=timezone.now(),
            )
            _ledger_apply(entry, user=user, week=week_start(local_date(entry.created_at)))
    except IntegrityError:
        return None
    transaction.on_commit(lambda: _after_award(user), robust=True)
    return entry


def _after_award(user: User) -> None:
    badges_evaluate(user=user)


def points_correct(*, entry: PointsEntry, points: int, reason: str, by: User) -> PointsEntry:
    """Take back ``points`` of an entry as a new negative ledger entry with a reason.

    The original entry stays as it was. The correction counts in the week of the
    entry it corrects; an entry can be corrected once. Badges already earned are
    kept. Raises ValidationError (Chinese messages) and writes nothing on bad input.
    """
    reason = (reason or "").strip()
    if entry.corrects_id is not None or entry.points <= 0:
        raise ValidationError(_("只能更正获得积分的记录。"))
    if not 1 <= points <= entry.points:
        raise ValidationError(
            {"points": _("扣回的积分应在 1 到 %(max)s 之间。") % {"max": entry.points}}
        )
    if not reason:
        raise ValidationError({"reason": _("请填写更正原因。")})
    user = entry.user
    try:
        with transaction.atomic():
            correction = PointsEntry.objects.create(
                user=user,
                activity=f"correction:{entry.pk}",
                points=-points,
                reason=reason[:200],
                corrects=entry,
                created_by=by,
                created_at=timezone.now(),
            )
            _ledger_apply(correction, user=user, week=week_start(local_date(entry.created_at)))
    except IntegrityError:
        raise ValidationError(_("这条记录已经更正过，不能重复更正。")) from None
    return correction


def _place(user: User) -> tuple[str, str]:
    region = region_get(user.region_code)
    if region is None:
        return "", ""
    return region.province_code, region.city_code


def _ledger_apply(entry: PointsEntry, *, user: User, week: date) -> None:
    """Bring the user's profile and weekly row up to date with a new entry.

    Runs inside the transaction that created the entry; the profile row lock
    serialises concurrent awards for the same user.
    """
    profile, _created = RewardsProfile.objects.select_for_update().get_or_create(user_id=user.pk)
    profile.points_total += entry.points
    if entry.points > 0 and entry.corrects_id is None:
        day = local_date(entry.created_at)
        last = profile.last_active_on
        if last is None or day > last:
            profile.set_streak_state(streak_record(profile.streak_state, day))
            profile.active_days += 1
        elif day < last:
            # A late commit from just before midnight: replay rather than guess.
            _profile_streak_replay(profile)
    profile.save()
    if user.anonymised_at is None:
        _weekly_add(
            user=user,
            week=week,
            points=entry.points,
            at=entry.created_at,
            fresh=entry.corrects_id is None,
            hidden=profile.leaderboard_opt_out,
        )


def _profile_streak_replay(profile: RewardsProfile) -> None:
    days = [
        local_date(moment)
        for moment in PointsEntry.objects.earned()
        .filter(user_id=profile.user_id, corrects__isnull=True)
        .values_list("created_at", flat=True)
    ]
    state, _spent = streak_replay(days)
    profile.set_streak_state(state)
    profile.active_days = len(set(days))


def _weekly_add(
    *, user: User, week: date, points: int, at: datetime, fresh: bool, hidden: bool
) -> None:
    """Atomically add ``points`` to the user's row for ``week`` (creating it)."""
    rows = WeeklyScore.objects.filter(user_id=user.pk, week=week)
    changes: dict[str, Any] = {"points": F("points") + points, "hidden": hidden}
    if fresh:
        province, city = _place(user)
        changes |= {
            "province_code": province,
            "city_code": city,
            "affiliation_id": user.affiliation_id,
            "last_award_at": Greatest(F("last_award_at"), Value(at, output_field=DateTimeField())),
        }
    if rows.update(**changes):
        return
    province, city = _place(user)
    try:
        with transaction.atomic():
            WeeklyScore.objects.create(
                user_id=user.pk,
                week=week,
                points=points,
                last_award_at=at,
                province_code=province,
                city_code=city,
                affiliation_id=user.affiliation_id,
                hidden=hidden,
            )
    except IntegrityError:
        rows.update(**changes)


def leaderboard_opt_out_set(*, user: User, opt_out: bool) -> RewardsProfile:
    """Leave (or rejoin) every leaderboard; points and badges are not affected."""
    with transaction.atomic():
        profile, _created = RewardsProfile.objects.select_for_update().get_or_create(
            user_id=user.pk
        )
        profile.leaderboard_opt_out = opt_out
        profile.save(update_fields=["leaderboard_opt_out", "updated_at"])
        WeeklyScore.objects.filter(user_id=user.pk).update(hidden=opt_out)
    return profile


def badges_evaluate(*, user: User, profile: RewardsProfile | None = None) -> list[Badge]:
    """Award every active badge whose rule the user now meets; returns the new ones.

    Idempotent: a badge is held once (the unique constraint settles races).
    """
    if not user.is_active:
        return []
    earned = set(UserBadge.objects.filter(user_id=user.pk).values_list("badge_id", flat=True))
    pending = [badge for badge in Badge.objects.active() if badge.pk not in earned]
    if not pending:
        return []
    facts = BadgeFacts(user, profile)
    new = [badge for badge in pending if badge_rule_met(badge, facts)]
    if new:
        now = timezone.now()
        UserBadge.objects.bulk_create(
            [UserBadge(user_id=user.pk, badge=badge, earned_at=now) for badge in new],
            ignore_conflicts=True,
        )
    return new


def badges_evaluate_all(*, batch_size: int = 500) -> int:
    """Check every active user's badges (after badge definitions change); returns
    how many badges were awarded."""
    awarded = 0
    profiles = RewardsProfile.objects.filter(user__is_active=True).select_related("user")
    for profile in profiles.order_by("user_id").iterator(chunk_size=batch_size):
        awarded += len(badges_evaluate(user=profile.user, profile=profile))
    return awarded


def badges_mark_seen(*, user: User) -> int:
    return UserBadge.objects.filter(user_id=user.pk, seen_at__isnull=True).update(
        seen_at=timezone.now()
    )


def badges_load_starter() -> tuple[int, int]:
    """Create the starter badges that do not exist yet (edits in the back office are
    kept); returns (created, already present)."""
    from wanlixing.content.models import Topic

    specs = yaml.safe_load(STARTER_BADGES.read_text(encoding="utf-8"))
    created = present = 0
    for position, spec in enumerate(specs):
        threshold = spec["threshold"]
        if threshold == "topics":
            # "Every topic's first level": as many level-1 quizzes as there are topics.
            threshold = Topic.objects.count() or 14
        fields = {
            "name": spec["name"],
            "description": spec["description"],
            "how_to_earn": spec.get("how_to_earn", ""),
            "rule": spec["rule"],
            "threshold": threshold,
            "pattern": spec.get("pattern", ""),
            "icon": spec["icon"],
            "color": spec["color"],
            "position": (position + 1) * 10,
        }
        Badge(code=spec["code"], **fields).full_clean(validate_unique=False)
        _badge, made = Badge.objects.get_or_create(code=spec["code"], defaults=fields)
        created += made
        present += not made
    return created, present


def rewards_erase(user: User) -> None:
    """Personal-data eraser: the ledger stays (the account is anonymised), the user
    leaves every leaderboard for good."""
    leaderboard_opt_out_set(user=user, opt_out=True)
    WeeklyScore.objects.filter(user_id=user.pk).delete()


# --- Rebuild ------------------------------------------------------------------------


@dataclass
class RebuildReport:
    users: int = 0
    profiles_changed: int = 0
    weeks_created: int = 0
    weeks_updated: int = 0
    weeks_deleted: int = 0

    @property
    def changed(self) -> int:
        return self.profiles_changed + self.weeks_created + self.weeks_updated + self.weeks_deleted


_PROFILE_FIELDS = (
    "points_total",
    "active_days",
    "streak_length",
    "streak_longest",
    "last_active_on",
    "streak_freezes",
)
_WEEK_FIELDS = ("points", "last_award_at", "province_code", "city_code", "affiliation_id", "hidden")


def rewards_rebuild(*, batch_size: int = 500) -> RebuildReport:
    """Recompute every profile's totals and streak and every weekly leaderboard row
    from the ledger. Idempotent: a second run changes nothing.

    Run it after restoring a backup or if the aggregates are ever in doubt; awards
    may continue meanwhile (each batch of users is one transaction).
    """
    report = RebuildReport()
    user_ids = list(
        PointsEntry.objects.order_by("user_id").values_list("user_id", flat=True).distinct()
    )
    for start in range(0, len(user_ids), batch_size):
        batch = user_ids[start : start + batch_size]
        with transaction.atomic():
            _rebuild_batch(batch, report)
        report.users += len(batch)
    with transaction.atomic():
        orphans = WeeklyScore.objects.exclude(user_id__in=PointsEntry.objects.values("user_id"))
        report.weeks_deleted += orphans.delete()[0]
        empty = RewardsProfile.objects.exclude(
            user_id__in=PointsEntry.objects.values("user_id")
        ).exclude(points_total=0, active_days=0, streak_longest=0, last_active_on=None)
        report.profiles_changed += empty.update(
            points_total=0,
            active_days=0,
            streak_length=0,
            streak_longest=0,
            last_active_on=None,
            streak_freezes=[],
        )
    return report


def _rebuild_batch(user_ids: list[int], report: RebuildReport) -> None:
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)}
    locked = RewardsProfile.objects.select_for_update().filter(user_id__in=user_ids)
    profiles = {p.user_id: p for p in locked}
    existing = {(w.user_id, w.week): w for w in WeeklyScore.objects.filter(user_id__in=user_ids)}
    entries = (
        PointsEntry.objects.filter(user_id__in=user_ids)
        .order_by("user_id", "created_at", "pk")
        .values_list("user_id", "points", "created_at", "corrects__created_at")
    )
    totals: dict[int, int] = dict.fromkeys(user_ids, 0)
    days: dict[int, list[date]] = {uid: [] for uid in user_ids}
    weeks: dict[tuple[int, date], list[Any]] = {}
    for user_id, points, created_at, corrected_at in entries.iterator(chunk_size=5000):
        totals[user_id] += points
        if corrected_at is None and points > 0:
            days[user_id].append(local_date(created_at))
        week = week_start(local_date(corrected_at or created_at))
        slot = weeks.setdefault((user_id, week), [0, None])
        slot[0] += points
        if corrected_at is None and (slot[1] is None or created_at > slot[1]):
            slot[1] = created_at

    profile_changes: list[RewardsProfile] = []
    profile_new: list[RewardsProfile] = []
    for user_id in user_ids:
        state, _spent = streak_replay(days[user_id])
        target = RewardsProfile(user_id=user_id, points_total=totals[user_id])
        target.set_streak_state(state)
        target.active_days = len(set(days[user_id]))
        current = profiles.get(user_id)
        if current is None:
            profile_new.append(target)
            profiles[user_id] = target
        elif any(getattr(current, f) != getattr(target, f) for f in _PROFILE_FIELDS):
            for f in _PROFILE_FIELDS:
                setattr(current, f, getattr(target, f))
            profile_changes.append(current)
    RewardsProfile.objects.bulk_create(profile_new)
    RewardsProfile.objects.bulk_update(profile_changes, list(_PROFILE_FIELDS))
    report.profiles_changed += len(profile_new) + len(profile_changes)

    week_new: list[WeeklyScore] = []
    week_changes: list[WeeklyScore] = []
    for (user_id, week), (points, last_award_at) in weeks.items():
        user = users[user_id]
        if user.anonymised_at is not None:
            continue
        province, city = _place(user)
        target_week = WeeklyScore(
            user_id=user_id,
            week=week,
            points=points,
            last_award_at=last_award_at,
            province_code=province,
            city_code=city,
            affiliation_id=user.affiliation_id,
            hidden=profiles[user_id].leaderboard_opt_out,
        )
        row = existing.pop((user_id, week), None)
        if row is None:
            week_new.append(target_week)
        elif any(getattr(row, f) != getattr(target_week, f) for f in _WEEK_FIELDS):
            for f in _WEEK_FIELDS:
                setattr(row, f, getattr(target_week, f))
            week_changes.append(row)
    WeeklyScore.objects.bulk_create(week_new)
    WeeklyScore.objects.bulk_update(week_changes, list(_WEEK_FIELDS))
    stale = [row.pk for row in existing.values()]
    WeeklyScore.objects.filter(pk__in=stale).delete()
    report.weeks_created += len(week_new)
    report.weeks_updated += len(week_changes)
    report.weeks_deleted += len(stale)
