"""Reads of learning: access to attempts, topics and quizzes, results, the 错题本."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from wanlixing.content.models import Article, Topic

from .models import (
    Attempt,
    AttemptKind,
    LearnerTopicStat,
    LiteracyItem,
    LiteracyResult,
    Question,
    QuestionPurpose,
    Quiz,
    QuizKind,
    QuizProgress,
    RiskQuestionnaire,
    RiskResult,
    WrongAnswer,
)
from .services import (
    AnyUser,
    AttemptResult,
    ItemResult,
    LearningError,
    literacy_score,
    unlocked_level,
)


def attempt_get_for_owner(*, attempt_id: int, user: AnyUser, session_key: str) -> Attempt:
    """The attempt if it belongs to this user (or, for visitors, this session)."""
    attempt = Attempt.objects.select_related("quiz__topic").filter(pk=attempt_id).first()
    owned = attempt is not None and (
        (user.is_authenticated and attempt.user_id == user.pk)
        or (
            not user.is_authenticated
            and attempt.user_id is None
            and bool(session_key)
            and attempt.session_key == session_key
        )
    )
    if not owned:
        raise LearningError("not_found", _("没有找到这次答题记录。"), 404)
    assert attempt is not None
    return attempt


def quiz_get_active(*, quiz_id: int) -> Quiz:
    quiz = Quiz.objects.select_related("topic").filter(pk=quiz_id, is_active=True).first()
    if quiz is None:
        raise LearningError("not_found", _("没有找到这个测验。"), 404)
    return quiz


def topic_get(*, slug: str) -> Topic:
    topic = Topic.objects.filter(slug=slug).first()
    if topic is None:
        raise LearningError("not_found", _("没有这个主题。"), 404)
    return topic


@dataclass
class TopicCard:
    topic: Topic
    questions: int
    practice: Quiz | None
    ladder: Quiz | None


def topics_overview() -> list[TopicCard]:
    """Topics that have questions, each with its practice round and 闯关 ladder."""
    counts = dict(
        Question.objects.practice()
        .values("topic_id")
        .annotate(n=Count("id"))
        .values_list("topic_id", "n")
    )
    quizzes: dict[int, dict[str, Quiz]] = {}
    for quiz in Quiz.objects.filter(is_active=True, organisation__isnull=True).order_by("pk"):
        quizzes.setdefault(quiz.topic_id, {}).setdefault(quiz.kind, quiz)
    return [
        TopicCard(
            topic=topic,
            questions=counts.get(topic.pk, 0),
            practice=quizzes.get(topic.pk, {}).get(QuizKind.PRACTICE),
            ladder=quizzes.get(topic.pk, {}).get(QuizKind.LADDER),
        )
        for topic in Topic.objects.order_by("position")
        if counts.get(topic.pk)
    ]


def topic_quizzes(topic: Topic) -> list[Quiz]:
    return list(Quiz.objects.filter(topic=topic, is_active=True).order_by("kind", "pk"))


@dataclass
class LevelState:
    number: int
    status: str  # passed, open, locked


def ladder_levels(quiz: Quiz, best_level: int) -> list[LevelState]:
    out = []
    for number in range(1, quiz.level_count + 1):
        if number <= best_level:
            status = "passed"
        elif number == best_level + 1 or quiz.kind != QuizKind.LADDER:
            status = "open"
        else:
            status = "locked"
        out.append(LevelState(number, status))
    return out


def attempt_questions(attempt: Attempt) -> list[Question]:
    """The served questions in the order they were served."""
    by_id = Question.objects.select_related("topic", "article").in_bulk(attempt.question_ids)
    return [by_id[qid] for qid in attempt.question_ids if qid in by_id]


def attempt_result(attempt: Attempt) -> AttemptResult:
    """A submitted attempt's result, rebuilt from its recorded answers."""
    questions = attempt_questions(attempt)
    answers = {r.question_id: r for r in attempt.responses.all()}
    items = [
        ItemResult(q, list(answers[q.pk].chosen), answers[q.pk].is_correct)
        for q in questions
        if q.pk in answers
    ]
    result = AttemptResult(attempt=attempt, items=items, points_awarded=attempt.points)
    if attempt.user_id is not None and attempt.points == 0:
        result.points_already_earned = attempt.passed or attempt.kind in (
            AttemptKind.DAILY,
            AttemptKind.LITERACY,
        )
    result.unlocked_level = unlocked_level(attempt)
    if attempt.kind == AttemptKind.LITERACY:
        result.literacy = literacy_score(
            form=attempt.literacy_form, answers={i.question.key: i.chosen for i in items}
        )
    return result


def wrong_answers_open(*, user: AnyUser, topic: Topic | None = None) -> list[WrongAnswer]:
    if not user.is_authenticated:
        return []
    entries = WrongAnswer.objects.filter(user=user, mastered_at__isnull=True).select_related(
        "question__topic", "question__article"
    )
    if topic is not None:
        entries = entries.filter(topic=topic)
    return list(entries.order_by("-last_wrong_at")[:200])


def wrong_answers_mastered_count(*, user: AnyUser) -> int:
    if not user.is_authenticated:
        return 0
    return WrongAnswer.objects.filter(user=user, mastered_at__isnull=False).count()


def articles_for_topics(topic_slugs: list[str], *, limit: int = 2) -> dict[str, list[Article]]:
    """Published library items per topic (newest first), for result pages."""
    out: dict[str, list[Article]] = {}
    for slug in topic_slugs:
        out[slug] = list(Article.objects.published().filter(topic__slug=slug)[:limit])
    return out


@dataclass
class LearnerSummary:
    answered: int
    correct: int
    wrong_open: int
    ladders_passed: int
    literacy: LiteracyResult | None
    risk: RiskResult | None

    @property
    def accuracy(self) -> int:
        return round(100 * self.correct / self.answered) if self.answered else 0


def learner_summary(*, user: AnyUser) -> LearnerSummary | None:
    if not user.is_authenticated:
        return None
    totals = LearnerTopicStat.objects.filter(user=user).aggregate(
        a=Sum("answered"), c=Sum("correct"), w=Sum("wrong_open")
    )
    return LearnerSummary(
        answered=totals["a"] or 0,
        correct=totals["c"] or 0,
        wrong_open=totals["w"] or 0,
        ladders_passed=QuizProgress.objects.filter(
            user=user, quiz__kind=QuizKind.LADDER, best_level__gte=1
        ).aggregate(n=Sum("best_level"))["n"]
        or 0,
        literacy=LiteracyResult.objects.filter(user=user).first(),
        risk=RiskResult.objects.filter(user=user).first(),
    )


def risk_questionnaire_get() -> RiskQuestionnaire:
    questionnaire = RiskQuestionnaire.objects.filter(slug="default").first()
    if questionnaire is None:
        raise LearningError("not_ready", _("风险承受能力自测尚未准备好。"), 404)
    return questionnaire


def question_public(question: Question) -> dict[str, Any]:
    """What a client may see before answering (never the answer)."""
    return {
        "id": question.pk,
        "key": question.key,
        "kind": question.kind,
        "stem": question.stem,
        "options": list(question.options),
        "topic": question.topic.slug,
        "difficulty": question.difficulty,
    }


def bank_counts() -> dict[str, Any]:
    """Active practice questions and quizzes, in total and per topic slug."""
    questions = dict(
        Question.objects.filter(is_active=True)
        .values("topic__slug")
        .annotate(n=Count("id"))
        .values_list("topic__slug", "n")
    )
    quizzes = dict(
        Quiz.objects.filter(is_active=True)
        .values("topic__slug")
        .annotate(n=Count("id"))
        .values_list("topic__slug", "n")
    )
    return {
        "questions": sum(questions.values()),
        "practice_questions": Question.objects.filter(
            is_active=True, purpose=QuestionPurpose.PRACTICE
        ).count(),
        "quizzes": sum(quizzes.values()),
        "questions_by_topic": questions,
        "quizzes_by_topic": quizzes,
        "literacy_items": Question.objects.filter(
            Q(purpose=QuestionPurpose.LITERACY) & Q(literacy__isnull=False)
        ).count(),
    }


def literacy_form_questions(form: str) -> list[Question]:
    """The questions of literacy form ``form`` (A or B) in their fixed order, for other
    parts that give the form on paper or in a questionnaire (surveys' pre/post tests)."""
    items = LiteracyItem.objects.filter(form=form).select_related("question").order_by("position")
    return [item.question for item in items]
