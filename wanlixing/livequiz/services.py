"""Live quiz services that touch the database: creating games, flushing the live store
into LiveAnswer / Player rows, finishing a game (points, event participants)."""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wanlixing.accounts.models import Organisation, Role, User
from wanlixing.accounts.selectors import user_has_role, user_is_platform_admin
from wanlixing.learning.models import Question, Quiz, ResponseSource
from wanlixing.learning.services import responses_record, responses_record_anonymous
from wanlixing.livequiz import store
from wanlixing.livequiz.models import Game, GameStatus, LiveAnswer, Player, Scoring, Team

log = logging.getLogger(__name__)

HOST_ROLES = (Role.ORG_ADMIN, Role.ORGANISER, Role.EDITOR)
MAX_QUESTIONS = 50
MAX_TEAMS = 30
FLUSH_BATCH = 2000


# --- Access ----------------------------------------------------------------------------


def user_can_host(user) -> bool:
    """Staff who may run live games: org admins, organisers, editors, platform admins."""
    from wanlixing.accounts.selectors import user_org_ids

    return user_is_platform_admin(user) or bool(user_org_ids(user, HOST_ROLES))


def game_get_for_host(*, user, game_id: int | None = None, key: str | None = None) -> Game:
    """The game if the user may run it (its host, or host-role staff of its organisation).

    Http404 when there is no such game, PermissionDenied otherwise.
    """
    qs = Game.objects.select_related("organisation", "event")
    game = qs.filter(pk=game_id).first() if game_id is not None else qs.filter(key=key).first()
    if game is None:
        raise Http404
    if not user.is_authenticated:
        raise PermissionDenied
    if user_is_platform_admin(user) or game.host_id == user.pk:
        return game
    if user_has_role(user, game.organisation_id, *HOST_ROLES):
        return game
    raise PermissionDenied


# --- Creating a game -------------------------------------------------------------------


def _question_payload(index: int, question: Question) -> str:
    return json.dumps(
        {
            "i": index,
            "id": question.pk,
            "kind": question.kind,
            "stem": question.stem,
            "options": list(question.options),
            "topic": question.topic.name if question.topic_id else "",
            "c": ",".join(str(i) for i in sorted(question.correct)),
            "x": question.explanation,
        },
        ensure_ascii=False,
    )


def _pin_claim(game_key: str) -> str:
    conn = store.client()
    ttl = (settings.LIVEQUIZ_KEEP_HOURS + 24) * 3600
    for _attempt in range(50):
        pin = f"{secrets.randbelow(900000) + 100000}"
        if conn.set(store.pin_key(pin), game_key, nx=True, ex=ttl):
            return pin
    raise ValidationError(_("暂时无法分配游戏码，请稍后再试。"))


def game_create(
    *,
    by: User,
    organisation: Organisation,
    title: str,
    questions: Sequence[Question],
    seconds_per_question: int = 20,
    scoring: str = Scoring.SPEED,
    team_names: Sequence[str] = (),
    require_approval: bool = False,
    quiz: Quiz | None = None,
    event=None,
) -> Game:
    """Create a game and load it into the live store; it waits in the lobby for players."""
    if not user_has_role(by, organisation.pk, *HOST_ROLES):
        raise PermissionDenied
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("请填写名称。"))
    questions = list(questions)[:MAX_QUESTIONS]
    if not questions:
        raise ValidationError(_("至少需要一道题。"))
    if not 5 <= seconds_per_question <= 120:
        raise ValidationError(_("每题时间应在 5 到 120 秒之间。"))
    if scoring not in Scoring.values:
        raise ValidationError(_("计分方式无效。"))
    names = [n.strip()[:40] for n in team_names if n.strip()]
    names = list(dict.fromkeys(names))
    if len(names) == 1 or len(names) > MAX_TEAMS:
        raise ValidationError(_("团队赛需要 2 到 30 支队伍。"))
    key = secrets.token_hex(8)
    pin = _pin_claim(key)
    with transaction.atomic():
        game = Game.objects.create(
            key=key,
            pin=pin,
            title=title[:80],
            organisation=organisation,
            host=by,
            quiz=quiz,
            event=event,
            question_ids=[q.pk for q in questions],
            seconds_per_question=seconds_per_question,
            scoring=scoring,
            team_mode=bool(names),
            require_approval=require_approval,
        )
        Team.objects.bulk_create(
            [Team(game=game, number=i + 1, name=name) for i, name in enumerate(names)]
        )
    keys = store.Keys(key)
    conn = store.client()
    pipe = conn.pipeline(transaction=True)
    pipe.hset(
        keys.game,
        mapping={
            "status": "lobby",
            "qidx": -1,
            "nq": len(questions),
            "seconds": seconds_per_question,
            "scoring": scoring,
            "approval": "1" if require_approval else "0",
            "teams": json.dumps(names, ensure_ascii=False),
            "title": game.title,
            "pin": pin,
            "answered": 0,
            "players": 0,
            "seq": 0,
        },
    )
    pipe.hset(
        keys.questions,
        mapping={str(i): _question_payload(i, q) for i, q in enumerate(questions)},
    )
    pipe.execute()
    return game


def game_mark_started(*, game_key: str) -> None:
    Game.objects.filter(key=game_key, started_at__isnull=True).update(
        status=GameStatus.RUNNING, started_at=timezone.now()
    )


# --- Flushing the live store into the database -----------------------------------------


@dataclass
class FlushResult:
    players: int = 0
    answers: int = 0
    busy: bool = False


_RELEASE = (
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"
)
_RENEW = (
    "if redis.call('GET', KEYS[1]) == ARGV[1] then "
    "return redis.call('EXPIRE', KEYS[1], ARGV[2]) end return 0"
)
# The flush lock lapses this long after its holder's last sign of life, so a worker that
# dies in the middle of a flush holds up the others (and the game's end) only briefly.
FLUSH_LOCK_SECONDS = 20


def _when(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def _flush_players(conn, keys: store.Keys, game: Game, renew) -> int:
    total = 0
    teams = dict(game.teams.values_list("number", "pk"))
    while True:
        renew()
        numbers = conn.lrange(keys.new_players, 0, FLUSH_BATCH - 1)
        if not numbers:
            return total
        records = conn.hmget(keys.players, numbers)
        parsed = [(int(n), json.loads(r)) for n, r in zip(numbers, records, strict=True) if r]
        user_ids = {int(r["u"]) for _, r in parsed if r.get("u")}
        known_users = set(User.objects.filter(pk__in=user_ids).values_list("pk", flat=True))
        rows = []
        for number, rec in parsed:
            uid = int(rec["u"]) if rec.get("u") else None
            rows.append(
                Player(
                    game=game,
                    number=number,
                    nickname=rec["n"][:20],
                    user_id=uid if uid in known_users else None,
                    team_id=teams.get(int(rec["t"])) if rec.get("t") else None,
                    joined_at=_when(int(rec.get("j") or time.time() * 1000)),
                )
            )
        Player.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        conn.ltrim(keys.new_players, len(numbers), -1)
        total += len(rows)


# Player number -> (row id, user id) per game, as read by earlier flushes in this process
# (neither ever changes for a player's row): a flush reads only players it has not seen.
_player_row_cache: dict[tuple[int, str], dict[int, tuple[int, int | None]]] = {}
PLAYER_ROW_CACHE_GAMES = 64


def _player_rows(game: Game, numbers: set[int]) -> dict[int, tuple[int, int | None]]:
    known = _player_row_cache.get((game.pk, game.key))
    if known is None:
        if len(_player_row_cache) >= PLAYER_ROW_CACHE_GAMES:
            _player_row_cache.clear()
        known = _player_row_cache[(game.pk, game.key)] = {}
    missing = [n for n in numbers if n not in known]
    if missing:
        for pk, number, uid in Player.objects.filter(game=game, number__in=missing).values_list(
            "pk", "number", "user_id"
        ):
            known[number] = (pk, uid)
    return known


# One parsed line of the pending list: player number, question index, chosen options
# ("0,2"), correct, points, elapsed ms, answered at (ms since the epoch).
Pending = tuple[int, int, str, bool, int, int, int]


def _answers_insert_postgresql(
    game: Game, rows: list[tuple[int, int, Pending]]
) -> set[tuple[int, int]]:
    """Insert answers (player row id, question id, pending line) in one statement; answers
    already stored (a flush that died between commit and trim) are left alone. Returns
    the (player row id, question index) of the rows inserted.

    The columns travel as eight array literals (one text parameter each) and are unnested
    by PostgreSQL: thousands of answers cost one short statement to build, not thousands
    of ORM objects and bound parameters."""
    with connection.cursor() as cursor:
        cursor.execute(_ANSWERS_INSERT, _answer_arrays(game, rows))
        return {(int(pk), int(index)) for pk, index in cursor.fetchall()}


# The table and columns of LiveAnswer (livequiz/migrations; the test of this path checks
# the rows through the ORM).
_ANSWERS_INSERT = """
INSERT INTO livequiz_liveanswer (game_id, player_id, question_id, question_index, chosen,
                                 is_correct, points, elapsed_ms, answered_at)
SELECT %s, a.p, a.q, a.i, ('[' || a.c || ']')::jsonb, a.ok, a.pts, a.ms,
       timestamptz 'epoch' + a.at * interval '1 millisecond'
FROM unnest(%s::bigint[], %s::bigint[], %s::int[], %s::text[], %s::boolean[], %s::int[],
            %s::int[], %s::bigint[]) AS a(p, q, i, c, ok, pts, ms, at)
ON CONFLICT (player_id, question_index) DO NOTHING
RETURNING player_id, question_index
"""


def _answer_arrays(game: Game, rows: list[tuple[int, int, Pending]]) -> list[Any]:
    def array(values) -> str:
        return "{" + ",".join(values) + "}"

    return [
        game.pk,
        array(str(pk) for pk, _q, _p in rows),
        array(str(qid) for _pk, qid, _p in rows),
        array(str(p[1]) for _pk, _q, p in rows),
        # "0,2" quoted as one array element; the options are digits and commas only.
        array(f'"{p[2]}"' for _pk, _q, p in rows),
        array("t" if p[3] else "f" for _pk, _q, p in rows),
        array(str(p[4]) for _pk, _q, p in rows),
        array(str(p[5]) for _pk, _q, p in rows),
        array(str(p[6]) for _pk, _q, p in rows),
    ]


def _answers_insert_orm(game: Game, rows: list[tuple[int, int, Pending]]) -> set[tuple[int, int]]:
    """The same as _answers_insert_postgresql on any database, through the ORM."""
    done = set(
        LiveAnswer.objects.filter(
            player_id__in={pk for pk, _q, _p in rows},
            question_index__in={p[1] for _pk, _q, p in rows},
        ).values_list("player_id", "question_index")
    )
    answers = []
    for pk, qid, (_n, index, chosen, ok, points, elapsed, at) in rows:
        if (pk, index) in done:
            continue
        done.add((pk, index))
        answers.append(
            LiveAnswer(
                game=game,
                player_id=pk,
                question_id=qid,
                question_index=index,
                chosen=[int(c) for c in chosen.split(",") if c],
                is_correct=ok,
                points=points,
                elapsed_ms=elapsed,
                answered_at=_when(at),
            )
        )
    LiveAnswer.objects.bulk_create(answers, batch_size=1000)
    return {(a.player_id, a.question_index) for a in answers}


def _flush_answers(conn, keys: store.Keys, game: Game, renew) -> int:
    total = 0
    question_ids = list(game.question_ids)
    insert = (
        _answers_insert_postgresql if connection.vendor == "postgresql" else _answers_insert_orm
    )
    while True:
        renew()
        batch = conn.lrange(keys.pending, 0, FLUSH_BATCH - 1)
        if not batch:
            return total
        parsed: list[Pending] = []
        for line in batch:
            number, index, chosen, ok, points, elapsed, at = line.split("|")
            if not chosen or chosen.replace(",", "").isdigit():
                parsed.append(
                    (int(number), int(index), chosen, ok == "1", int(points), int(elapsed), int(at))
                )
            else:
                log.warning("livequiz %s: malformed pending answer %r", game.key, line)
        players = _player_rows(game, {p[0] for p in parsed})
        rows: list[tuple[int, int, Pending]] = []
        for p in parsed:
            if p[0] not in players or p[1] >= len(question_ids):
                log.warning("livequiz %s: answer of unknown player %s", game.key, p[0])
                continue
            rows.append((players[p[0]][0], question_ids[p[1]], p))
        with transaction.atomic():
            stored = insert(game, rows) if rows else set()
            # Item statistics for the answers stored now (not for those a repaired flush
            # had already stored). Anonymous answers go in one insert; signed-in answers
            # also update their 错题本 and topic summary.
            anonymous: list[tuple[int, list[int], bool, datetime]] = []
            personal: list[tuple[int, int, list[int], bool, datetime]] = []
            for pk, qid, (number, index, chosen, ok, _points, _elapsed, at) in rows:
                if (pk, index) not in stored:
                    continue
                stored.discard((pk, index))
                options = [int(c) for c in chosen.split(",") if c]
                uid = players[number][1]
                if uid is None:
                    anonymous.append((qid, options, ok, _when(at)))
                else:
                    personal.append((uid, qid, options, ok, _when(at)))
            responses_record_anonymous(answers=anonymous, source=ResponseSource.LIVEQUIZ)
            if personal:
                users = User.objects.in_bulk({p[0] for p in personal})
                questions = Question.objects.select_related("topic").in_bulk(
                    {p[1] for p in personal}
                )
                for uid, qid, options, ok, when in personal:
                    responses_record(
                        question=questions[qid],
                        is_correct=ok,
                        user=users.get(uid),
                        source=ResponseSource.LIVEQUIZ,
                        chosen=options,
                        answered_at=when,
                    )
        conn.ltrim(keys.pending, len(batch), -1)
        total += len(anonymous) + len(personal)


def game_flush(*, game_key: str, wait_seconds: float = 0) -> FlushResult:
    """Move stored answers and new players from the live store into the database.

    Safe to call from any process at any time: a lock lets one flush run at a time, rows
    are trimmed from the store only after they are committed, and a flush that died
    between commit and trim is repaired by the next one (already stored answers are
    skipped), so nothing is lost and nothing is stored twice.
    """
    conn = store.client()
    keys = store.Keys(game_key)
    game = Game.objects.filter(key=game_key).first()
    if game is None:
        return FlushResult()
    token = secrets.token_hex(8)
    deadline = time.monotonic() + wait_seconds
    while not conn.set(keys.lock, token, nx=True, ex=FLUSH_LOCK_SECONDS):
        if time.monotonic() >= deadline:
            return FlushResult(busy=True)
        time.sleep(0.1)

    def renew() -> None:
        conn.eval(_RENEW, 1, keys.lock, token, FLUSH_LOCK_SECONDS)

    try:
        players = _flush_players(conn, keys, game, renew)
        answers = _flush_answers(conn, keys, game, renew)
    finally:
        conn.eval(_RELEASE, 1, keys.lock, token)
    return FlushResult(players=players, answers=answers)


def _reward_points(correct: int) -> int:
    return min(50, 5 + 5 * correct)


def game_finalise(*, game_key: str) -> Game | None:
    """After the end: flush, store final scores and ranks, award points to signed-in
    players, count players as the event's online participants. Idempotent."""
    from wanlixing.rewards.services import points_award

    game = Game.objects.select_related("event").filter(key=game_key).first()
    if game is None:
        return None
    result = game_flush(game_key=game_key, wait_seconds=30)
    if result.busy:
        raise RuntimeError("flush lock held too long")
    conn = store.client()
    keys = store.Keys(game_key)
    ranking = conn.zrevrange(keys.scores, 0, -1, withscores=True)
    ranks = {int(n): (i + 1, int(s)) for i, (n, s) in enumerate(ranking)}
    correct = {int(n): int(c) for n, c in conn.hgetall(keys.correct).items()}
    records = {int(n): json.loads(r) for n, r in conn.hgetall(keys.players).items()}
    players = list(Player.objects.filter(game=game))
    for player in players:
        rank, score = ranks.get(player.number, (None, 0))
        player.rank = rank
        player.score = score
        player.correct_count = correct.get(player.number, 0)
        player.kicked = records.get(player.number, {}).get("s") == "k"
    Player.objects.bulk_update(
        players, ["rank", "score", "correct_count", "kicked"], batch_size=1000
    )
    first_time = game.finalised_at is None
    now = timezone.now()
    Game.objects.filter(pk=game.pk).update(
        status=GameStatus.ENDED, ended_at=game.ended_at or now, finalised_at=now
    )
    if first_time:
        for player in players:
            if player.kicked or player.rank is None:
                continue
            if player.user_id is not None:
                user = User.objects.filter(pk=player.user_id).first()
                if user is not None:
                    points_award(
                        user=user,
                        activity=f"livequiz:{game.pk}",
                        points=_reward_points(player.correct_count),
                        reason=_("直播答题：%(title)s") % {"title": game.title},
                    )
            if game.event is not None:
                from wanlixing.outreach.services import event_online_participant_record

                key = (
                    f"u:{player.user_id}"
                    if player.user_id
                    else f"s:livequiz:{game.key}:{player.number}"
                )
                event_online_participant_record(event=game.event, participant_key=key)
    conn.eval(
        store.EXPIRE_ALL,
        len(keys.all(game.question_count)),
        *keys.all(game.question_count),
        settings.LIVEQUIZ_KEEP_HOURS * 3600,
    )
    _player_row_cache.pop((game.pk, game.key), None)
    game.refresh_from_db()
    return game


def games_flush_open() -> int:
    """Flush every unfinished game; finish those the live store says have ended (a worker
    that ended a game may have died before it finished it). Run by the periodic job."""
    conn = store.client()
    handled = 0
    for key in Game.objects.filter(finalised_at__isnull=True).values_list("key", flat=True):
        status = conn.hget(store.Keys(key).game, "status")
        if status is None:
            continue
        if status == "ended":
            game_finalise(game_key=key)
        else:
            game_flush(game_key=key)
        handled += 1
    return handled
