"""Every page reachable by following links answers without a server error, for every persona.

One pass loads the platform's starter data (so lists and detail pages have content), then
crawls from the home page as a visitor and as each persona (same-site links,
breadth-first, GET only), and walks the back office (every model's list, add form and
first change form) as the platform admin. Any 5xx fails the test.
"""

from __future__ import annotations

import re
from collections import deque
from io import StringIO
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.apps import apps

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

HREF = re.compile(r"""href=["']([^"'#]+)""")
SKIP = re.compile(
    r"^/(static|media)/|/logout|/delete|/export|/download|\.(csv|xlsx|pdf|png|svg|json)(\?|$)"
    r"|/i18n/|/elder-mode/|/api/v1/docs|^/admin/"
)
ADMIN_MODEL = re.compile(r"^/admin/[a-z_]+/[a-z_]+/$")
PERSONAS = ["learner", "volunteer", "editor", "reviewer", "org_admin", "analyst", "organiser"]


def _load_starter() -> None:
    configs = [c for c in apps.get_app_configs() if hasattr(c, "load_starter_data")]
    for config in sorted(configs, key=lambda c: getattr(c, "starter_order", 100)):
        config.load_starter_data(StringIO())


def _links(url: str, html: str) -> list[str]:
    out = []
    for href in HREF.findall(html):
        target = urldefrag(urljoin(url, href.replace("&amp;", "&")))[0]
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            out.append(target)
    return out


def _crawl(client, starts: list[str], *, limit: int) -> tuple[int, list[str]]:
    seen: set[str] = set()
    queue = deque(starts)
    errors: list[str] = []
    visited = 0
    while queue and visited < limit:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        visited += 1
        if response.status_code >= 500:
            errors.append(f"{response.status_code} {url}")
            continue
        if "text/html" in response.get("Content-Type", ""):
            html = response.content.decode("utf-8", "ignore")
            queue.extend(t for t in _links(url, html) if t not in seen and not SKIP.search(t))
    return visited, errors


def _walk_admin(client) -> tuple[int, list[str]]:
    index = client.get("/admin/")
    assert index.status_code == 200
    models = sorted({t for t in _links("/admin/", index.content.decode()) if ADMIN_MODEL.match(t)})
    errors: list[str] = []
    pages = 0
    for changelist in models:
        response = client.get(changelist)
        pages += 1
        if response.status_code >= 500:
            errors.append(f"{response.status_code} {changelist}")
            continue
        links = _links(changelist, response.content.decode("utf-8", "ignore"))
        first_change = next((t for t in links if re.match(rf"^{changelist}\d+/change/$", t)), None)
        for extra in [changelist + "add/", first_change]:
            if extra is None:
                continue
            response = client.get(extra)
            pages += 1
            if response.status_code >= 500:
                errors.append(f"{response.status_code} {extra}")
    return pages, errors


def test_no_page_answers_with_a_server_error(
    client, db, django_capture_on_commit_callbacks, request, platform_admin
):
    with django_capture_on_commit_callbacks(execute=True):
        _load_starter()

    visited, errors = _crawl(client, ["/"], limit=200)
    assert visited > 40
    for persona in PERSONAS:
        client.force_login(request.getfixturevalue(persona))
        count, more = _crawl(client, ["/", "/accounts/me/"], limit=60)
        assert count > 20, persona
        errors += [f"{persona}: {e}" for e in more]
        client.logout()

    client.force_login(platform_admin)
    pages, more = _walk_admin(client)
    assert pages > 60
    errors += [f"admin: {e}" for e in more]
    assert errors == []
