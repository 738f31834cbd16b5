from __future__ import annotations

import pytest

from wanlixing.livequiz import hub, live, store


@pytest.fixture(autouse=True)
def _live_store(settings):
    """A clean live store and hub per test; flushing into the database only when a test
    asks for it (the tests call game_flush / game_finalise themselves)."""
    settings.LIVEQUIZ_FLUSH_SECONDS = 0
    settings.LIVEQUIZ_COUNTS_EVERY_MS = 100
    settings.LIVEQUIZ_KEY_PREFIX = "wlx-test"
    store.reset_for_tests()
    hub.reset_for_tests()
    live.reset_for_tests()
    yield
    if store.uses_redis():
        conn = store.client()
        for key in conn.scan_iter("wlx-test:lq:*", count=1000):
            conn.delete(key)
    store.reset_for_tests()
    hub.reset_for_tests()
