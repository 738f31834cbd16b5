"""Questionnaire pages: the participant's hub, answering on a phone, paper data entry."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from wanlixing.accounts.models import Role
from wanlixing.accounts.selectors import organisations_for_user, user_has_role
from wanlixing.lib.throttle import client_address, throttle_hit
from wanlixing.outreach.models import Registration
from wanlixing.outreach.services import participant_code_normalize

from . import builder, services
from .models import KNOWLEDGE_KINDS, Instrument, ItemKind, Response, ResponseSource
from .services import SurveyError, response_submit


def _questions(instrument: Instrument) -> list[dict[str, Any]]:
    """What the form shows: items, or the literacy form's questions for knowledge tests."""
    if instrument.is_knowledge_test:
        from .knowledge import literacy_form_questions

        return [
            {
                "key": q.key,
                "kind": ItemKind.MULTIPLE if q.kind == "multiple" else ItemKind.SINGLE,
                "text": q.stem,
                "help": "",
                "options": list(enumerate(q.options)),
                "required": True,
                "position": n,
            }
            for n, q in enumerate(literacy_form_questions(instrument.literacy_form), start=1)
        ]
    return [
        {
            "key": item.key,
            "kind": item.kind,
            "text": item.text,
            "help": item.help,
            "options": list(enumerate(item.options)),
            "required": item.required,
            "position": item.position,
            "show_if_key": item.show_if_key,
            "show_if_operator": item.show_if_operator,
            "show_if_value": item.show_if_value,
        }
        for item in instrument.items.all()
    ]


def answers_from_post(questions: list[dict[str, Any]], data: QueryDict) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for q in questions:
        name = f"q_{q['key']}"
        if q["kind"] == ItemKind.MULTIPLE:
            values = data.getlist(name)
            if values:
                answers[q["key"]] = values
        else:
            value = data.get(name, "")
            if value.strip():
                answers[q["key"]] = value
    return answers


def _active_instrument(pk: int) -> Instrument:
    instrument = Instrument.objects.filter(pk=pk, is_active=True, is_template=False).first()
    if instrument is None:
        raise Http404
    return instrument


@require_GET
def hub(request: HttpRequest, code: str) -> HttpResponse:
    """A participant's questionnaires, reached from the QR on their registration."""
    normalized = participant_code_normalize(code)
    registration = (
        Registration.objects.select_related("event__campaign").filter(code=normalized).first()
    )
    if registration is None:
        raise Http404
    done = set(
        Response.objects.filter(registration=registration).values_list("instrument_id", flat=True)
    )
    instruments = Instrument.objects.filter(
        campaign_id=registration.event.campaign_id, is_active=True, is_template=False
    ).order_by("kind", "pk")
    return render(
        request,
        "surveys/hub.html",
        {"registration": registration, "instruments": instruments, "done": done},
    )


def _answer_page(request: HttpRequest, instrument: Instrument, *, paper: bool) -> HttpResponse:
    try:
        questions = _questions(instrument)
    except SurveyError as exc:
        return render(
            request, "surveys/unavailable.html", {"message": exc.message}, status=exc.status
        )
    code = request.POST.get("code") or request.GET.get("code", "")
    errors: list[str] = []
    answers: dict[str, Any] = {}
    if request.method == "POST":
        answers = answers_from_post(questions, request.POST)
        limited = not paper and throttle_hit(
            "survey", client_address(request), limit=30, window_seconds=600
        )
        if limited:
            errors = [_("提交过于频繁，请稍后再试。")]
        else:
            try:
                result = response_submit(
                    instrument=instrument,
                    answers=answers,
                    code=code,
                    source=ResponseSource.PAPER if paper else ResponseSource.ONLINE,
                    entered_by=request.user if paper else None,  # type: ignore[arg-type]
                )
            except SurveyError as exc:
                errors = exc.messages
            else:
                for message in result.messages:
                    messages.info(request, message)
                if paper:
                    messages.success(request, _("已录入一份纸质问卷。"))
                    return redirect("surveys:entry", pk=instrument.pk)
                return render(
                    request, "surveys/thanks.html", {"instrument": instrument, "result": result}
                )
    return render(
        request,
        "surveys/answer.html",
        {
            "instrument": instrument,
            "questions": questions,
            "code": code,
            "errors": errors,
            "answers": answers,
            "paper": paper,
        },
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer_page(request, _active_instrument(pk), paper=False)


@login_required
@require_http_methods(["GET", "POST"])
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff type in paper questionnaires; responses are marked as paper."""
    instrument = _active_instrument(pk)
    if not user_has_role(
        request.user, instrument.organisation_id, Role.ORGANISER, Role.ORG_ADMIN, Role.VOLUNTEER
    ):
        raise PermissionDenied
    return _answer_page(request, instrument, paper=True)


# --- Questionnaire builder (staff) -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def builder_list(request: HttpRequest) -> HttpResponse:
    organisations = organisations_for_user(request.user, *builder.BUILDER_ROLES)
    if not organisations.exists():
        raise PermissionDenied
    form = builder.InstrumentCreateForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        instrument = Instrument.objects.create(
            organisation_id=form.cleaned_data["organisation"],
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
        )
        return redirect("surveys:builder", pk=instrument.pk)
    return render(
        request,
        "surveys/builder_list.html",
        {"form": form, "instruments": builder.instruments_for_builder(request.user)[:100]},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def builder_edit(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = builder.instrument_get_for_builder(user=request.user, instrument_id=pk)
    errors: list[str] = []
    if request.method == "POST":
        formset = builder.ItemFormSet(request.POST, prefix="items")
        if formset.is_valid():
            try:
                count = services.instrument_items_replace(
                    instrument=instrument, rows=builder.ordered_rows(formset)
                )
            except services.SurveyError as exc:
                errors = list(exc.messages)
            else:
                messages.success(request, _("已保存 %(n)s 道题。") % {"n": count})
                return redirect("surveys:builder", pk=instrument.pk)
    else:
        formset = builder.ItemFormSet(initial=builder.item_initial(instrument), prefix="items")
    return render(
        request,
        "surveys/builder_edit.html",
        {
            "instrument": instrument,
            "formset": formset,
            "errors": errors,
            "knowledge": instrument.kind in KNOWLEDGE_KINDS,
        },
        status=400 if errors or (request.method == "POST" and not formset.is_valid()) else 200,
    )
