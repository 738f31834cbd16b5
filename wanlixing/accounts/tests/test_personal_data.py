import json

import pytest

from wanlixing.accounts import personal_data
from wanlixing.accounts.models import Consent, User

pytestmark = pytest.mark.django_db


def test_export_downloads_all_account_data_as_json(client, learner):
    client.force_login(learner)
    response = client.get("/accounts/me/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["username"] == "learner"
    assert data["account"]["phone"] == "13812341234"
    assert data["account"]["region_code"] == "440305"


def test_export_includes_sections_registered_by_apps(client, learner):
    personal_data.register("test_section", export=lambda user: {"answers": 3, "user": user.pk})
    try:
        client.force_login(learner)
        data = json.loads(client.get("/accounts/me/export/").content)
        assert data["test_section"] == {"answers": 3, "user": learner.pk}
    finally:
        personal_data._sections.pop("test_section")


def test_delete_account_anonymises_user_but_keeps_row_for_statistics(client, learner, password):
    erased = []
    personal_data.register(
        "test_section", export=lambda u: None, erase=lambda u: erased.append(u.pk)
    )
    try:
        Consent.objects.create(user=learner, notice_version="x")
        client.force_login(learner)
        response = client.post("/accounts/me/delete/", {"password": password, "confirm": "on"})
        assert response.status_code == 302
        user = User.objects.get(pk=learner.pk)
        assert user.username.startswith("deleted_")
        assert user.phone is None
        assert user.display_name == ""
        assert not user.is_active
        assert not user.has_usable_password()
        assert user.anonymised_at is not None
        assert user.age_band == "60-69"  # coarse attribute kept for aggregates
        assert user.region_code == "440300"  # county coarsened to city
        assert not Consent.objects.filter(user=user).exists()
        assert erased == [learner.pk]
        assert "_auth_user_id" not in client.session
    finally:
        personal_data._sections.pop("test_section")


def test_delete_account_needs_the_right_password(client, learner):
    client.force_login(learner)
    response = client.post("/accounts/me/delete/", {"password": "nope", "confirm": "on"})
    assert response.status_code == 400
    assert "密码不正确" in response.content.decode()
    learner.refresh_from_db()
    assert learner.is_active


def test_deleted_user_can_no_longer_log_in(client, learner, password):
    client.force_login(learner)
    client.post("/accounts/me/delete/", {"password": password, "confirm": "on"})
    response = client.post("/accounts/login/", {"username": "13812341234", "password": password})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
