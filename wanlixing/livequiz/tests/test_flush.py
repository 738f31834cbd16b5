"""Moving stored answers from the live store into the database (services.game_flush)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from asgiref.sync import async_to_sync
from django.db import connection

from wanlixing.learning.models import Response
from wanlixing.livequiz import live, services, store
from wanlixing.livequiz.models import LiveAnswer
from wanlixing.livequiz.services import game_flush
from wanlixing.livequiz.tests.factories import game_make

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["postgresql", "orm"])
def insert_path(request, monkeypatch):
    """Both ways of inserting answers: one unnest statement on PostgreSQL, the ORM
    elsewhere (and on PostgreSQL when told to)."""
    if request.param == "postgresql" and connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    if request.param == "orm":
        monkeypatch.setattr(services, "_answers_insert_postgresql", services._answers_insert_orm)
    return request.param


def test_flush_stores_each_answer_once_even_after_a_flush_died_before_the_trim(
    organiser, org, learner, insert_path
):
    game = game_make(by=organiser, organisation=org, count=2, scoring="accuracy")

    async def play():
        numbers = []
        for i, (nickname, user) in enumerate([("甲", None), ("乙", learner), ("丙", None)]):
            joined = await live.player_join(
                game_key=game.key,
                nickname=nickname,
                folded=nickname,
                team="",
                user_id=user.pk if user else None,
                address=f"10.2.0.{i}",
            )
            numbers.append(joined.number)
        await live.game_next(game.key)
        a, b, c = numbers
        await live.answer_submit(game_key=game.key, number=a, index=0, choice=[1])
        await live.answer_submit(game_key=game.key, number=b, index=0, choice=[2])
        await live.game_next(game.key)
        await live.answer_submit(game_key=game.key, number=c, index=1, choice=1)
        return numbers

    numbers = async_to_sync(play)()
    conn = store.client()
    keys = store.Keys(game.key)
    lines = conn.lrange(keys.pending, 0, -1)
    assert len(lines) == 3
    result = game_flush(game_key=game.key)
    assert (result.players, result.answers) == (3, 3)
    assert conn.llen(keys.pending) == 0
    rows = {
        (a.player.number, a.question_index): a
        for a in LiveAnswer.objects.filter(game=game).select_related("player")
    }
    assert set(rows) == {(numbers[0], 0), (numbers[1], 0), (numbers[2], 1)}
    for line in lines:
        number, index, chosen, ok, points, elapsed, at = line.split("|")
        row = rows[(int(number), int(index))]
        assert row.question_id == game.question_ids[int(index)]
        assert row.chosen == [int(chosen)]
        assert row.is_correct is (ok == "1")
        assert row.points == int(points)
        assert row.elapsed_ms == int(elapsed)
        assert row.answered_at == datetime.fromtimestamp(int(at) / 1000, tz=UTC)
    assert [(r.chosen, r.is_correct, r.points) for r in rows.values()] == [
        ([1], True, 1000),
        ([2], False, 0),
        ([1], True, 1000),
    ]
    # Item statistics: one response per answer, the signed-in player's with its user.
    responses = Response.objects.filter(source="livequiz")
    assert responses.count() == 3
    assert responses.filter(user=learner).count() == 1
    # A flush that committed but died before trimming the list: the next one finds the
    # same lines again and stores nothing twice (neither answers nor statistics).
    conn.rpush(keys.pending, *lines)
    assert game_flush(game_key=game.key).answers == 0
    assert conn.llen(keys.pending) == 0
    assert LiveAnswer.objects.filter(game=game).count() == 3
    assert Response.objects.filter(source="livequiz").count() == 3
    # One of them stored, one not (a batch half new): only the new one is added.
    LiveAnswer.objects.filter(game=game, question_index=1).delete()
    conn.rpush(keys.pending, *lines)
    assert game_flush(game_key=game.key).answers == 1
    assert LiveAnswer.objects.filter(game=game).count() == 3
    assert Response.objects.filter(source="livequiz").count() == 4
