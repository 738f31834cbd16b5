"""Shared fixtures: the personas every app's tests use.

``org`` is the organisation the staff personas belong to; ``other_org`` belongs to
``outsider`` (an org admin elsewhere), for isolation tests.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

from wanlixing.accounts.models import Organisation, Role, User
from wanlixing.accounts.services import membership_add
from wanlixing.accounts.tests.factories import OrganisationFactory, UserFactory

PASSWORD = "correct-horse-9"


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "reports", "notifications", "training"],
        }
    }
    # A fast hasher: tests create many users; production keeps Django's default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Segments and topics are seeded by migrations; a transactional test's flush removes
    them, so put them back before any test that touches the database."""
    if not {"db", "transactional_db", "django_db_setup"} & set(request.fixturenames) and not (
        request.node.get_closest_marker("django_db")
    ):
        return
    request.getfixturevalue("django_db_setup")
    from wanlixing.core.seeds import reference_data_ensure

    blocker = request.getfixturevalue("django_db_blocker")
    with blocker.unblock():
        reference_data_ensure()


def _clear_cache() -> None:
    """Empty this test process's cache. On Redis only its own key space: ``cache.clear()``
    would flush the whole database under a parallel worker's feet."""
    from django.conf import settings
    from django.core.cache import cache

    if not settings.REDIS_URL:
        cache.clear()
        return
    client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    keys = list(client.scan_iter(match=f"{settings.KEY_PREFIX}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _default_language():
    """A request in English leaves English active in the thread; every test starts and
    ends in the platform's language."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache():
    _clear_cache()
    yield
    _clear_cache()


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def org(db) -> Organisation:
    return OrganisationFactory(name="万里行测试银行", kind="bank", region_code="440305")


@pytest.fixture
def other_org(db) -> Organisation:
    return OrganisationFactory(name="另一家保险公司", kind="insurer", region_code="110101")


def _member(org: Organisation, role: str, username: str, **extra) -> User:
    user = UserFactory(username=username, **extra)
    membership_add(user=user, organisation=org, role=role)
    user.refresh_from_db()
    return user


@pytest.fixture
def learner(db) -> User:
    return UserFactory(
        username="learner",
        display_name="学习者小王",
        phone="13812341234",
        age_band="60-69",
        region_code="440305",
        area_type="urban",
    )


@pytest.fixture
def volunteer(org) -> User:
    return _member(org, Role.VOLUNTEER, "volunteer")


@pytest.fixture
def editor(org) -> User:
    return _member(org, Role.EDITOR, "editor")


@pytest.fixture
def reviewer(org) -> User:
    return _member(org, Role.REVIEWER, "reviewer")


@pytest.fixture
def org_admin(org) -> User:
    return _member(org, Role.ORG_ADMIN, "orgadmin")


@pytest.fixture
def analyst(org) -> User:
    return _member(org, Role.ANALYST, "analyst")


@pytest.fixture
def organiser(org) -> User:
    return _member(org, Role.ORGANISER, "organiser")


@pytest.fixture
def handler(org) -> User:
    return _member(org, Role.COMPLAINT_HANDLER, "handler")


@pytest.fixture
def outsider(other_org) -> User:
    """An org admin of a different organisation: must never see ``org``'s data."""
    return _member(other_org, Role.ORG_ADMIN, "outsider")


@pytest.fixture
def platform_admin(db) -> User:
    return User.objects.create_superuser(username="root", password=PASSWORD, email="")


@pytest.fixture
def api_client(client):
    """The Django test client with JSON helpers for /api/v1."""

    class Api:
        def __init__(self, c):
            self.c = c

        def get(self, path, **kw):
            return self.c.get("/api/v1" + path, **kw)

        def post(self, path, data=None, **kw):
            return self.c.post("/api/v1" + path, data=data, content_type="application/json", **kw)

        def patch(self, path, data=None, **kw):
            return self.c.patch("/api/v1" + path, data=data, content_type="application/json", **kw)

        def delete(self, path, **kw):
            return self.c.delete("/api/v1" + path, **kw)

    return Api(client)


# --- Real-browser tests -----------------------------------------------------------------
# Playwright drives Debian's chromium (headless) against the platform's ASGI app,
# served by uvicorn in a thread: the same stack as production, WebSocket included.

CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
ARTIFACTS = Path(__file__).parent / "test-artifacts"


def chromium_path() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    for candidate in [configured, *CHROMIUM_CANDIDATES]:
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture
def asgi_server(transactional_db):
    """Serve wanlixing.asgi on a free local port for the duration of a test; yields its URL."""
    import socket
    import threading
    import time

    import uvicorn
    from django.db.backends.signals import connection_created

    from wanlixing.asgi import application

    server_connections: list = []

    def remember(sender, connection, **kwargs):
        server_connections.append(connection)

    connection_created.connect(remember)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(
        application, host="127.0.0.1", port=port, lifespan="off", log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 15
    while not server.started:
        if time.time() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    connection_created.disconnect(remember)
    # Views ran in the server's worker threads (and Playwright's greenlets get their own
    # context-local connections); left open, they keep PostgreSQL from dropping the test
    # database. Close every connection opened while the server ran; a wrapper that is
    # used again simply reconnects.
    for wrapper in server_connections:
        raw = wrapper.connection
        if raw is not None:
            with contextlib.suppress(Exception):
                raw.close()
            wrapper.connection = None


@pytest.fixture
def browser(settings):
    """A headless Debian chromium through Playwright; skips when chromium is absent."""
    path = chromium_path()
    if path is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    settings.ALLOWED_HOSTS = ["*"]
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


def phone_context(browser):
    """A phone-sized browser context (390×844) that aborts any request leaving the machine.

    Returns the context and the list of external addresses it refused.
    """
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    external: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            external.append(url)
            route.abort()

    context.route("**/*", guard)
    return context, external


@pytest.fixture
def page(browser):
    """A phone-sized page (390×844) that fails the test on any request leaving the machine."""
    context, external = phone_context(browser)
    page = context.new_page()
    yield page
    context.close()
    assert external == [], f"pages requested external resources: {external}"


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_serious_violations(page) -> list[dict]:
    """Run axe-core (bundled in the axe-playwright-python wheel, served from disk)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
