"""Learning pages under /learn/: topics, practice and 闯关, daily question, 错题本,
literacy test, risk self-test and the personal path. No scripts: plain forms."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wanlixing.content.models import Article

from . import recommend, selectors, services
from .models import Attempt, LiteracyForm, LiteracyItem
from .services import LearningError

ANSWER_FIELD = re.compile(r"^q(\d+)$")


def _session_key(request: HttpRequest) -> str:
    if request.user.is_authenticated:
        return ""
    if request.session.session_key is None:
        request.session.save()
    return request.session.session_key or ""


def _refused(
    request: HttpRequest, exc: LearningError, *, status: int | None = None
) -> HttpResponse:
    return render(
        request,
        "learning/refused.html",
        {"message": exc.message, "code": exc.code},
        status=status or exc.status,
    )


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "learning/index.html",
        {
            "cards": selectors.topics_overview(),
            "summary": selectors.learner_summary(user=request.user),
        },
    )


@require_GET
def topic(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        topic_obj = selectors.topic_get(slug=slug)
    except LearningError as exc:
        return _refused(request, exc)
    quizzes = []
    for quiz in selectors.topic_quizzes(topic_obj):
        best = services.quiz_best_level(quiz=quiz, user=request.user, session=request.session)
        quizzes.append({"quiz": quiz, "levels": selectors.ladder_levels(quiz, best)})
    articles = selectors.articles_for_topics([topic_obj.slug], limit=5)[topic_obj.slug]
    return render(
        request,
        "learning/topic.html",
        {"topic": topic_obj, "quizzes": quizzes, "articles": articles},
    )


@require_POST
def quiz_start(request: HttpRequest, quiz_id: int) -> HttpResponse:
    try:
        level = int(request.POST.get("level", "1"))
    except ValueError:
        level = 0
    try:
        quiz = selectors.quiz_get_active(quiz_id=quiz_id)
        best = services.quiz_best_level(quiz=quiz, user=request.user, session=request.session)
        attempt = services.attempt_start_quiz(
            quiz=quiz,
            level=level,
            user=request.user,
            session_key=_session_key(request),
            best_level=best,
        )
    except LearningError as exc:
        return _refused(request, exc)
    return redirect("learning:attempt", attempt_id=attempt.pk)


def _answers_from_post(request: HttpRequest, attempt: Attempt) -> dict[int, Any]:
    answers: dict[int, Any] = {}
    for name in request.POST:
        match = ANSWER_FIELD.match(name)
        if match is None:
            continue
        values = request.POST.getlist(name)
        try:
            answers[int(match.group(1))] = [int(v) for v in values if v != ""]
        except ValueError:
            raise LearningError("invalid_answer", _("提交的答案格式不正确。"), 400) from None
    return answers


@require_http_methods(["GET", "POST"])
def attempt_view(request: HttpRequest, attempt_id: int) -> HttpResponse:
    try:
        attempt = selectors.attempt_get_for_owner(
            attempt_id=attempt_id, user=request.user, session_key=_session_key(request)
        )
        if request.method == "POST":
            result = services.attempt_submit(
                attempt=attempt, answers=_answers_from_post(request, attempt)
            )
            if not request.user.is_authenticated:
                services.session_progress_update(request.session, attempt)
            if result.points_awarded:
                messages.success(
                    request, _("答题完成，获得 %(n)d 积分！") % {"n": result.points_awarded}
                )
            return redirect("learning:attempt", attempt_id=attempt.pk)
    except LearningError as exc:
        return _refused(request, exc)
    if attempt.is_submitted:
        result = selectors.attempt_result(attempt)
        context: dict[str, Any] = {"attempt": attempt, "result": result}
        if result.literacy is not None:
            slugs = [slug for gap in result.literacy.gaps for slug in gap.topics]
            context["gap_articles"] = selectors.articles_for_topics(list(dict.fromkeys(slugs)))
        return render(request, "learning/result.html", context)
    questions = selectors.attempt_questions(attempt)
    return render(request, "learning/attempt.html", {"attempt": attempt, "questions": questions})


@require_GET
def daily(request: HttpRequest) -> HttpResponse:
    try:
        attempt = services.attempt_start_daily(user=request.user, session_key=_session_key(request))
    except LearningError as exc:
        return _refused(request, exc)
    return redirect("learning:attempt", attempt_id=attempt.pk)


@require_http_methods(["GET", "POST"])
def review(request: HttpRequest) -> HttpResponse:
    topic_obj = None
    slug = request.GET.get("topic") or request.POST.get("topic") or ""
    if slug:
        try:
            topic_obj = selectors.topic_get(slug=slug)
        except LearningError as exc:
            return _refused(request, exc)
    if request.method == "POST":
        try:
            attempt = services.attempt_start_review(user=request.user, topic=topic_obj)
        except LearningError as exc:
            return _refused(request, exc)
        return redirect("learning:attempt", attempt_id=attempt.pk)
    return render(
        request,
        "learning/review.html",
        {
            "entries": selectors.wrong_answers_open(user=request.user, topic=topic_obj),
            "mastered": selectors.wrong_answers_mastered_count(user=request.user),
            "topic": topic_obj,
        },
    )


@require_GET
def literacy_index(request: HttpRequest) -> HttpResponse:
    forms = [
        {"code": code, "name": name, "items": LiteracyItem.objects.filter(form=code).count()}
        for code, name in LiteracyForm.choices
    ]
    return render(request, "learning/literacy.html", {"forms": forms, "form": None})


@require_http_methods(["GET", "POST"])
def literacy_form(request: HttpRequest, form: str) -> HttpResponse:
    form = form.upper()
    if form not in LiteracyForm.values:
        raise Http404
    if request.method == "POST":
        try:
            attempt = services.attempt_start_literacy(
                form=form, user=request.user, session_key=_session_key(request)
            )
        except LearningError as exc:
            return _refused(request, exc)
        return redirect("learning:attempt", attempt_id=attempt.pk)
    items = LiteracyItem.objects.filter(form=form).count()
    return render(request, "learning/literacy.html", {"form": form, "items": items})


@require_http_methods(["GET", "POST"])
def risk(request: HttpRequest) -> HttpResponse:
    try:
        questionnaire = selectors.risk_questionnaire_get()
    except LearningError as exc:
        return _refused(request, exc)
    answers: dict[str, int] = {}
    error = ""
    if request.method == "POST":
        for question in questionnaire.questions:
            value = request.POST.get(question["key"], "")
            if value.isdigit():
                answers[question["key"]] = int(value)
        try:
            assessment = services.risk_assess(questionnaire=questionnaire, answers=answers)
        except LearningError as exc:
            error = exc.message
        else:
            services.risk_result_record(user=request.user, assessment=assessment, answers=answers)
            return render(
                request,
                "learning/risk_result.html",
                {"assessment": assessment, "levels": questionnaire.product_levels},
            )
    return render(
        request,
        "learning/risk.html",
        {"questionnaire": questionnaire, "answers": answers, "error": error},
        status=400 if error else 200,
    )


@require_GET
def path(request: HttpRequest) -> HttpResponse:
    segment = request.GET.get("segment", "")
    if segment:
        request.session["learning_segment"] = segment
    chosen = segment or request.session.get("learning_segment", "")
    if request.user.is_authenticated and not segment:
        items = recommend.path_for_user(request.user)
    else:
        items = recommend.path_for_segment(chosen or "other")
    catalog = recommend.catalog_get()
    return render(
        request,
        "learning/path.html",
        {"items": items, "segments": catalog.segments.items(), "segment": chosen},
    )


@require_GET
def read(request: HttpRequest, article_id: int) -> HttpResponse:
    """Open a library item from a learning page, remembering it for the path."""
    article = Article.objects.published().filter(pk=article_id).first()
    if article is None:
        raise Http404
    services.article_visit_record(user=request.user, article=article)
    return HttpResponseRedirect(article.get_absolute_url())
