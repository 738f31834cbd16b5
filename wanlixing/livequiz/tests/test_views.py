"""Pages: joining by PIN, staff-only host pages, creating a game, results export."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from wanlixing.learning.tests.factories import QuestionFactory, QuizFactory
from wanlixing.livequiz.models import Game, LiveAnswer, Player
from wanlixing.livequiz.tests.factories import game_make

pytestmark = pytest.mark.django_db


def test_join_page_sends_a_live_pin_to_the_game_and_rejects_others(client, organiser, org):
    game = game_make(by=organiser, organisation=org)
    response = client.get("/live/", {"pin": game.pin})
    assert response.status_code == 302
    assert response["Location"] == f"/live/play/{game.pin}/"
    page = client.get(f"/live/play/{game.pin}/")
    assert page.status_code == 200
    assert f'data-ws="/ws/live/play/{game.pin}/"' in page.content.decode()
    wrong = client.get("/live/", {"pin": "12ab"})
    assert "没有找到这个游戏码" in wrong.content.decode()
    assert client.get("/live/play/000000/").status_code == 404


def test_host_pages_are_staff_only(client, organiser, learner, outsider, org):
    game = game_make(by=organiser, organisation=org)
    assert client.get("/live/host/").status_code == 302  # to the login page
    client.force_login(learner)
    assert client.get("/live/host/").status_code == 403
    client.force_login(outsider)  # an org admin, but of another organisation
    for path in ("", "screen/", "qr.svg", "results.csv"):
        assert client.get(f"/live/host/{game.pk}/{path}").status_code == 403
    client.force_login(organiser)
    assert client.get(f"/live/host/{game.pk}/").status_code == 200
    assert client.get(f"/live/host/{game.pk}/screen/").status_code == 200
    qr = client.get(f"/live/host/{game.pk}/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml"


def test_organiser_creates_a_game_from_a_quiz_and_from_picked_questions(client, organiser, org):
    questions = [QuestionFactory() for _ in range(4)]
    quiz = QuizFactory()
    quiz.questions.set(questions)
    client.force_login(organiser)
    response = client.post(
        "/live/host/",
        {
            "title": "社区金融知识赛",
            "organisation": org.pk,
            "source": "quiz",
            "quiz": quiz.pk,
            "question_count": 3,
            "seconds_per_question": 15,
            "scoring": "accuracy",
            "team_names": "阳光社区\n实验小学",
        },
    )
    assert response.status_code == 302, re.findall(r"alert\">([^<]*)<", response.content.decode())
    game = Game.objects.get(title="社区金融知识赛")
    assert response["Location"] == f"/live/host/{game.pk}/"
    assert game.question_ids == [q.pk for q in questions[:3]]
    assert game.seconds_per_question == 15
    assert game.team_mode
    assert list(game.teams.values_list("name", flat=True)) == ["阳光社区", "实验小学"]
    client.post(
        "/live/host/",
        {
            "title": "挑题赛",
            "organisation": org.pk,
            "source": "questions",
            "questions": [questions[3].pk, questions[0].pk],
            "question_count": 10,
            "seconds_per_question": 20,
            "scoring": "speed",
        },
    )
    assert sorted(Game.objects.get(title="挑题赛").question_ids) == sorted(
        [questions[3].pk, questions[0].pk]
    )


def test_bad_game_form_changes_nothing(client, organiser, org):
    client.force_login(organiser)
    response = client.post(
        "/live/host/",
        {
            "title": "坏表单",
            "organisation": org.pk,
            "source": "questions",
            "question_count": 10,
            "seconds_per_question": 500,
            "scoring": "speed",
            "team_names": "只有一队",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "请至少选择一道题" in body
    assert "团队赛需要 2 到 30 支队伍" in body
    assert not Game.objects.exists()


def test_results_export_has_one_row_per_player_and_question(client, organiser, org):
    game = game_make(by=organiser, organisation=org, count=2)
    first = Player.objects.create(game=game, number=1, nickname="小王", score=1000, rank=1)
    Player.objects.create(game=game, number=2, nickname="小李", rank=2)
    LiveAnswer.objects.create(
        game=game,
        player=first,
        question_id=game.question_ids[0],
        question_index=0,
        chosen=[1],
        is_correct=True,
        points=1000,
        elapsed_ms=2500,
        answered_at="2026-11-27T08:00:00Z",
    )
    client.force_login(organiser)
    response = client.get(f"/live/host/{game.pk}/results.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["玩家编号", "昵称", "队伍"]
    assert len(rows) == 1 + 2 * 2
    assert rows[1][1] == "小王"
    assert rows[1][8] == "B. 乙"
    assert rows[1][10] == "是"
    assert rows[1][12] == "2.5"
    assert rows[2][10] == "未作答"
    book = load_workbook(io.BytesIO(client.get(f"/live/host/{game.pk}/results.xlsx").content))
    sheet = book.active
    assert sheet.max_row == 5
    assert sheet.cell(row=2, column=2).value == "小王"
    assert client.get(f"/live/host/{game.pk}/results.pdf").status_code == 404
