"""Rewards pages in English: dates, weekday heads and marks follow the language."""

from datetime import date

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from wanlixing.rewards.streaks import StreakStatus
from wanlixing.rewards.weeks import WeekError, week_parse

pytestmark = pytest.mark.django_db


def test_leaderboard_in_english_shows_english_dates_and_you(client, learner, award):
    award(learner, "quiz:1:1", 30, at="2024-11-26 09:00")
    client.force_login(learner)
    response = client.get(
        reverse("rewards:leaderboard"), {"week": "2024-W48"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    body = response.content.decode()
    assert "25 Nov–1 Dec" in body
    assert "月" not in body.split("rw-week", 1)[1].split("</div>", 1)[0]
    assert '<span class="badge low">You</span>' in body


def test_leaderboard_in_chinese_keeps_the_chinese_dates(client, learner, award):
    award(learner, "quiz:1:1", 30, at="2024-11-26 09:00")
    client.force_login(learner)
    body = client.get(reverse("rewards:leaderboard"), {"week": "2024-W48"}).content.decode()
    assert "11月25日–12月1日" in body
    assert '<span class="badge low">我</span>' in body


def test_streak_calendar_heads_in_english(client, learner, award):
    award(learner, "quiz:1:1", 10, at="2024-11-26 09:00")
    client.force_login(learner)
    body = client.get(reverse("rewards:streak"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<th scope="col">Mon</th>' in body
    assert '<th scope="col">Sun</th>' in body
    assert "26 Nov Learned" in body


def test_freeze_note_is_one_sentence_in_either_language():
    status = StreakStatus(
        current=4,
        longest=4,
        active_today=False,
        freeze_used_this_week=True,
        covered_days=(date(2026, 11, 24),),
    )
    summary = {"streak": status}
    with translation.override("en"):
        assert status.covered_days_text == "24 Nov"
        html = render_to_string("rewards/_streak_status.html", {"summary": summary})
        assert "The missed day (24 Nov) was covered by the weekly automatic freeze." in html
    with translation.override("zh-hans"):
        html = render_to_string("rewards/_streak_status.html", {"summary": summary})
        assert "错过的日子（11月24日）已由每周一次的自动冻结保住。" in html


def test_week_errors_in_english():
    with translation.override("en"), pytest.raises(WeekError, match="2019 has no week 54"):
        week_parse("2019-W54", today=date(2026, 11, 25))
