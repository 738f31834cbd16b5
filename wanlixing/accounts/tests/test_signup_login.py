import pytest

from wanlixing.accounts.models import Consent, User

pytestmark = pytest.mark.django_db


def _signup(client, **data):
    form = {"password": "Str0ng-pass!", "password2": "Str0ng-pass!", "accept_privacy": "on"}
    form.update(data)
    return client.post("/accounts/signup/", form)


def test_sign_up_with_username_logs_in_and_records_consent(client, settings):
    response = _signup(client, username="zhang_san", segments=["elderly", "rural"])
    assert response.status_code == 302
    user = User.objects.get(username="zhang_san")
    assert user.phone is None
    assert set(user.segments.values_list("code", flat=True)) == {"elderly", "rural"}
    assert Consent.objects.get(user=user).notice_version == settings.PRIVACY_NOTICE_VERSION
    assert client.get("/accounts/me/").status_code == 200


def test_sign_up_with_phone_stores_normalised_number(client):
    response = _signup(client, phone="+86 138-0013-8000")
    assert response.status_code == 302
    user = User.objects.get(phone="13800138000")
    assert user.username.startswith("u_")
    assert user.phone_masked == "138****8000"


@pytest.mark.parametrize(
    "phone", ["12345678901", "1380013800", "138001380001", "abc", "23800138000"]
)
def test_sign_up_rejects_malformed_phone_with_chinese_message(client, phone):
    response = _signup(client, phone=phone)
    assert response.status_code == 400
    assert "手机号格式不正确" in response.content.decode()
    assert User.objects.count() == 0


def test_duplicate_phone_and_username_are_refused(client, learner):
    response = _signup(client, phone="138 1234 1234")
    assert response.status_code == 400
    assert "该手机号已注册" in response.content.decode()
    response = _signup(client, username="LEARNER")
    assert "该用户名已被注册" in response.content.decode()
    assert User.objects.count() == 1


def test_sign_up_requires_privacy_consent_and_matching_passwords(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "lisi", "password": "Str0ng-pass!", "password2": "other-pass-1"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "两次输入的密码不一致" in body
    assert User.objects.count() == 0


def test_username_that_is_a_phone_number_is_refused(client):
    response = _signup(client, username="13800138000")
    assert "用户名不能是手机号" in response.content.decode()
    assert User.objects.count() == 0


def test_weak_password_is_refused_in_chinese(client):
    response = _signup(client, username="wangwu", password="12345678", password2="12345678")
    assert response.status_code == 400
    assert User.objects.count() == 0


@pytest.mark.parametrize("login", ["learner", "13812341234", "+8613812341234", "138 1234 1234"])
def test_login_by_username_or_phone(client, learner, password, login):
    response = client.post("/accounts/login/", {"username": login, "password": password})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(learner.pk)


def test_login_with_wrong_password_shows_chinese_error(client, learner):
    response = client.post("/accounts/login/", {"username": "learner", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名/手机号或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_is_throttled_after_many_attempts(client, learner, monkeypatch):
    monkeypatch.setattr("wanlixing.lib.throttle.time.time", lambda: 1_000_000.0)
    for _ in range(20):
        client.post("/accounts/login/", {"username": "learner", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "learner", "password": "wrong"})
    assert response.status_code == 429
    assert "尝试次数过多" in response.content.decode()


def test_profile_update_rejects_unknown_region(client, learner):
    client.force_login(learner)
    response = client.post("/accounts/me/", {"region_code": "999999"})
    assert response.status_code == 400
    learner.refresh_from_db()
    assert learner.region_code == "440305"


def test_profile_update_saves_segments_and_region(client, learner):
    client.force_login(learner)
    response = client.post(
        "/accounts/me/",
        {
            "region_code": "110105",
            "segments": ["student"],
            "age_band": "18-29",
            "area_type": "urban",
        },
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.region_code == "110105"
    assert list(learner.segments.values_list("code", flat=True)) == ["student"]


def test_profile_affiliation_for_leaderboards(client, learner, org):
    client.force_login(learner)
    response = client.post("/accounts/me/", {"affiliation": org.pk})
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.affiliation == org
    response = client.patch(
        "/api/v1/accounts/me", data={"affiliation_id": 999999}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "不存在" in response.json()["error"]["message"]
    learner.refresh_from_db()
    assert learner.affiliation == org
