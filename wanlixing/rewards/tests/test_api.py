"""/api/v1/rewards/: shapes, pagination and bad input."""

import pytest

from wanlixing.rewards.models import RewardsProfile
from wanlixing.rewards.services import badges_load_starter

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, learner, award, clock):
    badges_load_starter()
    for i in range(25):
        award(learner, f"quiz:{i}:1", 4, at="2026-11-23 09:00", reason=f"第{i}关")
    award(learner, "daily:1", 5, at="2026-11-24 09:00")
    clock.set("2026-11-24 20:00")
    client.force_login(learner)
    return learner


def test_requires_sign_in(api_client):
    response = api_client.get("/rewards/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_me_summary(api_client, signed_in):
    data = api_client.get("/rewards/me").json()
    assert data["points_total"] == 105
    assert data["points_this_week"] == 105
    assert data["week"] == "2026-W48"
    assert data["streak"] == {
        "current": 2,
        "longest": 2,
        "active_today": True,
        "at_risk": False,
        "freeze_used_this_week": False,
        "covered_days": [],
    }
    assert data["active_days"] == 2
    assert data["badges_total"] == 14
    assert {b["code"] for b in data["latest_badges"]} <= {
        "first-step",
        "points-100",
        "quiz-first",
        "quiz-20",
        "all-topics",
    }
    assert data["badges_earned"] == 5
    assert data["latest_badges"][0]["art_url"].startswith("/rewards/badges/")


def test_ledger_pagination(api_client, signed_in):
    data = api_client.get("/rewards/ledger?page=2&page_size=10").json()
    assert (data["page"], data["pages"], data["page_size"], data["total"]) == (2, 3, 10, 26)
    assert len(data["items"]) == 10
    assert set(data["items"][0]) == {
        "id",
        "activity",
        "points",
        "reason",
        "created_at",
        "corrects_id",
    }
    assert api_client.get("/rewards/ledger?page=9").json()["items"] == []


@pytest.mark.parametrize(
    ("path", "code", "words"),
    [
        ("/rewards/ledger?page=abc", "invalid_param", "参数 page"),
        ("/rewards/ledger?page=0", "invalid_param", "参数 page"),
        ("/rewards/ledger?page_size=1000", "invalid_param", "参数 page_size"),
        ("/rewards/leaderboards?scope=moon", "invalid_scope", "未知的排行榜范围"),
        ("/rewards/leaderboards?week=2026-53", "invalid_week", "格式不正确"),
        ("/rewards/leaderboards?week=2025-W53", "invalid_week", "没有第 53 周"),
        ("/rewards/leaderboards?limit=-1", "invalid_param", "参数 limit"),
        ("/rewards/streak?weeks=99", "invalid_param", "参数 weeks"),
    ],
)
def test_bad_params_are_400_with_chinese_message(api_client, signed_in, path, code, words):
    response = api_client.get(path)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert words in error["message"]


def test_badges_list(api_client, signed_in):
    data = api_client.get("/rewards/badges").json()
    assert len(data) == 14
    points_1000 = next(b for b in data if b["code"] == "points-1000")
    assert points_1000 | {"earned_at": None} == {
        "code": "points-1000",
        "name": "学识渊博",
        "description": points_1000["description"],
        "how_to_earn": "累计获得 1000 积分",
        "icon": "trophy",
        "color": "gold",
        "art_url": "/rewards/badges/points-1000.svg?locked=1",
        "earned": False,
        "earned_at": None,
        "progress": 105,
        "target": 1000,
    }
    assert data[0]["earned"] is True


def test_streak_calendar(api_client, signed_in):
    data = api_client.get("/rewards/streak?weeks=2").json()
    assert data["streak"]["current"] == 2
    assert len(data["weeks"]) == 2
    assert [d["status"] for d in data["weeks"][1]][:3] == ["active", "active", "future"]
    assert data["weeks"][1][0]["date"] == "2026-11-23"


def test_leaderboard_and_opt_out_toggle(api_client, signed_in):
    data = api_client.get("/rewards/leaderboards?scope=city&week=2026-W48&limit=5").json()
    assert data["scope"] == "city"
    assert data["scope_label"] == "本市"
    assert data["scope_name"] == "广东省 深圳市"
    assert (data["week"], data["week_start"], data["week_end"]) == (
        "2026-W48",
        "2026-11-23",
        "2026-11-29",
    )
    assert data["available"] is True
    assert data["rows"] == [{"rank": 1, "name": "学习者小王", "points": 105, "is_me": True}]
    assert data["me"] == data["rows"][0]
    school = api_client.get("/rewards/leaderboards?scope=school").json()
    assert school["available"] is False
    assert "学校" in school["unavailable_reason"]

    assert api_client.get("/rewards/settings").json() == {"leaderboard_opt_out": False}
    response = api_client.post("/rewards/settings", {"leaderboard_opt_out": True})
    assert response.json() == {"leaderboard_opt_out": True}
    assert RewardsProfile.objects.get(user=signed_in).leaderboard_opt_out
    hidden = api_client.get("/rewards/leaderboards").json()
    assert (hidden["rows"], hidden["me"], hidden["opted_out"]) == ([], None, True)
    bad = api_client.post("/rewards/settings", {"leaderboard_opt_out": "maybe"})
    assert bad.status_code == 422
    assert "leaderboard_opt_out" in bad.json()["error"]["message"]
