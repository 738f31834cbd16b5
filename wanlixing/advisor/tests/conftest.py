from __future__ import annotations

import pytest

from wanlixing.advisor.index import indexes_clear
from wanlixing.advisor.library import library_clear


@pytest.fixture(autouse=True)
def _fresh_indexes():
    """Each test has its own database: in-memory indexes must not leak between tests."""
    indexes_clear()
    library_clear()
    yield
    indexes_clear()
    library_clear()


@pytest.fixture
def starter(db):
    """The default collection with the 177 starter entries (shipped vectors, no model run)."""
    from wanlixing.advisor.services import collection_default
    from wanlixing.advisor.starter import starter_load

    starter_load()
    return collection_default()
