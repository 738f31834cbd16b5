"""Writes and rules of learning: grading, attempts, answers, literacy scoring, risk self-test.

Grading rule: an answer is correct only when the chosen options are exactly the
correct ones. Multiple-choice questions are all-or-nothing: a missing or an extra
option makes the answer wrong (no partial credit). An unanswered question is wrong.

Attempt rules: an attempt serves a fixed list of questions; it is submitted once,
before its deadline (plus ``GRACE`` for slow networks), with answers only to the
questions it served. A refused submission changes nothing.
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from wanlixing.accounts.models import User
from wanlixing.content.models import Article, Topic
from wanlixing.rewards.services import points_award

from .models import (
    ArticleVisit,
    Attempt,
    AttemptKind,
    DailyQuestion,
    LearnerTopicStat,
    LiteracyForm,
    LiteracyItem,
    LiteracyResult,
    Question,
    QuestionKind,
    QuestionPurpose,
    Quiz,
    QuizKind,
    QuizProgress,
    Response,
    RiskQuestionnaire,
    RiskResult,
    WrongAnswer,
)

AnyUser = User | AnonymousUser

GRACE = timedelta(seconds=30)
LITERACY_TIME_LIMIT = timedelta(minutes=60)
REVIEW_TIME_LIMIT = timedelta(minutes=30)
REVIEW_SIZE = 10
LITERACY_GAP_BELOW = 80  # a dimension sub-score below this is named as a gap

# Points per activity; the ledger pays each activity key once per person.
POINTS_LADDER_LEVEL = 10
POINTS_PRACTICE = 5
POINTS_DAILY_CORRECT = 5
POINTS_DAILY_TRIED = 2
POINTS_LITERACY = 20


class LearningError(Exception):
    """A refused request: ``code`` for clients, ``message`` in Chinese for people."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


# --- Grading ----------------------------------------------------------------------------


def answer_is_correct(question: Question, chosen: Sequence[int]) -> bool:
    """True when ``chosen`` is exactly the set of correct options (all-or-nothing)."""
    if len(set(chosen)) != len(chosen):
        return False
    return sorted(chosen) == sorted(question.correct)


def percent(correct: int, total: int) -> int:
    """Whole-number percentage, rounded half up (0 when there is nothing to score)."""
    if total <= 0:
        return 0
    return (200 * correct + total) // (2 * total)


def passes(correct: int, total: int, pass_percent: int) -> bool:
    """Exact threshold in integers: 4 of 5 is exactly 80% and passes 80."""
    return total > 0 and correct * 100 >= pass_percent * total


def _check_chosen(question: Question, chosen: Any, number: int) -> list[int]:
    if not isinstance(chosen, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in chosen
    ):
        raise LearningError("invalid_answer", _("第%(n)d题的答案格式不正确。") % {"n": number}, 400)
    if len(set(chosen)) != len(chosen) or any(not 0 <= i < len(question.options) for i in chosen):
        raise LearningError(
            "invalid_answer", _("第%(n)d题的答案中有不存在或重复的选项。") % {"n": number}, 400
        )
    if question.kind != QuestionKind.MULTIPLE and len(chosen) > 1:
        raise LearningError("invalid_answer", _("第%(n)d题只能选一个答案。") % {"n": number}, 400)
    return sorted(chosen)


# --- Answers and the learner's summary rows --------------------------------------------


@dataclass
class _TopicDelta:
    answered: int = 0
    correct: int = 0
    wrong_open: int = 0


def _wrong_book_update(
    user: User,
    answers: Sequence[tuple[Question, list[int], bool]],
    now: datetime,
) -> dict[int, int]:
    """Update the 错题本 for a batch of answers; returns the change in open wrong answers
    per topic. One read for the batch, writes only where something changes."""
    entries = {
        e.question_id: e
        for e in WrongAnswer.objects.filter(
            user=user, question_id__in=[q.pk for q, _c, _ok in answers]
        )
    }
    change: dict[int, int] = defaultdict(int)
    for question, chosen, is_correct in answers:
        entry = entries.get(question.pk)
        if is_correct:
            if entry is not None and entry.mastered_at is None:
                WrongAnswer.objects.filter(pk=entry.pk).update(mastered_at=now)
                entry.mastered_at = now
                change[question.topic_id] -= 1
            continue
        if entry is None:
            try:
                with transaction.atomic():
                    entries[question.pk] = WrongAnswer.objects.create(
                        user=user,
                        question=question,
                        topic_id=question.topic_id,
                        last_chosen=chosen,
                        last_wrong_at=now,
                    )
                change[question.topic_id] += 1
                continue
            except IntegrityError:
                entry = WrongAnswer.objects.get(user=user, question=question)
        WrongAnswer.objects.filter(pk=entry.pk).update(
            wrong_count=F("wrong_count") + 1,
            last_chosen=chosen,
            last_wrong_at=now,
            mastered_at=None,
        )
        if entry.mastered_at is not None:
            change[question.topic_id] += 1
            entry.mastered_at = None
    return change


def _topic_stats_apply(user: User, deltas: Mapping[int, _TopicDelta], now: datetime) -> None:
    for topic_id, delta in deltas.items():
        changes = {
            "answered": F("answered") + delta.answered,
            "correct": F("correct") + delta.correct,
            "wrong_open": F("wrong_open") + delta.wrong_open,
            "last_answered_at": now,
        }
        if LearnerTopicStat.objects.filter(user=user, topic_id=topic_id).update(**changes):
            continue
        try:
            with transaction.atomic():
                LearnerTopicStat.objects.create(
                    user=user,
                    topic_id=topic_id,
                    answered=delta.answered,
                    correct=delta.correct,
                    wrong_open=max(delta.wrong_open, 0),
                    last_answered_at=now,
                )
        except IntegrityError:
            LearnerTopicStat.objects.filter(user=user, topic_id=topic_id).update(**changes)


def _learner_record(
    user: User,
    answers: Sequence[tuple[Question, list[int], bool]],
    now: datetime,
    *,
    wrong_book: bool,
) -> None:
    deltas: dict[int, _TopicDelta] = defaultdict(_TopicDelta)
    for question, _chosen, is_correct in answers:
        delta = deltas[question.topic_id]
        delta.answered += 1
        delta.correct += int(is_correct)
    if wrong_book:
        practice = [a for a in answers if a[0].purpose == QuestionPurpose.PRACTICE]
        for topic_id, change in _wrong_book_update(user, practice, now).items():
            deltas[topic_id].wrong_open += change
    _topic_stats_apply(user, deltas, now)


def responses_record(
    *,
    question: Question,
    is_correct: bool,
    user: AnyUser | None = None,
    source: str,
    chosen: Sequence[int] = (),
    answered_at: datetime | None = None,
) -> Response:
    """Record one answer given elsewhere (live quiz, events) so item statistics see it.

    A signed-in user's answer also updates their 错题本 and topic summary.
    """
    now = answered_at or timezone.now()
    person = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        response = Response.objects.create(
            question=question,
            user=person,
            source=source,
            chosen=list(chosen),
            is_correct=is_correct,
            answered_at=now,
        )
        if person is not None:
            _learner_record(person, [(question, list(chosen), is_correct)], now, wrong_book=True)
    return response


def responses_record_anonymous(
    *, answers: Sequence[tuple[int, Sequence[int], bool, datetime]], source: str
) -> int:
    """Record many anonymous answers (question id, chosen, is_correct, answered_at) given
    elsewhere in one insert, for item statistics only. Signed-in answers go through
    ``responses_record`` so their 错题本 updates too."""
    rows = [
        Response(
            question_id=question_id,
            source=source,
            chosen=list(chosen),
            is_correct=is_correct,
            answered_at=answered_at,
        )
        for question_id, chosen, is_correct, answered_at in answers
    ]
    Response.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def article_visit_record(*, user: AnyUser, article: Article) -> None:
    """Remember that a signed-in learner opened a library item from a learning page."""
    if not user.is_authenticated:
        return
    try:
        with transaction.atomic():
            ArticleVisit.objects.get_or_create(user=user, article=article)
    except IntegrityError:
        pass


# --- Starting attempts ------------------------------------------------------------------


def _owner_fields(user: AnyUser, session_key: str) -> dict[str, Any]:
    if user.is_authenticated:
        return {"user": user, "session_key": ""}
    if not session_key:
        raise LearningError("no_session", _("无法识别您的浏览器会话，请允许 Cookie 后重试。"), 400)
    return {"user": None, "session_key": session_key}


def quiz_pool(quiz: Quiz) -> list[Question]:
    """The questions a quiz may serve: its chosen ones, or its topic's active practice
    questions owned by the quiz's organisation or the platform."""
    chosen = list(quiz.questions.practice())
    if chosen:
        return chosen
    qs = Question.objects.practice().filter(topic_id=quiz.topic_id)
    if quiz.organisation_id is None:
        qs = qs.filter(organisation__isnull=True)
    else:
        qs = qs.filter(Q(organisation__isnull=True) | Q(organisation_id=quiz.organisation_id))
    return list(qs.order_by("key"))


def ladder_pick(
    pool: Sequence[Question],
    *,
    level: int,
    levels: int,
    count: int,
    rng: random.Random,
    mastered: set[int] | frozenset[int] = frozenset(),
) -> list[Question]:
    """Questions for one 闯关 level: closest to the level's target difficulty (1 at the
    first level, 3 at the last), preferring questions not yet answered right."""
    target = 1.0 if levels <= 1 else 1.0 + 2.0 * (level - 1) / (levels - 1)
    ranked = sorted(
        pool,
        key=lambda q: (abs(q.difficulty - target), q.pk in mastered, rng.random()),
    )
    chosen = ranked[:count]
    rng.shuffle(chosen)
    return chosen


def _mastered_ids(user: AnyUser, pool: Sequence[Question]) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(
        Response.objects.filter(
            user=user, is_correct=True, question_id__in=[q.pk for q in pool]
        ).values_list("question_id", flat=True)
    )


def quiz_best_level(*, quiz: Quiz, user: AnyUser, session: Mapping[str, Any] | None) -> int:
    """The highest level passed: from QuizProgress, or for visitors from the session."""
    if user.is_authenticated:
        progress = QuizProgress.objects.filter(user=user, quiz=quiz).first()
        return progress.best_level if progress else 0
    levels = (session or {}).get("learning_levels", {})
    return int(levels.get(str(quiz.pk), 0))


def attempt_start_quiz(
    *,
    quiz: Quiz,
    level: int,
    user: AnyUser,
    session_key: str = "",
    best_level: int = 0,
    rng: random.Random | None = None,
) -> Attempt:
    """Serve a practice round (level 1) or a 闯关 level that the learner has unlocked."""
    if not quiz.is_active:
        raise LearningError("quiz_inactive", _("该测验已停用。"), 404)
    if not 1 <= level <= quiz.level_count:
        raise LearningError("invalid_level", _("没有这一关。"), 400)
    if quiz.kind == QuizKind.LADDER and level > best_level + 1:
        raise LearningError(
            "level_locked",
            _("第%(n)d关还没有解锁：请先以%(p)d%%以上的正确率通过第%(m)d关。")
            % {"n": level, "p": quiz.pass_percent, "m": level - 1},
            403,
        )
    pool = quiz_pool(quiz)
    if not pool:
        raise LearningError("no_questions", _("这个主题暂时还没有题目。"), 404)
    rng = rng or random.Random()
    if quiz.kind == QuizKind.LADDER:
        questions = ladder_pick(
            pool,
            level=level,
            levels=quiz.levels,
            count=quiz.question_count,
            rng=rng,
            mastered=_mastered_ids(user, pool),
        )
    else:
        questions = rng.sample(pool, min(quiz.question_count, len(pool)))
    now = timezone.now()
    return Attempt.objects.create(
        kind=AttemptKind.LADDER if quiz.kind == QuizKind.LADDER else AttemptKind.PRACTICE,
        quiz=quiz,
        level=level,
        question_ids=[q.pk for q in questions],
        started_at=now,
        expires_at=now + timedelta(minutes=quiz.time_limit_minutes),
        **_owner_fields(user, session_key),
    )


def daily_question_for(day: date) -> Question | None:
    """The question of ``day``: the same for everyone, fixed on first use.

    Chosen deterministically from the platform's active practice questions ordered by
    key, at the position given by the SHA-256 of the date.
    """
    existing = DailyQuestion.objects.filter(day=day).select_related("question").first()
    if existing is not None:
        return existing.question
    ids = list(
        Question.objects.practice()
        .filter(organisation__isnull=True)
        .order_by("key")
        .values_list("pk", flat=True)
    )
    if not ids:
        return None
    digest = int(hashlib.sha256(day.isoformat().encode()).hexdigest(), 16)
    question_id = ids[digest % len(ids)]
    try:
        with transaction.atomic():
            DailyQuestion.objects.create(day=day, question_id=question_id)
    except IntegrityError:
        pass
    return DailyQuestion.objects.select_related("question").get(day=day).question


def attempt_start_daily(*, user: AnyUser, session_key: str = "") -> Attempt:
    """Today's daily-question attempt for this learner (the existing one if started)."""
    day = timezone.localdate()
    owner = _owner_fields(user, session_key)
    existing = Attempt.objects.filter(kind=AttemptKind.DAILY, day=day, **owner).first()
    if existing is not None:
        return existing
    question = daily_question_for(day)
    if question is None:
        raise LearningError("no_questions", _("题库中还没有题目。"), 404)
    now = timezone.now()
    tomorrow = timezone.make_aware(datetime.combine(day + timedelta(days=1), datetime.min.time()))
    return Attempt.objects.create(
        kind=AttemptKind.DAILY,
        day=day,
        question_ids=[question.pk],
        started_at=now,
        expires_at=tomorrow,
        **owner,
    )


def attempt_start_review(*, user: AnyUser, topic: Topic | None = None) -> Attempt:
    """Redo up to ``REVIEW_SIZE`` open entries of the 错题本 (signed-in learners only)."""
    if not user.is_authenticated:
        raise LearningError("not_authenticated", _("登录后才有错题本。"), 401)
    entries = WrongAnswer.objects.filter(
        user=user, mastered_at__isnull=True, question__is_active=True
    )
    if topic is not None:
        entries = entries.filter(topic=topic)
    ids = list(entries.order_by("-last_wrong_at").values_list("question_id", flat=True))
    if not ids:
        raise LearningError("nothing_to_review", _("错题本里没有需要重做的题目。"), 404)
    ids = ids[:REVIEW_SIZE]
    random.shuffle(ids)
    now = timezone.now()
    return Attempt.objects.create(
        kind=AttemptKind.REVIEW,
        question_ids=ids,
        started_at=now,
        expires_at=now + REVIEW_TIME_LIMIT,
        user=user,
    )


def attempt_start_literacy(*, form: str, user: AnyUser, session_key: str = "") -> Attempt:
    """Serve literacy form A or B in its fixed order."""
    if form not in LiteracyForm.values:
        raise LearningError("unknown_form", _("只有A卷和B卷。"), 404)
    ids = list(
        LiteracyItem.objects.filter(form=form)
        .order_by("position")
        .values_list("question_id", flat=True)
    )
    if not ids:
        raise LearningError("no_questions", _("测评试卷尚未准备好。"), 404)
    now = timezone.now()
    return Attempt.objects.create(
        kind=AttemptKind.LITERACY,
        literacy_form=form,
        question_ids=ids,
        started_at=now,
        expires_at=now + LITERACY_TIME_LIMIT,
        **_owner_fields(user, session_key),
    )


# --- Literacy scoring -------------------------------------------------------------------


@dataclass
class DimensionScore:
    code: str
    name: str
    correct: int
    total: int
    score: int
    topics: list[str] = field(default_factory=list)  # topic slugs of missed items


@dataclass
class LiteracyScore:
    form: str
    score: int
    correct: int
    total: int
    dimensions: list[DimensionScore]
    missed: list[str]

    @property
    def gaps(self) -> list[DimensionScore]:
        """Dimensions whose sub-score is below ``LITERACY_GAP_BELOW``, weakest first."""
        weak = [d for d in self.dimensions if d.score < LITERACY_GAP_BELOW]
        return sorted(weak, key=lambda d: (d.score, d.code))

    def as_dict(self) -> dict[str, Any]:
        return {
            "form": self.form,
            "score": self.score,
            "correct": self.correct,
            "total": self.total,
            "dimensions": {
                d.code: {
                    "name": d.name,
                    "correct": d.correct,
                    "total": d.total,
                    "score": d.score,
                    "topics": d.topics,
                }
                for d in self.dimensions
            },
            "gaps": [d.code for d in self.gaps],
            "missed": self.missed,
        }


def literacy_score(*, form: str, answers: Mapping[str, Sequence[int]]) -> LiteracyScore:
    """Score literacy form ``form`` from ``{question key: chosen option indexes}``.

    Pure (reads the form, writes nothing). Score 0–100 is the rounded share of items
    answered right; each dimension's sub-score is the same over its items. Missing
    keys count as wrong; keys not on the form raise ValueError.
    """
    items = list(
        LiteracyItem.objects.filter(form=form)
        .select_related("question__topic", "dimension")
        .order_by("position")
    )
    if not items:
        raise ValueError(f"literacy form {form!r} has no items")
    keys = {item.question.key for item in items}
    unknown = sorted(set(answers) - keys)
    if unknown:
        raise ValueError(f"not on form {form}: {', '.join(unknown)}")
    by_dimension: dict[str, DimensionScore] = {}
    order: list[str] = []
    missed: list[str] = []
    correct_total = 0
    for item in sorted(items, key=lambda i: (i.dimension.position, i.position)):
        dim = by_dimension.get(item.dimension.code)
        if dim is None:
            dim = by_dimension[item.dimension.code] = DimensionScore(
                item.dimension.code, item.dimension.name, 0, 0, 0
            )
            order.append(item.dimension.code)
        dim.total += 1
        if answer_is_correct(item.question, list(answers.get(item.question.key, []))):
            dim.correct += 1
            correct_total += 1
        else:
            missed.append(item.question.key)
            if item.question.topic.slug not in dim.topics:
                dim.topics.append(item.question.topic.slug)
    for dim in by_dimension.values():
        dim.score = percent(dim.correct, dim.total)
    return LiteracyScore(
        form=form,
        score=percent(correct_total, len(items)),
        correct=correct_total,
        total=len(items),
        dimensions=[by_dimension[code] for code in order],
        missed=sorted(missed),
    )


# --- Submitting -------------------------------------------------------------------------


@dataclass
class ItemResult:
    question: Question
    chosen: list[int]
    is_correct: bool


@dataclass
class AttemptResult:
    attempt: Attempt
    items: list[ItemResult]
    points_awarded: int = 0
    points_already_earned: bool = False
    unlocked_level: int | None = None
    literacy: LiteracyScore | None = None


def _activity_for(attempt: Attempt, correct: int, total: int) -> tuple[str, int, str] | None:
    """The ledger activity, points and reason an attempt earns, or None."""
    quiz = attempt.quiz
    if attempt.kind == AttemptKind.LADDER and quiz is not None and attempt.passed:
        return (
            f"quiz:{quiz.pk}:{attempt.level}",
            POINTS_LADDER_LEVEL,
            _("闯关通过：%(t)s 第%(n)d关") % {"t": quiz.title, "n": attempt.level},
        )
    if attempt.kind == AttemptKind.PRACTICE and quiz is not None and attempt.passed:
        return f"quiz:{quiz.pk}:0", POINTS_PRACTICE, _("专项练习达标：%(t)s") % {"t": quiz.title}
    if attempt.kind == AttemptKind.DAILY and attempt.day is not None:
        points = POINTS_DAILY_CORRECT if correct == total else POINTS_DAILY_TRIED
        return f"daily:{attempt.day.isoformat()}", points, _("每日一题")
    if attempt.kind == AttemptKind.LITERACY:
        return (
            f"literacy:{attempt.literacy_form}",
            POINTS_LITERACY,
            _("完成金融素养测评（%(f)s卷）") % {"f": attempt.literacy_form},
        )
    return None


def attempt_submit(
    *, attempt: Attempt, answers: Mapping[int, Any], now: datetime | None = None
) -> AttemptResult:
    """Check and record the answers of an attempt; award points once per activity.

    ``answers`` maps served question ids to chosen option indexes. Refuses (with
    LearningError, nothing written) a replay, a late submission, answers to questions
    the attempt did not serve, and malformed answers.
    """
    now = now or timezone.now()
    if attempt.submitted_at is not None:
        raise LearningError(
            "already_submitted", _("这次答题已经提交过了，不能重复提交。请重新开始一轮。"), 409
        )
    if now > attempt.expires_at + GRACE:
        raise LearningError("attempt_expired", _("已超过答题时限，本次提交无效。请重新开始。"), 409)
    served = list(attempt.question_ids)
    extra = [qid for qid in answers if qid not in set(served)]
    if extra:
        raise LearningError(
            "not_in_attempt",
            _("提交的答案中有不属于本次答题的题目，本次提交无效。"),
            400,
        )
    questions = Question.objects.in_bulk(served)
    graded: list[tuple[Question, list[int], bool]] = []
    for number, qid in enumerate(served, start=1):
        question = questions.get(qid)
        if question is None:
            continue  # removed from the bank since it was served
        chosen = _check_chosen(question, answers[qid], number) if qid in answers else []
        graded.append((question, chosen, answer_is_correct(question, chosen)))
    correct = sum(ok for _q, _c, ok in graded)
    total = len(graded)

    user: User | None = attempt.user
    literacy = None
    if attempt.kind == AttemptKind.LITERACY:
        literacy = literacy_score(
            form=attempt.literacy_form, answers={q.key: c for q, c, _ok in graded}
        )
    result = AttemptResult(
        attempt=attempt, items=[ItemResult(q, c, ok) for q, c, ok in graded], literacy=literacy
    )
    with transaction.atomic():
        claimed = Attempt.objects.filter(pk=attempt.pk, submitted_at__isnull=True).update(
            submitted_at=now
        )
        if not claimed:
            raise LearningError("already_submitted", _("这次答题已经提交过了，不能重复提交。"), 409)
        attempt.submitted_at = now
        attempt.correct_count = correct
        attempt.score = percent(correct, total)
        pass_percent = attempt.quiz.pass_percent if attempt.quiz else 80
        attempt.passed = passes(correct, total, pass_percent)
        source = attempt.kind
        Response.objects.bulk_create(
            Response(
                question=q,
                attempt=attempt,
                user=user,
                source=source,
                chosen=c,
                is_correct=ok,
                answered_at=now,
            )
            for q, c, ok in graded
        )
        if user is not None:
            _learner_record(user, graded, now, wrong_book=attempt.kind != AttemptKind.LITERACY)
            if attempt.quiz is not None:
                _quiz_progress_update(user, attempt)
            if literacy is not None:
                LiteracyResult.objects.create(
                    user=user,
                    form=attempt.literacy_form,
                    score=literacy.score,
                    correct=literacy.correct,
                    total=literacy.total,
                    dimensions=literacy.as_dict()["dimensions"],
                    attempt=attempt,
                    taken_at=now,
                )
            activity = _activity_for(attempt, correct, total)
            if activity is not None:
                key, points, reason = activity
                entry = points_award(user=user, activity=key, points=points, reason=reason)
                attempt.points = entry.points if entry is not None else 0
                result.points_awarded = attempt.points
                result.points_already_earned = entry is None
        attempt.save(update_fields=["correct_count", "score", "passed", "points"])
    result.unlocked_level = unlocked_level(attempt)
    from .itemstats import item_statistics_schedule

    transaction.on_commit(item_statistics_schedule)
    return result


def unlocked_level(attempt: Attempt) -> int | None:
    """The 闯关 level a passed attempt opens, if there is one."""
    quiz = attempt.quiz
    if attempt.kind != AttemptKind.LADDER or not attempt.passed or quiz is None:
        return None
    return attempt.level + 1 if attempt.level < quiz.levels else None


def _quiz_progress_update(user: User, attempt: Attempt) -> None:
    quiz = attempt.quiz
    assert quiz is not None
    level = attempt.level if attempt.passed else 0
    changes = {
        "attempts": F("attempts") + 1,
        "best_level": Greatest(F("best_level"), Value(level)),
        "best_score": Greatest(F("best_score"), Value(attempt.score)),
    }
    if QuizProgress.objects.filter(user=user, quiz=quiz).update(**changes):
        return
    try:
        with transaction.atomic():
            QuizProgress.objects.create(
                user=user, quiz=quiz, attempts=1, best_level=level, best_score=attempt.score
            )
    except IntegrityError:
        QuizProgress.objects.filter(user=user, quiz=quiz).update(**changes)


def session_progress_update(session: Any, attempt: Attempt) -> None:
    """Visitors' 闯关 unlocking lives in their session."""
    if attempt.kind != AttemptKind.LADDER or not attempt.passed or attempt.quiz_id is None:
        return
    levels = dict(session.get("learning_levels", {}))
    key = str(attempt.quiz_id)
    levels[key] = max(int(levels.get(key, 0)), attempt.level)
    session["learning_levels"] = levels


# --- Risk-tolerance self-test -----------------------------------------------------------


@dataclass
class RiskAssessment:
    score: int
    max_score: int
    level: str
    name: str
    description: str
    advice: str
    matches: list[str]
    products: list[dict[str, Any]]
    disclaimer: str


def risk_level_for_score(levels: Sequence[Mapping[str, Any]], score: int) -> Mapping[str, Any]:
    """The band whose [min, max] holds ``score`` (bands are contiguous from 0)."""
    for level in levels:
        if level["min"] <= score <= level["max"]:
            return level
    raise ValueError(f"no risk level for score {score}")


def risk_assess(*, questionnaire: RiskQuestionnaire, answers: Mapping[str, int]) -> RiskAssessment:
    """Score the self-test: the points of each chosen option summed, mapped to C1–C5."""
    total = 0
    top = 0
    for number, question in enumerate(questionnaire.questions, start=1):
        choice = answers.get(question["key"])
        options = question["options"]
        if (
            not isinstance(choice, int)
            or isinstance(choice, bool)
            or not 0 <= choice < len(options)
        ):
            raise LearningError(
                "incomplete", _("请回答全部题目：第%(n)d题还没有选择。") % {"n": number}, 400
            )
        total += int(options[choice]["points"])
        top += max(int(o["points"]) for o in options)
    unknown = set(answers) - {q["key"] for q in questionnaire.questions}
    if unknown:
        raise LearningError("invalid_answer", _("提交了不存在的题目。"), 400)
    level = risk_level_for_score(questionnaire.levels, total)
    products = [p for p in questionnaire.product_levels if p["code"] in level["matches"]]
    return RiskAssessment(
        score=total,
        max_score=top,
        level=level["code"],
        name=level["name"],
        description=level.get("description", ""),
        advice=level.get("advice", ""),
        matches=list(level["matches"]),
        products=products,
        disclaimer=questionnaire.disclaimer,
    )


def risk_result_record(
    *, user: AnyUser, assessment: RiskAssessment, answers: Mapping[str, int]
) -> RiskResult | None:
    if not user.is_authenticated:
        return None
    return RiskResult.objects.create(
        user=user, score=assessment.score, level=assessment.level, answers=dict(answers)
    )
