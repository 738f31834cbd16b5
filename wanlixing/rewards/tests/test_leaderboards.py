"""Weekly leaderboards: ranking, ties, opt-out, scopes, weeks, and the rebuild."""

from datetime import date

import pytest
from django.core.management import call_command

from wanlixing.accounts.tests.factories import OrganisationFactory, UserFactory
from wanlixing.rewards.models import RewardsProfile, WeeklyScore
from wanlixing.rewards.selectors import LeaderboardError, leaderboard_get
from wanlixing.rewards.services import (
    leaderboard_opt_out_set,
    points_correct,
    rewards_rebuild,
)
from wanlixing.rewards.weeks import WeekError, week_parse

pytestmark = pytest.mark.django_db

W48 = date(2026, 11, 23)


def board(viewer, scope="overall", week=W48, limit=20):
    return leaderboard_get(viewer=viewer, scope=scope, week=week, limit=limit)


def names(b):
    return [(r.rank, r.name, r.points) for r in b.rows]


def test_ranking_with_ties_and_first_to_reach_listed_first(award):
    a, b, c, d = (UserFactory(display_name=n) for n in ("甲", "乙", "丙", "丁"))
    award(a, "x:1", 50, at="2026-11-23 09:00")
    award(c, "x:1", 30, at="2026-11-24 09:00")
    award(b, "x:1", 30, at="2026-11-25 09:00")
    award(d, "x:1", 10, at="2026-11-25 10:00")
    result = board(d)
    assert names(result) == [(1, "甲", 50), (2, "丙", 30), (2, "乙", 30), (4, "丁", 10)]
    assert result.me.rank == 4
    assert result.participants == 4


def test_viewer_sees_own_rank_outside_the_top(award):
    users = [UserFactory(display_name=f"人{i}") for i in range(5)]
    for i, user in enumerate(users):
        award(user, "x:1", 100 - i * 10, at="2026-11-24 09:00")
    result = board(users[4], limit=2)
    assert [r.name for r in result.rows] == ["人0", "人1"]
    assert not result.me_in_rows
    assert (result.me.rank, result.me.points) == (5, 60)


def test_weeks_are_separate_and_beijing_based(award):
    user = UserFactory(display_name="周末")
    award(user, "x:1", 10, at="2026-11-29 23:30")  # Sunday night Beijing: W48
    award(user, "x:2", 7, at="2026-11-30 00:30")  # Monday Beijing (still Sunday in UTC): W49
    assert board(user).me.points == 10
    assert board(user, week=date(2026, 11, 30)).me.points == 7


def test_opted_out_users_never_appear_but_keep_earning(award):
    shy, other = UserFactory(display_name="低调的人"), UserFactory(display_name="别人")
    award(other, "x:1", 5, at="2026-11-24 09:00")
    leaderboard_opt_out_set(user=shy, opt_out=True)
    award(shy, "x:1", 80, at="2026-11-24 10:00")
    seen = board(other)
    assert [r.name for r in seen.rows] == ["别人"]
    assert seen.me.rank == 1
    own = board(shy)
    assert own.opted_out
    assert own.me is None
    assert "低调的人" not in [r.name for r in own.rows]
    assert RewardsProfile.objects.get(user=shy).points_total == 80
    leaderboard_opt_out_set(user=shy, opt_out=False)
    assert board(other).rows[0].name == "低调的人"


def test_phone_like_nicknames_are_masked(award):
    user = UserFactory(display_name="13912345678")
    award(user, "x:1", 5, at="2026-11-24 09:00")
    assert board(user).rows[0].name == "139****5678"


def test_region_scopes_filter_by_province_and_city(award):
    nanshan = UserFactory(display_name="南山", region_code="440305")
    futian = UserFactory(display_name="福田", region_code="440304")
    guangzhou = UserFactory(display_name="广州", region_code="440106")
    beijing = UserFactory(display_name="北京", region_code="110101")
    nowhere = UserFactory(display_name="未填")
    for user in (nanshan, futian, guangzhou, beijing, nowhere):
        award(user, "x:1", 10, at="2026-11-24 09:00")
    province = board(nanshan, "province")
    assert {r.name for r in province.rows} == {"南山", "福田", "广州"}
    assert province.scope_name == "广东省"
    city = board(nanshan, "city")
    assert {r.name for r in city.rows} == {"南山", "福田"}
    assert city.scope_name == "广东省 深圳市"
    assert {r.name for r in board(beijing, "city").rows} == {"北京"}
    assert board(nowhere, "province").unavailable
    assert board(nowhere, "province").rows == []
    assert len(board(nowhere, "overall").rows) == 5


def test_organisation_and_school_scopes(award):
    school = OrganisationFactory(name="实验中学", kind="school")
    bank = OrganisationFactory(name="某银行", kind="bank")
    pupil = UserFactory(display_name="学生", affiliation=school)
    classmate = UserFactory(display_name="同学", affiliation=school)
    clerk = UserFactory(display_name="职员", affiliation=bank)
    loner = UserFactory(display_name="无单位")
    for user in (pupil, classmate, clerk, loner):
        award(user, "x:1", 10, at="2026-11-24 09:00")
    assert {r.name for r in board(pupil, "school").rows} == {"学生", "同学"}
    assert board(pupil, "school").scope_name == "实验中学"
    assert {r.name for r in board(pupil, "organisation").rows} == {"学生", "同学"}
    assert {r.name for r in board(clerk, "organisation").rows} == {"职员"}
    assert "不是学校" in board(clerk, "school").unavailable
    assert board(loner, "organisation").unavailable


def test_unknown_scope_and_bad_weeks_are_refused(learner):
    with pytest.raises(LeaderboardError, match="未知的排行榜范围"):
        board(learner, "galaxy")
    today = date(2026, 11, 25)
    assert week_parse("2026-W48", today=today) == W48
    assert week_parse("2026w48", today=today) == W48
    for bad, message in [
        ("next week", "格式不正确"),
        ("2026-W54", "没有第 54 周"),
        ("2026-W49", "未来"),
        ("2019-W01", "及以后"),
        ("", "格式不正确"),
    ]:
        with pytest.raises(WeekError, match=message):
            week_parse(bad, today=today)


def snapshot():
    profiles = sorted(
        RewardsProfile.objects.values_list(
            "user_id",
            "points_total",
            "active_days",
            "streak_length",
            "streak_longest",
            "last_active_on",
            "streak_freezes",
            "leaderboard_opt_out",
        )
    )
    weeks = sorted(
        WeeklyScore.objects.values_list(
            "user_id",
            "week",
            "points",
            "last_award_at",
            "province_code",
            "city_code",
            "affiliation_id",
            "hidden",
        )
    )
    return profiles, weeks


def test_rebuild_equals_incremental_and_is_idempotent(award, clock, platform_admin):
    school = OrganisationFactory(kind="school")
    a = UserFactory(region_code="440305", affiliation=school)
    b = UserFactory(region_code="110101")
    c = UserFactory()
    plan = [
        (a, "quiz:1:1", 10, "2026-11-20 09:00"),
        (a, "quiz:1:2", 20, "2026-11-23 09:00"),
        (b, "drill:x", 5, "2026-11-23 23:59"),
        (a, "daily:1", 5, "2026-11-25 07:00"),
        (c, "daily:1", 5, "2026-11-26 07:00"),
        (b, "daily:2", 5, "2026-11-30 00:01"),
        (a, "quiz:2:1", 40, "2026-12-01 12:00"),
    ]
    entries = [award(u, key, pts, at=at) for u, key, pts, at in plan]
    leaderboard_opt_out_set(user=c, opt_out=True)
    clock.set("2026-12-02 09:00")
    points_correct(entry=entries[1], points=15, reason="重复", by=platform_admin)
    incremental = snapshot()

    # Damage the aggregates in every way the rebuild must repair.
    WeeklyScore.objects.filter(user=a).update(points=999)
    WeeklyScore.objects.filter(user=b).delete()
    WeeklyScore.objects.create(
        user=c, week=date(2026, 1, 5), points=3, last_award_at=entries[0].created_at
    )
    RewardsProfile.objects.filter(user=a).update(points_total=0, streak_length=9, streak_freezes=[])

    report = rewards_rebuild(batch_size=2)
    assert report.users == 3
    assert report.changed > 0
    assert snapshot() == incremental
    assert rewards_rebuild().changed == 0
    week48 = WeeklyScore.objects.get(user=a, week=W48)
    assert week48.points == 5 + 5  # 20 earned, 15 taken back, plus 5 on Wednesday


def test_rebuild_command_prints_figures(learner, award, capsys):
    award(learner, "x:1", 5)
    call_command("rewards", "rebuild")
    out = capsys.readouterr().out
    assert "重算完成：1 位用户，0 行有变化。" in out
    assert '"badges_awarded": 0' in out
