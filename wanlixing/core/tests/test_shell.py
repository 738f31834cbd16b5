import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_database_and_migrations(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "migrations": "ok"}


def test_readyz_is_503_when_migrations_are_pending(client, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("x", False)])
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "1 pending"


def test_home_page_has_navigation_for_every_area(client):
    body = client.get("/").content.decode()
    for label in ["知识库", "闯关答题", "反诈工具", "智能顾问", "活动", "我的"]:
        assert label in body
    assert 'lang="zh-CN"' in body


def test_home_page_in_english(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert 'lang="en"' in body
    assert "Library" in body


def test_elder_mode_toggle_for_visitor_uses_cookie(client):
    response = client.post("/elder-mode/", {"enabled": "1", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["wlx_elder"].value == "1"
    assert 'class="elder"' in client.get("/").content.decode()
    client.post("/elder-mode/", {"enabled": "0"})
    assert 'class="elder"' not in client.get("/").content.decode()


def test_elder_mode_is_saved_on_the_account(client, learner):
    client.force_login(learner)
    client.post("/elder-mode/", {"enabled": "1"})
    learner.refresh_from_db()
    assert learner.elder_mode
    client.cookies.clear()
    client.force_login(learner)
    assert 'class="elder"' in client.get("/").content.decode()


def test_elder_mode_refuses_offsite_redirect(client):
    response = client.post("/elder-mode/", {"enabled": "1", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_pages_send_a_self_only_content_security_policy(client):
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "http" not in csp.replace("'self'", "")


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404


def test_no_template_or_static_file_loads_anything_from_the_internet():
    """Every asset is served by the platform: no CDN, web font or tracker."""
    pattern = re.compile(r"""(src|href)\s*=\s*["']?(https?:)?//""", re.IGNORECASE)
    css_pattern = re.compile(r"url\(\s*['\"]?(https?:)?//|@import\s+url\(\s*['\"]?https?:", re.I)
    offenders = []
    roots = [
        settings.BASE_DIR / "templates",
        settings.BASE_DIR / "static",
        settings.BASE_DIR / "wanlixing",
    ]
    for root in roots:
        for path in Path(root).rglob("*"):
            if path.suffix not in {".html", ".css", ".js"} or "node_modules" in path.parts:
                continue
            text = path.read_text(encoding="utf-8", errors="ignore")
            if path.suffix == ".html" and pattern.search(text):
                offenders.append(str(path))
            if path.suffix == ".css" and css_pattern.search(text):
                offenders.append(str(path))
    assert offenders == []


def test_locked_database_gives_503_not_500(client, monkeypatch):
    from django.db import OperationalError

    from wanlixing.core import views

    def locked(*args):
        raise OperationalError("database is locked")

    monkeypatch.setattr(views, "panels", type("P", (), {"render_slot": staticmethod(locked)}))
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert "请稍等" in response.content.decode()


def test_locked_database_in_api_gives_503_error_shape(client, monkeypatch):
    from django.db import OperationalError

    from wanlixing.accounts import api as accounts_api

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(accounts_api, "region_children", locked)
    response = client.get("/api/v1/accounts/regions")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"
