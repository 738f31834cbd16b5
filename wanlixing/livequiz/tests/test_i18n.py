"""Live quiz pages in English, including the texts the scripts show."""

import pytest

from wanlixing.livequiz.tests.factories import game_make

pytestmark = pytest.mark.django_db


def test_join_page_in_english(client):
    body = client.get("/live/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<h1 id="join-title">Join a live quiz</h1>' in body
    assert "Enter the 6-digit game PIN shown on the big screen" in body
    assert ">Enter</button>" in body
    assert "加入直播答题" not in body
    wrong = client.get("/live/", {"pin": "12ab"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This game PIN was not found; please check it and enter it again." in wrong


def test_join_page_in_chinese_is_unchanged(client):
    body = client.get("/live/").content.decode()
    assert '<h1 id="join-title">加入直播答题</h1>' in body


def test_player_script_texts_come_translated_from_the_page(client, organiser, org):
    game = game_make(by=organiser, organisation=org)
    body = client.get(f"/live/play/{game.pin}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-msg-question-number="Question {n} of {total}"' in body
    assert 'data-msg-reconnecting="Connection lost; reconnecting…"' in body
    assert 'data-msg-right="Correct! +{n} pts"' in body
    chinese = client.get(f"/live/play/{game.pin}/").content.decode()
    assert 'data-msg-question-number="第 {n} / {total} 题"' in chinese


def test_host_console_in_english(client, organiser, org):
    game = game_make(by=organiser, organisation=org)
    client.force_login(organiser)
    body = client.get(f"/live/host/{game.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-msg-status-lobby="Waiting to start"' in body
    assert 'data-msg-team="{name} · average {average} pts ({members} players)"' in body
    assert "Export results" in body
