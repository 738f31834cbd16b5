"""The questionnaire builder in English."""

import pytest

from wanlixing.surveys.models import Instrument

pytestmark = pytest.mark.django_db


def test_questionnaire_builder_in_english(client, organiser, org):
    client.force_login(organiser)
    listing = client.get("/surveys/builder/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Questionnaire design" in listing
    assert "Create and add questions" in listing
    assert "There are no questionnaires yet." in listing
    assert "问卷设计" not in listing
    client.post(
        "/surveys/builder/",
        {"organisation": org.pk, "kind": "custom", "title": "社区调查"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    instrument = Instrument.objects.get(title="社区调查")
    edit = client.get(f"/surveys/builder/{instrument.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    body = edit.content.decode()
    assert "Edit questionnaire" in body
    assert "Save questionnaire" in body
    assert "tick “Delete” to remove a question" in body
    assert "保存问卷" not in body


def test_builder_refusal_is_in_english(client, organiser, org):
    client.force_login(organiser)
    client.post("/surveys/builder/", {"organisation": org.pk, "kind": "custom", "title": "空问卷"})
    instrument = Instrument.objects.get(title="空问卷")
    management = {
        "items-TOTAL_FORMS": "0",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "80",
    }
    response = client.post(
        f"/surveys/builder/{instrument.pk}/", management, HTTP_ACCEPT_LANGUAGE="en"
    )
    body = response.content.decode()
    assert "The questionnaire was not saved; please correct the following:" in body
    assert "A questionnaire needs at least one question." in body
    assert instrument.items.count() == 0
