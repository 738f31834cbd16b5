"""Live quiz games (直播答题): the durable record of a game played through the live store.

While a game runs its state lives in the live store (Redis, see ``store.py``); these rows
are what the store is flushed into: players, every answer, final scores.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wanlixing.accounts.models import Organisation
from wanlixing.learning.models import Question, Quiz


class Scoring(models.TextChoices):
    SPEED = "speed", _("速度加分（答得越快得分越高）")
    ACCURACY = "accuracy", _("只看对错")


class GameStatus(models.TextChoices):
    LOBBY = "lobby", _("等待开始")
    RUNNING = "running", _("进行中")
    ENDED = "ended", _("已结束")


class Game(models.Model):
    """One live game: a fixed list of questions played to everyone at once."""

    key = models.CharField(max_length=24, unique=True, editable=False)
    pin = models.CharField(_("游戏码"), max_length=6, db_index=True)
    title = models.CharField(_("名称"), max_length=80)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="live_games", verbose_name=_("机构")
    )
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="hosted_live_games",
        verbose_name=_("主持人"),
    )
    quiz = models.ForeignKey(
        Quiz, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    event = models.ForeignKey(
        "outreach.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="live_games",
        verbose_name=_("所属活动"),
    )
    question_ids = models.JSONField(_("题目"), default=list)
    seconds_per_question = models.PositiveSmallIntegerField(_("每题秒数"), default=20)
    scoring = models.CharField(
        _("计分方式"), max_length=10, choices=Scoring.choices, default=Scoring.SPEED
    )
    team_mode = models.BooleanField(_("团队赛"), default=False)
    require_approval = models.BooleanField(_("加入需主持人批准"), default=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=GameStatus.choices, default=GameStatus.LOBBY
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("结果入库时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("直播答题")
        verbose_name_plural = _("直播答题")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.title} ({self.pin})"

    @property
    def question_count(self) -> int:
        return len(self.question_ids)


class Team(models.Model):
    """A side in team mode: a school, community or organisation."""

    game = models.ForeignKey(Game, on_delete=models.CASCADE, related_name="teams")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(_("队名"), max_length=40)

    class Meta:
        verbose_name = _("队伍")
        verbose_name_plural = _("队伍")
        ordering = ["game", "number"]
        constraints = [
            models.UniqueConstraint(fields=["game", "number"], name="livequiz_team_number")
        ]

    def __str__(self) -> str:
        return self.name


class Player(models.Model):
    """Someone who joined a game, signed in or only with a nickname."""

    game = models.ForeignKey(Game, on_delete=models.CASCADE, related_name="players")
    number = models.PositiveIntegerField(_("编号"))
    nickname = models.CharField(_("昵称"), max_length=20)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="live_players",
    )
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True)
    score = models.IntegerField(_("得分"), default=0)
    correct_count = models.PositiveIntegerField(_("答对题数"), default=0)
    rank = models.PositiveIntegerField(_("名次"), null=True, blank=True)
    kicked = models.BooleanField(_("已移出"), default=False)
    joined_at = models.DateTimeField(_("加入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("玩家")
        verbose_name_plural = _("玩家")
        ordering = ["game", "number"]
        constraints = [
            models.UniqueConstraint(fields=["game", "number"], name="livequiz_player_number")
        ]

    def __str__(self) -> str:
        return self.nickname


class LiveAnswer(models.Model):
    """One player's answer to one question of a game, as checked by the server."""

    game = models.ForeignKey(Game, on_delete=models.CASCADE, related_name="answers")
    player = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    question_index = models.PositiveSmallIntegerField(_("题号"))
    chosen = models.JSONField(_("所选"), default=list)
    is_correct = models.BooleanField(_("答对"))
    points = models.PositiveIntegerField(_("得分"), default=0)
    elapsed_ms = models.PositiveIntegerField(_("用时（毫秒）"), default=0)
    answered_at = models.DateTimeField(_("作答时间"))

    class Meta:
        verbose_name = _("直播答题作答")
        verbose_name_plural = _("直播答题作答")
        ordering = ["game", "question_index", "player"]
        constraints = [
            models.UniqueConstraint(
                fields=["player", "question_index"], name="livequiz_answer_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.player} #{self.question_index + 1}"
