"""The player, host and screen sockets, driven with channels' WebsocketCommunicator."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.routing import URLRouter
from channels.testing.websocket import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from wanlixing.learning.models import Response
from wanlixing.livequiz import store
from wanlixing.livequiz.models import LiveAnswer, Player
from wanlixing.livequiz.routing import websocket_urlpatterns
from wanlixing.livequiz.services import game_finalise, game_flush
from wanlixing.livequiz.tests.factories import game_make

pytestmark = pytest.mark.django_db


def app_for(user=None, address="10.0.0.1"):
    inner = URLRouter(websocket_urlpatterns)

    async def app(scope, receive, send):
        scope = dict(scope, user=user or AnonymousUser(), client=(address, 40000))
        return await inner(scope, receive, send)

    return app


async def expect(comm: WebsocketCommunicator, kind: str, timeout: float = 3) -> dict[str, Any]:
    """The next frame of type ``kind`` (frames of other types are skipped)."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"no {kind} frame")
        frame = json.loads(await comm.receive_from(timeout=left))
        if frame["type"] == kind:
            return frame


async def player(
    pin: str, nickname: str | None = "小王", *, user=None, address="10.0.0.1", **extra
):
    comm = WebsocketCommunicator(app_for(user, address), f"/ws/live/play/{pin}/")
    connected, _code = await comm.connect()
    assert connected
    hello = await expect(comm, "hello")
    assert hello["status"]
    if nickname is not None or extra:
        await comm.send_json_to({"type": "join", "nickname": nickname, **extra})
    return comm


async def host(game, user):
    comm = WebsocketCommunicator(app_for(user), f"/ws/live/host/{game.key}/")
    connected, _code = await comm.connect()
    assert connected
    return comm


def run(coro_fn):
    async_to_sync(coro_fn)()


def test_join_answer_duplicate_wrong_question_and_flush(organiser, org):
    game = game_make(by=organiser, organisation=org, count=2, scoring="accuracy")

    async def scenario():
        h = await host(game, organiser)
        p = await player(game.pin, "小王")
        joined = await expect(p, "joined")
        assert joined["player"]["nickname"] == "小王"
        assert joined["player"]["status"] == "active"
        assert len(joined["token"]) > 20
        await h.send_json_to({"type": "start"})
        question = await expect(p, "question")
        assert question["question"]["index"] == 0
        assert question["question"]["options"] == ["甲", "乙", "丙", "丁"]
        assert "c" not in question["question"]
        assert "explanation" not in question["question"]
        assert 19000 <= question["remaining_ms"] <= 20500
        await p.send_json_to({"type": "answer", "index": 1, "choice": [1]})
        assert (await expect(p, "error"))["code"] == "wrong_question"
        await p.send_json_to({"type": "answer", "index": 0, "choice": [1]})
        ack = await expect(p, "ack")
        assert ack["correct"] is True
        assert ack["points"] == 1000
        assert ack["score"] == 1000
        assert ack["answer"] == [1]
        assert ack["explanation"] == "因为乙是对的。"
        await p.send_json_to({"type": "answer", "index": 0, "choice": [2]})
        duplicate = await expect(p, "error")
        assert duplicate["code"] == "duplicate"
        assert "答过" in duplicate["message"]
        await h.send_json_to({"type": "close"})
        closed = await expect(p, "closed")
        assert closed["answer"] == [1]
        assert "leaderboard" not in closed
        # The phone's own place comes with the results, in the same frame.
        assert (closed["rank"], closed["score"]) == (1, 1000)
        on_screen = await expect(h, "closed")
        assert on_screen["distribution"] == [0, 1, 0, 0]
        assert on_screen["leaderboard"][0]["nickname"] == "小王"
        assert "rank" not in on_screen
        await p.send_json_to({"type": "answer", "index": 0, "choice": [1]})
        assert (await expect(p, "error"))["code"] == "closed"
        await p.disconnect()
        await h.disconnect()

    run(scenario)
    result = game_flush(game_key=game.key)
    assert (result.players, result.answers) == (1, 1)
    answer = LiveAnswer.objects.get(game=game)
    assert answer.is_correct
    assert answer.points == 1000
    assert answer.chosen == [1]
    assert answer.player.nickname == "小王"
    assert answer.question_index == 0
    response = Response.objects.get(source="livequiz")
    assert response.question_id == game.question_ids[0]
    assert response.is_correct
    # A second flush finds nothing new and stores nothing twice.
    assert game_flush(game_key=game.key).answers == 0
    assert LiveAnswer.objects.count() == 1
    assert Response.objects.count() == 1


def test_speed_bonus_and_late_answer(organiser, org):
    game = game_make(by=organiser, organisation=org, count=2, scoring="speed")

    async def scenario():
        h = await host(game, organiser)
        p = await player(game.pin, "阿明")
        await expect(p, "joined")
        await h.send_json_to({"type": "start"})
        await expect(p, "question")
        await p.send_json_to({"type": "answer", "index": 0, "choice": 1})
        ack = await expect(p, "ack")
        assert 950 <= ack["points"] <= 1000
        await h.send_json_to({"type": "next"})
        await expect(p, "question")
        # The clock runs out: the store refuses the answer, whatever the phone thinks.
        conn = store.client()
        conn.hset(store.Keys(game.key).game, "deadline_ms", int(time.time() * 1000) - 10)
        await p.send_json_to({"type": "answer", "index": 1, "choice": 1})
        late = await expect(p, "error")
        assert late["code"] == "late"
        # The ticker of the worker closes the overdue question by itself.
        closed = await expect(p, "closed")
        assert closed["index"] == 1
        on_screen = await expect(h, "closed")
        while on_screen["index"] != 1:
            on_screen = await expect(h, "closed")
        assert on_screen["answered"] == 0
        await p.disconnect()
        await h.disconnect()

    run(scenario)


def test_wrong_answer_scores_nothing_and_multiple_choice_is_all_or_nothing(organiser, org):
    from wanlixing.learning.tests.factories import QuestionFactory
    from wanlixing.livequiz.services import game_create

    multi = QuestionFactory(kind="multiple", correct=[0, 2])
    game = game_create(by=organiser, organisation=org, title="多选", questions=[multi])

    async def scenario():
        h = await host(game, organiser)
        a = await player(game.pin, "甲方")
        b = await player(game.pin, "乙方", address="10.0.0.2")
        await expect(a, "joined")
        await expect(b, "joined")
        await h.send_json_to({"type": "start"})
        await expect(a, "question")
        await expect(b, "question")
        await a.send_json_to({"type": "answer", "index": 0, "choice": [0]})
        assert (await expect(a, "ack"))["points"] == 0
        await b.send_json_to({"type": "answer", "index": 0, "choice": [2, 0]})
        assert (await expect(b, "ack"))["correct"] is True
        await b.send_json_to({"type": "answer", "index": 0, "choice": [0, 0]})
        assert (await expect(b, "error"))["code"] == "bad_choice"
        for comm in (a, b, h):
            await comm.disconnect()

    run(scenario)


def test_rejoin_with_device_token_restores_score_and_current_question(organiser, org):
    game = game_make(by=organiser, organisation=org, count=2, scoring="accuracy")

    async def scenario():
        h = await host(game, organiser)
        p = await player(game.pin, "小李")
        token = (await expect(p, "joined"))["token"]
        await h.send_json_to({"type": "start"})
        await expect(p, "question")
        await p.send_json_to({"type": "answer", "index": 0, "choice": [1]})
        await expect(p, "ack")
        await p.disconnect()
        # A reload: a new socket with the same token.
        again = await player(game.pin, None, token=token)
        rejoined = await expect(again, "joined")
        assert rejoined["player"]["nickname"] == "小李"
        assert rejoined["player"]["id"] == 1
        state = await expect(again, "state")
        assert state["status"] == "open"
        assert state["score"] == 1000
        assert state["rank"] == 1
        assert state["question"]["index"] == 0
        assert state["answered"] == {"chosen": [1], "correct": True, "points": 1000}
        # Still the same player: a second answer is a duplicate.
        await again.send_json_to({"type": "answer", "index": 0, "choice": [1]})
        assert (await expect(again, "error"))["code"] == "duplicate"
        await again.send_json_to({"type": "join", "token": "not-a-token-at-all"})
        assert (await expect(again, "error"))["code"] == "bad_state"
        stranger = await player(game.pin, None, token="not-a-token-at-all")
        assert (await expect(stranger, "error"))["code"] == "token_unknown"
        for comm in (again, stranger, h):
            await comm.disconnect()

    run(scenario)


def test_kicked_player_is_disconnected_and_cannot_rejoin(organiser, org):
    game = game_make(by=organiser, organisation=org)

    async def scenario():
        h = await host(game, organiser)
        p = await player(game.pin, "捣乱的人")
        joined = await expect(p, "joined")
        await h.send_json_to({"type": "kick", "player": joined["player"]["id"]})
        assert (await expect(h, "done"))["action"] == "kick"
        await expect(p, "kicked")
        output = await p.receive_output(timeout=2)
        assert output["type"] == "websocket.close"
        again = await player(game.pin, None, token=joined["token"])
        assert (await expect(again, "error"))["code"] == "kicked"
        await again.disconnect()
        await h.send_json_to({"type": "kick", "player": 99})
        assert (await expect(h, "error"))["code"] == "no_player"
        await h.disconnect()

    run(scenario)
    assert store.client().hget(store.Keys(game.key).game, "players") == "0"


def test_malformed_and_oversize_frames_get_errors_and_the_game_goes_on(organiser, org):
    game = game_make(by=organiser, organisation=org, scoring="accuracy")

    async def scenario():
        h = await host(game, organiser)
        p = await player(game.pin, "老张")
        await expect(p, "joined")
        await h.send_json_to({"type": "start"})
        await expect(p, "question")
        await p.send_to(text_data="{not json")
        assert (await expect(p, "error"))["code"] == "bad_frame"
        await p.send_to(text_data=json.dumps({"type": "answer", "pad": "x" * 5000}))
        assert (await expect(p, "error"))["code"] == "frame_too_large"
        await p.send_to(bytes_data=b"\x00\x01")
        assert (await expect(p, "error"))["code"] == "bad_frame"
        await p.send_json_to(["answer"])
        assert (await expect(p, "error"))["code"] == "bad_frame"
        await p.send_json_to({"type": "answer", "index": "0", "choice": [1]})
        assert (await expect(p, "error"))["code"] == "wrong_question"
        await p.send_json_to({"type": "answer", "index": 0, "choice": [9]})
        assert (await expect(p, "error"))["code"] == "bad_choice"
        await p.send_json_to({"type": "answer", "index": 0, "choice": True})
        assert (await expect(p, "error"))["code"] == "bad_choice"
        await p.send_json_to({"type": "answer", "index": 0, "choice": [1]})
        assert (await expect(p, "ack"))["points"] == 1000
        await h.send_json_to({"type": "launch"})
        assert (await expect(h, "error"))["code"] == "bad_action"
        await p.disconnect()
        await h.disconnect()

    run(scenario)


def test_two_games_are_isolated(organiser, org):
    game_a = game_make(by=organiser, organisation=org)
    game_b = game_make(by=organiser, organisation=org)
    assert game_a.pin != game_b.pin

    async def scenario():
        ha = await host(game_a, organiser)
        pa = await player(game_a.pin, "甲")
        pb = await player(game_b.pin, "甲", address="10.0.0.9")
        assert (await expect(pa, "joined"))["player"]["id"] == 1
        assert (await expect(pb, "joined"))["player"]["id"] == 1
        await expect(pb, "state")
        await ha.send_json_to({"type": "start"})
        await expect(pa, "question")
        assert await pb.receive_nothing(timeout=0.5)
        for comm in (pa, pb, ha):
            await comm.disconnect()

    run(scenario)


def test_nickname_filter_throttle_and_full_checks(organiser, org, settings):
    settings.LIVEQUIZ_JOINS_PER_ADDRESS = 2
    game = game_make(by=organiser, organisation=org)

    async def scenario():
        p = await player(game.pin, "13812345678")
        assert (await expect(p, "error"))["code"] == "nickname_contact"
        await p.send_json_to({"type": "join", "nickname": "傻 逼"})
        assert (await expect(p, "error"))["code"] == "nickname_blocked"
        await p.send_json_to({"type": "join", "nickname": "   "})
        assert (await expect(p, "error"))["code"] == "bad_nickname"
        await p.send_json_to({"type": "join", "nickname": "第一个"})
        token = (await expect(p, "joined"))["token"]
        same = await player(game.pin, "第一个")
        assert (await expect(same, "error"))["code"] == "nickname_taken"
        flood = await player(game.pin, "第三个")
        assert (await expect(flood, "error"))["code"] == "throttled"
        # The address is throttled for new players, but a phone coming back with its
        # device token (e.g. after its server died) is never held up.
        back = await player(game.pin, None, token=token)
        assert (await expect(back, "joined"))["player"]["nickname"] == "第一个"
        other = await player(game.pin, "另一个地址", address="10.0.0.7")
        await expect(other, "joined")
        for comm in (p, same, flood, other, back):
            await comm.disconnect()
        wrong = WebsocketCommunicator(app_for(), "/ws/live/play/000000/")
        connected, _code = await wrong.connect()
        assert not connected

    run(scenario)


def test_host_approval_before_playing(organiser, org):
    game = game_make(by=organiser, organisation=org, require_approval=True)

    async def scenario():
        h = await host(game, organiser)
        p = await player(game.pin, "新来的")
        joined = await expect(p, "joined")
        assert joined["player"]["status"] == "waiting"
        counts = await expect(h, "counts")
        while not counts["waiting"]:
            counts = await expect(h, "counts")
        assert counts["waiting"] == [{"id": 1, "nickname": "新来的", "team": ""}]
        await p.send_json_to({"type": "answer", "index": 0, "choice": [1]})
        assert (await expect(p, "error"))["code"] == "waiting_approval"
        await h.send_json_to({"type": "approve", "player": 1})
        await expect(p, "approved")
        await h.send_json_to({"type": "start"})
        await expect(p, "question")
        await p.send_json_to({"type": "answer", "index": 0, "choice": [1]})
        assert (await expect(p, "ack"))["correct"] is True
        await p.disconnect()
        await h.disconnect()

    run(scenario)


def test_host_and_screen_sockets_are_staff_only(organiser, outsider, learner, org):
    game = game_make(by=organiser, organisation=org)

    async def scenario():
        for user in (None, learner, outsider):
            for path in (f"/ws/live/host/{game.key}/", f"/ws/live/screen/{game.key}/"):
                comm = WebsocketCommunicator(app_for(user), path)
                connected, _code = await comm.connect()
                assert not connected
        screen = WebsocketCommunicator(app_for(organiser), f"/ws/live/screen/{game.key}/")
        connected, _code = await screen.connect()
        assert connected
        await screen.send_json_to({"type": "end"})
        assert (await expect(screen, "error"))["code"] == "bad_action"
        await screen.disconnect()

    run(scenario)


def test_team_game_end_awards_points_and_counts_event_participants(organiser, org, learner):
    from wanlixing.outreach.models import Event
    from wanlixing.outreach.tests.factories import EventFactory
    from wanlixing.rewards.models import PointsEntry

    event = EventFactory(organisation=org)
    game = game_make(
        by=organiser,
        organisation=org,
        count=1,
        scoring="accuracy",
        team_names=["阳光社区", "实验小学"],
        event=event,
    )

    async def scenario():
        h = await host(game, organiser)
        a = await player(game.pin, "社区居民", team=1, user=learner)
        b = await player(game.pin, "小学生", team=2, address="10.0.0.2")
        await expect(a, "joined")
        await expect(b, "joined")
        bad = await player(game.pin, "无队伍", team=5, address="10.0.0.3")
        assert (await expect(bad, "error"))["code"] == "bad_team"
        await h.send_json_to({"type": "start"})
        await expect(a, "question")
        await a.send_json_to({"type": "answer", "index": 0, "choice": [1]})
        await expect(a, "ack")
        await b.send_json_to({"type": "answer", "index": 0, "choice": [0]})
        await expect(b, "ack")
        await h.send_json_to({"type": "end"})
        ended = await expect(a, "ended")
        assert [t["name"] for t in ended["teams"]] == ["阳光社区", "实验小学"]
        assert ended["teams"][0]["average"] == 1000
        assert ended["leaderboard"][0]["nickname"] == "社区居民"
        assert (ended["rank"], ended["score"]) == (1, 1000)
        ended_b = await expect(b, "ended")
        assert (ended_b["rank"], ended_b["score"]) == (2, 0)
        for comm in (a, b, bad, h):
            await comm.disconnect()

    run(scenario)
    game_finalise(game_key=game.key)
    players = {p.nickname: p for p in Player.objects.filter(game=game)}
    assert players["社区居民"].rank == 1
    assert players["社区居民"].score == 1000
    assert players["社区居民"].team.name == "阳光社区"
    assert players["社区居民"].user == learner
    assert players["小学生"].rank == 2
    assert players["小学生"].correct_count == 0
    entry = PointsEntry.objects.get(user=learner)
    assert entry.activity == f"livequiz:{game.pk}"
    assert entry.points == 10
    event.refresh_from_db()
    assert event.attended_count == 2
    assert Event.objects.get(pk=event.pk).registrations.count() == 2
    # Finishing again changes nothing.
    game_finalise(game_key=game.key)
    assert PointsEntry.objects.filter(user=learner).count() == 1


def test_answers_arriving_together_are_each_checked_and_stored(organiser, org):
    from wanlixing.livequiz import live

    game = game_make(by=organiser, organisation=org, count=1, scoring="accuracy")

    async def scenario():
        h = await host(game, organiser)
        await h.send_json_to({"type": "start"})
        await expect(h, "question")
        state = await live.game_state(game.key)
        assert state["status"] == "open"
        joined = []
        for i, nickname in enumerate(["甲一", "乙二", "丙三"]):
            joined.append(
                await live.player_join(
                    game_key=game.key,
                    nickname=nickname,
                    folded=nickname,
                    team="",
                    user_id=None,
                    address=f"10.1.0.{i}",
                )
            )
        a, b, c = (j.number for j in joined)
        # Four answers in one batch window: right, wrong, right, and a repeat of a's.
        results = await asyncio.gather(
            live.answer_submit(game_key=game.key, number=a, index=0, choice=[1]),
            live.answer_submit(game_key=game.key, number=b, index=0, choice=[2]),
            live.answer_submit(game_key=game.key, number=c, index=0, choice=1),
            live.answer_submit(game_key=game.key, number=a, index=0, choice=[3]),
            return_exceptions=True,
        )
        acks = [json.loads(r) for r in results[:3]]
        assert [(x["correct"], x["points"], x["score"]) for x in acks] == [
            (True, 1000, 1000),
            (False, 0, 0),
            (True, 1000, 1000),
        ]
        assert isinstance(results[3], live.LiveError)
        assert results[3].code == "duplicate"
        conn = store.client()
        keys = store.Keys(game.key)
        assert conn.hget(keys.game, "answered") == "3"
        assert conn.hgetall(keys.distribution(0)) == {"1": "2", "2": "1"}
        assert conn.llen(keys.pending) == 3
        await h.disconnect()

    run(scenario)
