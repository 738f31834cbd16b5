from __future__ import annotations

import csv
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from wanlixing.learning.models import Topic
from wanlixing.livequiz import store
from wanlixing.livequiz.forms import GameForm
from wanlixing.livequiz.models import Game
from wanlixing.livequiz.selectors import RESULT_HEADER, game_result_rows, games_for_host
from wanlixing.livequiz.services import game_create, game_flush, game_get_for_host, user_can_host


def _join_url(pin: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("livequiz:play", args=[pin])


def _pin_is_live(pin: str) -> bool:
    return len(pin) == 6 and pin.isdigit() and store.client().exists(store.pin_key(pin)) == 1


@require_GET
def join(request: HttpRequest) -> HttpResponse:
    """Enter a game's PIN (or arrive from its QR code)."""
    pin = (request.GET.get("pin") or "").strip().replace(" ", "")
    error = ""
    if pin:
        if _pin_is_live(pin):
            return redirect("livequiz:play", pin=pin)
        error = _("没有找到这个游戏码，请核对后再输入。")
    return render(request, "livequiz/join.html", {"pin": pin, "error": error})


@require_GET
def play(request: HttpRequest, pin: str) -> HttpResponse:
    if not _pin_is_live(pin):
        raise Http404
    return render(request, "livequiz/play.html", {"pin": pin})


def _host_only(request: HttpRequest) -> None:
    if not user_can_host(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def host_home(request: HttpRequest) -> HttpResponse:
    """The host's games and the form to create one."""
    _host_only(request)
    topic = request.GET.get("topic", "")
    form = GameForm(request.POST or None, user=request.user, topic=topic)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            game = game_create(
                by=request.user,  # type: ignore[arg-type]  # login_required
                organisation=data["organisation"],
                title=data["title"],
                questions=data["picked"],
                seconds_per_question=data["seconds_per_question"],
                scoring=data["scoring"],
                team_names=data["teams"],
                require_approval=data["require_approval"],
                quiz=data["quiz"] if data["source"] == "quiz" else None,
                event=data["event"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied:
            form.add_error("organisation", _("你不能为这个机构主持答题。"))
        else:
            messages.success(request, _("已创建，游戏码 %(pin)s。") % {"pin": game.pin})
            return redirect("livequiz:host_console", pk=game.pk)
    games = games_for_host(user=request.user)[:30]
    topics = Topic.objects.order_by("slug")
    return render(
        request,
        "livequiz/host_home.html",
        {"form": form, "games": games, "topics": topics, "topic": topic},
    )


@login_required
@require_GET
def host_console(request: HttpRequest, pk: int) -> HttpResponse:
    game = game_get_for_host(user=request.user, game_id=pk)
    return render(
        request,
        "livequiz/host.html",
        {"game": game, "join_url": _join_url(game.pin), "teams": game.teams.all()},
    )


@login_required
@require_GET
def host_screen(request: HttpRequest, pk: int) -> HttpResponse:
    game = game_get_for_host(user=request.user, game_id=pk)
    return render(request, "livequiz/screen.html", {"game": game, "join_url": _join_url(game.pin)})


@login_required
@require_GET
def host_qr(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    from wanlixing.outreach.qr import qr_response

    game = game_get_for_host(user=request.user, game_id=pk)
    return qr_response(_join_url(game.pin), fmt)


@login_required
@require_GET
def host_results(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Per-player, per-question results (CSV or XLSX)."""
    game: Game = game_get_for_host(user=request.user, game_id=pk)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    game_flush(game_key=game.key, wait_seconds=10)
    filename = f"livequiz-{game.pin}-{game.created_at:%Y%m%d}.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # Excel opens UTF-8 CSV with a BOM correctly
        writer = csv.writer(buffer)
        writer.writerow(RESULT_HEADER)
        writer.writerows(game_result_rows(game))
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(title="答题明细")
        sheet.append(RESULT_HEADER)
        for row in game_result_rows(game):
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
