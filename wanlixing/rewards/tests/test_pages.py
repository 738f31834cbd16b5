"""The /rewards/ pages and panels, through the test client."""

import pytest

from wanlixing.rewards.models import RewardsProfile, UserBadge, WeeklyScore
from wanlixing.rewards.services import badges_load_starter

pytestmark = pytest.mark.django_db


@pytest.fixture
def active_learner(learner, award, clock):
    badges_load_starter()
    award(learner, "quiz:1:1", 10, at="2026-11-23 09:00", reason="闯关：存款保险第一关")
    award(learner, "daily:2026-11-24", 5, at="2026-11-24 09:00", reason="每日一练")
    clock.set("2026-11-26 10:00")  # Thursday: Wednesday missed, today not yet active
    return learner


@pytest.mark.parametrize(
    "path",
    [
        "/rewards/",
        "/rewards/points/",
        "/rewards/badges/",
        "/rewards/streak/",
        "/rewards/leaderboard/",
        "/rewards/settings/",
    ],
)
def test_pages_need_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_overview_shows_points_streak_and_latest_badges(client, active_learner):
    client.force_login(active_learner)
    body = client.get("/rewards/").content.decode()
    assert "已连续 2 天。" in body
    assert "今天还没学习" in body
    assert "11月25日" in body  # covered by the freeze
    assert "初来乍到" in body
    assert '<svg class="badge-art"' in body


def test_points_page_lists_reasons_and_corrections(client, active_learner, platform_admin):
    from wanlixing.rewards.services import points_correct

    entry = active_learner.points_entries.get(activity="quiz:1:1")
    points_correct(entry=entry, points=4, reason="系统重复计分", by=platform_admin)
    client.force_login(active_learner)
    body = client.get("/rewards/points/?page=oops").content.decode()
    assert "闯关：存款保险第一关" in body
    assert "系统重复计分" in body
    assert "-4" in body
    assert "累计 <strong>11</strong> 积分" in body


def test_badges_page_shows_earned_and_locked_with_progress_and_marks_seen(client, active_learner):
    assert UserBadge.objects.filter(user=active_learner, seen_at__isnull=True).count() == 2
    client.force_login(active_learner)
    body = client.get("/rewards/badges/").content.decode()
    assert "已获得（2）" in body
    assert "待解锁（12）" in body
    assert "累计获得 100 积分" in body
    assert "进度 15 / 100" in body
    assert not UserBadge.objects.filter(user=active_learner, seen_at__isnull=True).exists()


def test_streak_page_calendar(client, active_learner):
    client.force_login(active_learner)
    body = client.get("/rewards/streak/").content.decode()
    assert body.count('class="rw-active"') == 2
    assert body.count('class="rw-freeze"') == 1
    assert body.count('class="rw-today"') == 1
    assert "最长连续 2 天 · 累计学习 2 天" in body


def test_leaderboard_page_tabs_and_own_row(client, active_learner):
    client.force_login(active_learner)
    body = client.get("/rewards/leaderboard/").content.decode()
    assert "学习者小王" in body
    assert "13812341234" not in body
    assert "第 <strong>1</strong> 名（共 1 人）" in body
    for label in ("全部", "本省", "本市", "本单位", "本校"):
        assert label in body
    school = client.get("/rewards/leaderboard/?scope=school").content.decode()
    assert "请先在“我的”里填写所在学校" in school


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("scope=world", "未知的排行榜范围"),
        ("week=2026-W99", "没有第 99 周"),
        ("week=abc", "周的格式不正确"),
        ("week=2030-W01", "不能查看未来的周"),
    ],
)
def test_leaderboard_page_bad_params_are_400_in_chinese(client, active_learner, query, message):
    client.force_login(active_learner)
    response = client.get(f"/rewards/leaderboard/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_previous_week_board(client, active_learner):
    client.force_login(active_learner)
    body = client.get("/rewards/leaderboard/?week=2026-W47").content.decode()
    assert "这一周还没有人上榜" in body
    assert "week=2026-W48" in body  # link to the next (current) week


def test_settings_opt_out_round_trip(client, active_learner):
    client.force_login(active_learner)
    response = client.post("/rewards/settings/", {"opt_out": "on"})
    assert response.status_code == 302
    assert RewardsProfile.objects.get(user=active_learner).leaderboard_opt_out
    assert WeeklyScore.objects.filter(user=active_learner, hidden=False).count() == 0
    body = client.get("/rewards/leaderboard/").content.decode()
    assert "您已选择不参加排行榜" in body
    main = body.split('<main id="main"')[1]
    assert "学习者小王" not in main
    client.post("/rewards/settings/", {})
    assert not RewardsProfile.objects.get(user=active_learner).leaderboard_opt_out


def test_me_and_home_panels(client, active_learner):
    client.force_login(active_learner)
    me = client.get("/accounts/me/").content.decode()
    assert "积分与徽章" in me
    assert "已连续 2 天。" in me
    home = client.get("/").content.decode()
    assert "连续 2 天 · 15 积分" in home
    assert "新徽章：" in home


def test_home_panel_is_absent_for_visitors(client):
    assert "rw-panel" not in client.get("/").content.decode()


def test_badge_art_svg(client):
    badges_load_starter()
    response = client.get("/rewards/badges/streak-7.svg?locked=1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert b"#6b6b6b" in response.content
    assert client.get("/rewards/badges/nope.svg").status_code == 404
