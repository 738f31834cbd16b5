"""QR codes served by the platform (segno): SVG for screens and print, PNG for chat apps."""

from __future__ import annotations

import io

import segno
from django.http import Http404, HttpResponse


def qr_response(data: str, fmt: str) -> HttpResponse:
    if fmt not in ("svg", "png"):
        raise Http404
    code = segno.make(data, error="m")
    buffer = io.BytesIO()
    if fmt == "png":
        code.save(buffer, kind="png", scale=8, border=2)
        content_type = "image/png"
    else:
        code.save(buffer, kind="svg", scale=6, border=2, xmldecl=False, title="二维码")
        content_type = "image/svg+xml"
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
