"""Reads for the live quiz pages: a host's games and the results table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.timezone import localtime

from wanlixing.accounts.selectors import user_is_platform_admin, user_org_ids
from wanlixing.learning.models import Question
from wanlixing.livequiz.models import Game, LiveAnswer, Player


def games_for_host(*, user: Any) -> QuerySet[Game]:
    qs = Game.objects.select_related("organisation")
    if user_is_platform_admin(user):
        return qs
    from wanlixing.livequiz.services import HOST_ROLES

    return qs.filter(Q(host=user) | Q(organisation_id__in=user_org_ids(user, HOST_ROLES)))


RESULT_HEADER = [
    "玩家编号",
    "昵称",
    "队伍",
    "登录用户",
    "名次",
    "总分",
    "题号",
    "题目",
    "所选",
    "正确答案",
    "答对",
    "得分",
    "用时（秒）",
    "作答时间",
]


def game_result_rows(game: Game) -> Iterator[list[Any]]:
    """One row per player and question (unanswered questions too), in player order."""
    questions = Question.objects.in_bulk(game.question_ids)
    ordered = [questions.get(pk) for pk in game.question_ids]
    players = Player.objects.filter(game=game).select_related("team").order_by("number")
    for start in range(0, players.count(), 1000):
        chunk = list(players[start : start + 1000])
        answers: dict[tuple[int, int], LiveAnswer] = {
            (a.player_id, a.question_index): a for a in LiveAnswer.objects.filter(player__in=chunk)
        }
        for player in chunk:
            for index, question in enumerate(ordered):
                answer = answers.get((player.pk, index))
                options = list(question.options) if question else []

                def labels(chosen: list[int], options: list[str] = options) -> str:
                    return "；".join(
                        f"{chr(65 + c)}. {options[c]}" for c in chosen if 0 <= c < len(options)
                    )

                yield [
                    player.number,
                    player.nickname,
                    player.team.name if player.team else "",
                    "是" if player.user_id else "否",
                    player.rank or "",
                    player.score,
                    index + 1,
                    question.stem if question else "",
                    labels(answer.chosen) if answer else "",
                    labels(list(question.correct)) if question else "",
                    ("是" if answer.is_correct else "否") if answer else "未作答",
                    answer.points if answer else 0,
                    round(answer.elapsed_ms / 1000, 2) if answer else "",
                    localtime(answer.answered_at).strftime("%Y-%m-%d %H:%M:%S") if answer else "",
                ]
