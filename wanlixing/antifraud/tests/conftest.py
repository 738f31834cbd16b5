from __future__ import annotations

import pytest

from wanlixing.antifraud.scam.model import model_get
from wanlixing.antifraud.scam.training import ruleset_from_yaml


@pytest.fixture(scope="session")
def rules():
    return ruleset_from_yaml()


@pytest.fixture(scope="session")
def model():
    loaded = model_get()
    assert loaded is not None, "the shipped model file is missing: run `wanlixing scam train`"
    return loaded


@pytest.fixture
def starter(db):
    from wanlixing.antifraud.selectors import redflag_ruleset
    from wanlixing.antifraud.services import (
        starter_drills_load,
        starter_lpr_load,
        starter_redflags_load,
    )

    starter_redflags_load()
    starter_drills_load()
    starter_lpr_load()
    redflag_ruleset(fresh=True)
