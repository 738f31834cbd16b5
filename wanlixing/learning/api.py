"""Learning API (/api/v1/learning/): topics and quizzes, attempts, daily question,
错题本, literacy test, risk self-test and the personal path.

Visitors may practise (attempts bound to their session cookie) but earn no points.
Answers are checked on the server; a submission gives the explanations.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from wanlixing.core.api import AUTH, AUTH_OPTIONAL, ApiError

from . import recommend, selectors, services
from .models import Attempt, LiteracyForm, LiteracyResult, Quiz
from .services import AttemptResult, LearningError

router = Router(tags=["learning"])


def _session_key(request: HttpRequest) -> str:
    if request.user.is_authenticated:
        return ""
    if request.session.session_key is None:
        request.session.save()
    return request.session.session_key or ""


def _raise(exc: LearningError) -> ApiError:
    return ApiError(exc.status, exc.code, exc.message)


class QuizOut(Schema):
    id: int
    title: str
    kind: str
    topic: str
    levels: int
    questions_per_level: int
    pass_percent: int
    time_limit_minutes: int
    best_level: int = 0


class TopicOut(Schema):
    slug: str
    name: str
    questions: int
    quizzes: list[QuizOut]


class QuestionOut(Schema):
    id: int
    key: str
    kind: str
    stem: str
    options: list[str]
    topic: str
    difficulty: int


class AttemptOut(Schema):
    id: int
    kind: str
    quiz_id: int | None
    level: int
    literacy_form: str
    started_at: str
    expires_at: str
    submitted: bool
    questions: list[QuestionOut]


class StartIn(Schema):
    level: int = Field(1, ge=1, le=10)


class SubmitIn(Schema):
    answers: dict[int, list[int]] = Field(
        ..., description="题目 id → 所选选项序号（从0开始）；判断题 0=正确，1=错误"
    )


class ItemOut(Schema):
    question_id: int
    key: str
    chosen: list[int]
    correct: list[int]
    is_correct: bool
    explanation: str
    article_url: str | None


class DimensionOut(Schema):
    code: str
    name: str
    correct: int
    total: int
    score: int


class LiteracyOut(Schema):
    form: str
    score: int
    correct: int
    total: int
    dimensions: list[DimensionOut]
    gaps: list[str]


class ResultOut(Schema):
    attempt_id: int
    kind: str
    correct: int
    total: int
    score: int
    passed: bool
    points_awarded: int
    points_already_earned: bool
    unlocked_level: int | None
    items: list[ItemOut]
    literacy: LiteracyOut | None = None


class WrongAnswerOut(Schema):
    question: QuestionOut
    correct: list[int]
    last_chosen: list[int]
    wrong_count: int
    explanation: str
    last_wrong_at: str


class RiskOptionOut(Schema):
    text: str


class RiskQuestionOut(Schema):
    key: str
    stem: str
    options: list[RiskOptionOut]


class RiskQuestionnaireOut(Schema):
    disclaimer: str
    questions: list[RiskQuestionOut]


class RiskIn(Schema):
    answers: dict[str, int] = Field(..., description="题目 key → 所选选项序号（从0开始）")


class RiskProductOut(Schema):
    code: str
    name: str
    description: str = ""


class RiskOut(Schema):
    score: int
    max_score: int
    level: str
    name: str
    description: str
    advice: str
    matches: list[str]
    products: list[RiskProductOut]
    disclaimer: str


class PathItemOut(Schema):
    kind: str
    title: str
    url: str
    reason: str
    topic: str


class LiteracyResultOut(Schema):
    form: str
    score: int
    correct: int
    total: int
    dimensions: dict[str, Any]
    taken_at: str


def _quiz_out(quiz: Quiz, best_level: int = 0) -> dict[str, Any]:
    return {
        "id": quiz.pk,
        "title": quiz.title,
        "kind": quiz.kind,
        "topic": quiz.topic.slug,
        "levels": quiz.level_count,
        "questions_per_level": quiz.question_count,
        "pass_percent": quiz.pass_percent,
        "time_limit_minutes": quiz.time_limit_minutes,
        "best_level": best_level,
    }


def _attempt_out(attempt: Attempt) -> dict[str, Any]:
    return {
        "id": attempt.pk,
        "kind": attempt.kind,
        "quiz_id": attempt.quiz_id,
        "level": attempt.level,
        "literacy_form": attempt.literacy_form,
        "started_at": attempt.started_at.isoformat(),
        "expires_at": attempt.expires_at.isoformat(),
        "submitted": attempt.is_submitted,
        "questions": [selectors.question_public(q) for q in selectors.attempt_questions(attempt)],
    }


def _result_out(result: AttemptResult) -> dict[str, Any]:
    attempt = result.attempt
    out: dict[str, Any] = {
        "attempt_id": attempt.pk,
        "kind": attempt.kind,
        "correct": attempt.correct_count,
        "total": len(result.items),
        "score": attempt.score,
        "passed": attempt.passed,
        "points_awarded": result.points_awarded,
        "points_already_earned": result.points_already_earned,
        "unlocked_level": result.unlocked_level,
        "items": [
            {
                "question_id": item.question.pk,
                "key": item.question.key,
                "chosen": item.chosen,
                "correct": list(item.question.correct),
                "is_correct": item.is_correct,
                "explanation": item.question.explanation,
                "article_url": item.question.article.get_absolute_url()
                if item.question.article
                else None,
            }
            for item in result.items
        ],
    }
    if result.literacy is not None:
        lit = result.literacy
        out["literacy"] = {
            "form": lit.form,
            "score": lit.score,
            "correct": lit.correct,
            "total": lit.total,
            "dimensions": [
                {
                    "code": d.code,
                    "name": d.name,
                    "correct": d.correct,
                    "total": d.total,
                    "score": d.score,
                }
                for d in lit.dimensions
            ],
            "gaps": [d.code for d in lit.gaps],
        }
    return out


@router.get("/topics", response=list[TopicOut], auth=AUTH_OPTIONAL, summary="主题与测验")
def topics(request: HttpRequest) -> list[dict[str, Any]]:
    out = []
    for card in selectors.topics_overview():
        quizzes = [q for q in (card.practice, card.ladder) if q is not None]
        out.append(
            {
                "slug": card.topic.slug,
                "name": card.topic.name,
                "questions": card.questions,
                "quizzes": [
                    _quiz_out(
                        q,
                        services.quiz_best_level(
                            quiz=q, user=request.user, session=request.session
                        ),
                    )
                    for q in quizzes
                ],
            }
        )
    return out


@router.get("/quizzes/{quiz_id}", response=QuizOut, auth=AUTH_OPTIONAL, summary="测验详情")
def quiz_detail(request: HttpRequest, quiz_id: int) -> dict[str, Any]:
    try:
        quiz = selectors.quiz_get_active(quiz_id=quiz_id)
    except LearningError as exc:
        raise _raise(exc) from None
    best = services.quiz_best_level(quiz=quiz, user=request.user, session=request.session)
    return _quiz_out(quiz, best)


@router.post(
    "/quizzes/{quiz_id}/attempts",
    response={201: AttemptOut},
    auth=AUTH_OPTIONAL,
    summary="开始练习或闯关（某一关）",
)
def attempt_start(request: HttpRequest, quiz_id: int, payload: StartIn) -> Status:
    try:
        quiz = selectors.quiz_get_active(quiz_id=quiz_id)
        best = services.quiz_best_level(quiz=quiz, user=request.user, session=request.session)
        attempt = services.attempt_start_quiz(
            quiz=quiz,
            level=payload.level,
            user=request.user,
            session_key=_session_key(request),
            best_level=best,
        )
    except LearningError as exc:
        raise _raise(exc) from None
    return Status(201, _attempt_out(attempt))


@router.get("/attempts/{attempt_id}", response=AttemptOut, auth=AUTH_OPTIONAL, summary="答题记录")
def attempt_detail(request: HttpRequest, attempt_id: int) -> dict[str, Any]:
    try:
        attempt = selectors.attempt_get_for_owner(
            attempt_id=attempt_id, user=request.user, session_key=_session_key(request)
        )
    except LearningError as exc:
        raise _raise(exc) from None
    return _attempt_out(attempt)


@router.post(
    "/attempts/{attempt_id}/submit",
    response=ResultOut,
    auth=AUTH_OPTIONAL,
    summary="提交答案（服务器判分，返回解析）",
)
def attempt_submit(request: HttpRequest, attempt_id: int, payload: SubmitIn) -> dict[str, Any]:
    try:
        attempt = selectors.attempt_get_for_owner(
            attempt_id=attempt_id, user=request.user, session_key=_session_key(request)
        )
        result = services.attempt_submit(attempt=attempt, answers=payload.answers)
    except LearningError as exc:
        raise _raise(exc) from None
    if not request.user.is_authenticated:
        services.session_progress_update(request.session, attempt)
    return _result_out(result)


@router.get(
    "/attempts/{attempt_id}/result", response=ResultOut, auth=AUTH_OPTIONAL, summary="答题结果"
)
def attempt_result(request: HttpRequest, attempt_id: int) -> dict[str, Any]:
    try:
        attempt = selectors.attempt_get_for_owner(
            attempt_id=attempt_id, user=request.user, session_key=_session_key(request)
        )
    except LearningError as exc:
        raise _raise(exc) from None
    if not attempt.is_submitted:
        raise ApiError(409, "not_submitted", "这次答题还没有提交。")
    return _result_out(selectors.attempt_result(attempt))


@router.post(
    "/daily",
    response={200: AttemptOut},
    auth=AUTH_OPTIONAL,
    summary="今天的每日一题（同一天人人相同）",
)
def daily(request: HttpRequest) -> dict[str, Any]:
    try:
        attempt = services.attempt_start_daily(user=request.user, session_key=_session_key(request))
    except LearningError as exc:
        raise _raise(exc) from None
    return _attempt_out(attempt)


@router.get("/wrong-answers", response=list[WrongAnswerOut], auth=AUTH, summary="我的错题本")
def wrong_answers(request: HttpRequest, topic: str = "") -> list[dict[str, Any]]:
    topic_obj = None
    if topic:
        try:
            topic_obj = selectors.topic_get(slug=topic)
        except LearningError as exc:
            raise _raise(exc) from None
    return [
        {
            "question": selectors.question_public(entry.question),
            "correct": list(entry.question.correct),
            "last_chosen": list(entry.last_chosen),
            "wrong_count": entry.wrong_count,
            "explanation": entry.question.explanation,
            "last_wrong_at": entry.last_wrong_at.isoformat(),
        }
        for entry in selectors.wrong_answers_open(user=request.user, topic=topic_obj)
    ]


@router.post("/wrong-answers/attempts", response={201: AttemptOut}, auth=AUTH, summary="重做错题")
def wrong_answers_redo(request: HttpRequest, topic: str = "") -> Status:
    try:
        topic_obj = selectors.topic_get(slug=topic) if topic else None
        attempt = services.attempt_start_review(user=request.user, topic=topic_obj)
    except LearningError as exc:
        raise _raise(exc) from None
    return Status(201, _attempt_out(attempt))


@router.get("/literacy/forms", auth=AUTH_OPTIONAL, summary="金融素养测评试卷")
def literacy_forms(request: HttpRequest) -> list[dict[str, Any]]:
    from .models import LiteracyItem

    return [
        {
            "form": form,
            "name": label,
            "items": LiteracyItem.objects.filter(form=form).count(),
        }
        for form, label in LiteracyForm.choices
    ]


@router.post(
    "/literacy/forms/{form}/attempts",
    response={201: AttemptOut},
    auth=AUTH_OPTIONAL,
    summary="开始金融素养测评（A卷或B卷）",
)
def literacy_start(request: HttpRequest, form: str) -> Status:
    try:
        attempt = services.attempt_start_literacy(
            form=form.upper(), user=request.user, session_key=_session_key(request)
        )
    except LearningError as exc:
        raise _raise(exc) from None
    return Status(201, _attempt_out(attempt))


@router.get(
    "/literacy/results", response=list[LiteracyResultOut], auth=AUTH, summary="我的测评结果"
)
def literacy_results(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "form": r.form,
            "score": r.score,
            "correct": r.correct,
            "total": r.total,
            "dimensions": r.dimensions,
            "taken_at": r.taken_at.isoformat(),
        }
        for r in LiteracyResult.objects.filter(user=request.user)[:50]  # type: ignore[misc]
    ]


@router.get(
    "/risk", response=RiskQuestionnaireOut, auth=AUTH_OPTIONAL, summary="风险承受能力自测题目"
)
def risk_questions(request: HttpRequest) -> dict[str, Any]:
    try:
        questionnaire = selectors.risk_questionnaire_get()
    except LearningError as exc:
        raise _raise(exc) from None
    return {
        "disclaimer": questionnaire.disclaimer,
        "questions": [
            {
                "key": q["key"],
                "stem": q["stem"],
                "options": [{"text": o["text"]} for o in q["options"]],
            }
            for q in questionnaire.questions
        ],
    }


@router.post(
    "/risk", response=RiskOut, auth=AUTH_OPTIONAL, summary="提交风险承受能力自测（仅供学习参考）"
)
def risk_submit(request: HttpRequest, payload: RiskIn) -> dict[str, Any]:
    try:
        questionnaire = selectors.risk_questionnaire_get()
        assessment = services.risk_assess(questionnaire=questionnaire, answers=payload.answers)
    except LearningError as exc:
        raise _raise(exc) from None
    services.risk_result_record(user=request.user, assessment=assessment, answers=payload.answers)
    return {
        **assessment.__dict__,
        "products": [
            {"code": p["code"], "name": p["name"], "description": p.get("description", "")}
            for p in assessment.products
        ],
    }


@router.get("/path", response=list[PathItemOut], auth=AUTH_OPTIONAL, summary="为你推荐")
def path(request: HttpRequest, segment: str = "") -> list[dict[str, Any]]:
    if request.user.is_authenticated and not segment:
        items = recommend.path_for_user(request.user)
    else:
        items = recommend.path_for_segment(segment or "other")
    return [item.__dict__ for item in items]
