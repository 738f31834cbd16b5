"""The learning core: question bank, quizzes and attempts, answers, literacy and risk tests.

Answers (``Response``) are the raw material of item statistics and are kept when a
person erases their account (the link to the person is removed). Everything a
recommendation needs about one learner lives in small per-user summary rows
(``LearnerTopicStat``, ``QuizProgress``, ``WrongAnswer``) so that the path never
scans the answers table.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from wanlixing.accounts.models import Organisation, Segment
from wanlixing.content.models import Article, Topic


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选题")
    MULTIPLE = "multiple", _("多选题")
    TRUEFALSE = "truefalse", _("判断题")


class QuestionPurpose(models.TextChoices):
    PRACTICE = "practice", _("练习与闯关")
    LITERACY = "literacy", _("素养测评")


# The stored options of every 判断题 (imports compare against them); pages show
# them through ``Question.options_display`` in the visitor's language.
TRUEFALSE_OPTIONS = ["正确", "错误"]


def truefalse_labels() -> list[str]:
    """TRUEFALSE_OPTIONS in the active language."""
    return [
        pgettext("true/false question option", "正确"),
        pgettext("true/false question option", "错误"),
    ]


class QuestionQuerySet(models.QuerySet["Question"]):
    def practice(self) -> QuestionQuerySet:
        """Questions that may be served in practice, 闯关, daily and review attempts."""
        return self.filter(is_active=True, purpose=QuestionPurpose.PRACTICE)


class Question(models.Model):
    """One item of the question bank, owned by an organisation or by the platform."""

    key = models.SlugField(
        _("编号"), max_length=80, unique=True, help_text=_("稳定的外部编号，导入导出按它对应")
    )
    kind = models.CharField(_("题型"), max_length=10, choices=QuestionKind.choices)
    stem = models.TextField(_("题干"), max_length=1000)
    options = models.JSONField(_("选项"), default=list)
    correct = models.JSONField(_("正确选项"), default=list, help_text=_("选项序号（从0开始）"))
    explanation = models.TextField(_("解析"), max_length=2000)
    topic = models.ForeignKey(
        Topic, verbose_name=_("主题"), on_delete=models.PROTECT, related_name="questions"
    )
    difficulty = models.PositiveSmallIntegerField(
        _("难度"), default=1, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    article = models.ForeignKey(
        Article,
        verbose_name=_("关联文章"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
    )
    source = models.CharField(_("来源"), max_length=300)
    audiences = models.ManyToManyField(Segment, verbose_name=_("适用人群"), blank=True)
    purpose = models.CharField(
        _("用途"), max_length=10, choices=QuestionPurpose.choices, default=QuestionPurpose.PRACTICE
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所属机构"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("为空表示平台题目"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["topic__position", "difficulty", "key"]
        verbose_name = _("题目")
        verbose_name_plural = _("题库")
        indexes = [models.Index(fields=["topic", "purpose", "is_active"])]

    def __str__(self) -> str:
        return f"{self.key} {self.stem[:30]}"

    @property
    def options_display(self) -> list[str]:
        """The options as shown to people: a 判断题's 正确/错误 in the active language."""
        if self.kind == QuestionKind.TRUEFALSE and self.options == TRUEFALSE_OPTIONS:
            return truefalse_labels()
        return list(self.options)

    @property
    def correct_labels(self) -> list[str]:
        return [self.options[i] for i in self.correct if 0 <= i < len(self.options)]


class QuizKind(models.TextChoices):
    PRACTICE = "practice", _("专项练习")
    LADDER = "ladder", _("闯关")


class Quiz(models.Model):
    """A way to be quizzed on a topic: a practice round or a 闯关 ladder of levels.

    Without chosen questions a quiz draws from its topic's active practice questions
    (the owner's and the platform's); a ladder rises in difficulty level by level.
    """

    slug = models.SlugField(_("代码"), max_length=80, unique=True)
    title = models.CharField(_("名称"), max_length=80)
    topic = models.ForeignKey(
        Topic, verbose_name=_("主题"), on_delete=models.PROTECT, related_name="quizzes"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=QuizKind.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所属机构"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("为空表示平台测验"),
    )
    questions = models.ManyToManyField(
        Question,
        verbose_name=_("指定题目"),
        blank=True,
        help_text=_("不选则从该主题的题库中抽题"),
    )
    question_count = models.PositiveSmallIntegerField(
        _("每轮/每关题数"), default=5, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    levels = models.PositiveSmallIntegerField(
        _("关数"), default=5, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    pass_percent = models.PositiveSmallIntegerField(
        _("过关正确率（%）"), default=80, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("答题时限（分钟）"), default=20, validators=[MinValueValidator(1)]
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["topic__position", "kind", "pk"]
        verbose_name = _("测验")
        verbose_name_plural = _("测验")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/learn/topics/{self.topic.slug}/#quiz-{self.pk}"

    @property
    def level_count(self) -> int:
        return self.levels if self.kind == QuizKind.LADDER else 1


class AttemptKind(models.TextChoices):
    PRACTICE = "practice", _("专项练习")
    LADDER = "ladder", _("闯关")
    DAILY = "daily", _("每日一题")
    REVIEW = "review", _("错题重做")
    LITERACY = "literacy", _("金融素养测评")


class Attempt(models.Model):
    """One sitting: the exact questions served, in order, and the checked result.

    Owned by a user, or for visitors by a session key. Submitted once, before
    ``expires_at``; anything else is refused and changes nothing.
    """

    kind = models.CharField(_("类型"), max_length=10, choices=AttemptKind.choices)
    quiz = models.ForeignKey(Quiz, on_delete=models.SET_NULL, null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("关卡"), default=0)
    literacy_form = models.CharField(_("测评试卷"), max_length=1, blank=True)
    day = models.DateField(_("日期"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="learning_attempts",
    )
    session_key = models.CharField(max_length=40, blank=True, db_index=True)
    question_ids = models.JSONField(_("所出题目"), default=list)
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("截止时间"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    correct_count = models.PositiveSmallIntegerField(_("答对题数"), default=0)
    score = models.PositiveSmallIntegerField(_("得分"), default=0)
    passed = models.BooleanField(_("通过"), default=False)
    points = models.IntegerField(_("获得积分"), default=0)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("答题记录")
        verbose_name_plural = _("答题记录")
        indexes = [models.Index(fields=["user", "kind", "day"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def question_count(self) -> int:
        return len(self.question_ids)

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class ResponseSource(models.TextChoices):
    PRACTICE = "practice", _("专项练习")
    LADDER = "ladder", _("闯关")
    DAILY = "daily", _("每日一题")
    REVIEW = "review", _("错题重做")
    LITERACY = "literacy", _("金融素养测评")
    LIVEQUIZ = "livequiz", _("直播答题")
    EVENT = "event", _("线下活动")
    OTHER = "other", _("其他")


class Response(models.Model):
    """One answer to one question: what feeds item statistics and the 错题本."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="responses")
    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, null=True, blank=True, related_name="responses"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="learning_responses",
    )
    source = models.CharField(_("来源"), max_length=10, choices=ResponseSource.choices)
    chosen = models.JSONField(_("所选"), default=list)
    is_correct = models.BooleanField(_("答对"))
    answered_at = models.DateTimeField(_("作答时间"), default=timezone.now)

    class Meta:
        verbose_name = _("作答")
        verbose_name_plural = _("作答")

    def __str__(self) -> str:
        return f"{self.question_id} {'✓' if self.is_correct else '✗'}"


class WrongAnswer(models.Model):
    """An entry of a learner's 错题本; mastered when later answered right."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wrong_answers"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    wrong_count = models.PositiveIntegerField(_("答错次数"), default=1)
    last_chosen = models.JSONField(_("上次所选"), default=list)
    last_wrong_at = models.DateTimeField(_("最近答错"), default=timezone.now)
    mastered_at = models.DateTimeField(_("掌握时间"), null=True, blank=True)

    class Meta:
        ordering = ["-last_wrong_at"]
        verbose_name = _("错题")
        verbose_name_plural = _("错题本")
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="wrong_answer_once")
        ]
        indexes = [models.Index(fields=["user", "mastered_at", "topic"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.question_id}"


class LearnerTopicStat(models.Model):
    """Per learner and topic: answered, correct and still-unmastered wrong answers."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_stats"
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    answered = models.PositiveIntegerField(default=0)
    correct = models.PositiveIntegerField(default=0)
    wrong_open = models.PositiveIntegerField(default=0)
    last_answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("主题学习情况")
        verbose_name_plural = _("主题学习情况")
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="learner_topic_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.topic_id} {self.correct}/{self.answered}"


class QuizProgress(models.Model):
    """Per learner and quiz: the highest level passed (practice rounds count as level 1)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_progress"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="progress")
    best_level = models.PositiveSmallIntegerField(_("已通过关卡"), default=0)
    best_score = models.PositiveSmallIntegerField(_("最高得分"), default=0)
    attempts = models.PositiveIntegerField(_("作答次数"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("测验进度")
        verbose_name_plural = _("测验进度")
        constraints = [models.UniqueConstraint(fields=["user", "quiz"], name="quiz_progress_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.quiz_id} L{self.best_level}"


class DailyQuestion(models.Model):
    """The question of a day, fixed on first use so everyone gets the same one."""

    day = models.DateField(_("日期"), unique=True)
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["-day"]
        verbose_name = _("每日一题")
        verbose_name_plural = _("每日一题")

    def __str__(self) -> str:
        return f"{self.day} {self.question_id}"


class ArticleVisit(models.Model):
    """A learner opened a library item from a learning page (so the path moves on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="article_visits"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    visited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("文章阅读")
        verbose_name_plural = _("文章阅读")
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="article_visit_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.article_id}"


class LiteracyForm(models.TextChoices):
    A = "A", _("A卷")
    B = "B", _("B卷")


class LiteracyDimension(models.Model):
    """A knowledge dimension of the literacy test (利息计算, 复利, 通货膨胀, …)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("测评维度")
        verbose_name_plural = _("测评维度")

    def __str__(self) -> str:
        return self.name


class LiteracyItem(models.Model):
    """A question's place in literacy form A or B, with its dimension and expected facility."""

    form = models.CharField(_("试卷"), max_length=1, choices=LiteracyForm.choices)
    position = models.PositiveSmallIntegerField(_("题序"))
    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="literacy")
    dimension = models.ForeignKey(
        LiteracyDimension, verbose_name=_("维度"), on_delete=models.PROTECT
    )
    expected_p = models.FloatField(
        _("预计答对率"), validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    pair_key = models.CharField(_("平行题"), max_length=80, blank=True)
    anchor = models.CharField(_("参照题"), max_length=300, blank=True)

    class Meta:
        ordering = ["form", "position"]
        verbose_name = _("测评题")
        verbose_name_plural = _("金融素养测评题")
        constraints = [
            models.UniqueConstraint(fields=["form", "position"], name="literacy_position_once")
        ]

    def __str__(self) -> str:
        return f"{self.form}{self.position:02d} {self.question.key}"


class LiteracyResult(models.Model):
    """A signed-in learner's literacy score on one form, with per-dimension sub-scores."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="literacy_results"
    )
    form = models.CharField(_("试卷"), max_length=1, choices=LiteracyForm.choices)
    score = models.PositiveSmallIntegerField(_("得分"))
    correct = models.PositiveSmallIntegerField(_("答对题数"))
    total = models.PositiveSmallIntegerField(_("题数"))
    dimensions = models.JSONField(_("分维度得分"), default=dict)
    attempt = models.OneToOneField(Attempt, on_delete=models.SET_NULL, null=True, blank=True)
    taken_at = models.DateTimeField(_("测评时间"), default=timezone.now)

    class Meta:
        ordering = ["-taken_at"]
        verbose_name = _("素养测评结果")
        verbose_name_plural = _("素养测评结果")

    def __str__(self) -> str:
        return f"{self.user_id} {self.form} {self.score}"


class RiskQuestionnaire(models.Model):
    """The 风险承受能力自测 instrument: questions with points, C1–C5 bands, R1–R5 levels."""

    slug = models.SlugField(_("代码"), max_length=40, unique=True, default="default")
    disclaimer = models.TextField(pgettext_lazy("risk questionnaire disclaimer", "提示"))
    questions = models.JSONField(_("题目"), default=list)
    levels = models.JSONField(_("风险承受等级"), default=list)
    product_levels = models.JSONField(_("产品风险等级"), default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("风险承受能力自测")
        verbose_name_plural = _("风险承受能力自测")

    def __str__(self) -> str:
        return self.slug


class RiskResult(models.Model):
    """A signed-in learner's self-test outcome (education only, not a suitability record)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="risk_results"
    )
    score = models.PositiveSmallIntegerField(_("得分"))
    level = models.CharField(_("等级"), max_length=2)
    answers = models.JSONField(_("作答"), default=dict)
    taken_at = models.DateTimeField(_("测评时间"), default=timezone.now)

    class Meta:
        ordering = ["-taken_at"]
        verbose_name = _("风险自测结果")
        verbose_name_plural = _("风险自测结果")

    def __str__(self) -> str:
        return f"{self.user_id} {self.level}"


class ItemStatistic(models.Model):
    """Classical item statistics of a question, refreshed by a background task.

    ``facility`` is the share of all recorded answers that were correct.
    ``discrimination`` is the upper–lower index: among submitted attempts that served
    the question, ranked by attempt score (share correct), the facility in the top
    27% minus the facility in the bottom 27% (group size ``round(0.27·n)``, at least 1;
    computed when at least ``MIN_ATTEMPTS`` attempts served the question).
    """

    MIN_ATTEMPTS = 10

    question = models.OneToOneField(
        Question, on_delete=models.CASCADE, primary_key=True, related_name="statistic"
    )
    responses = models.PositiveIntegerField(_("作答数"), default=0)
    correct = models.PositiveIntegerField(_("答对数"), default=0)
    facility = models.FloatField(_("难度系数（答对率）"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("计入区分度的答卷数"), default=0)
    group_size = models.PositiveIntegerField(_("高低分组人数"), default=0)
    upper_correct = models.PositiveIntegerField(_("高分组答对"), default=0)
    lower_correct = models.PositiveIntegerField(_("低分组答对"), default=0)
    discrimination = models.FloatField(_("区分度"), null=True, blank=True)
    computed_at = models.DateTimeField(_("统计时间"), default=timezone.now)

    class Meta:
        verbose_name = _("题目统计")
        verbose_name_plural = _("题目统计")

    def __str__(self) -> str:
        return f"{self.question_id} p={self.facility} D={self.discrimination}"
