import pytest

from wanlixing.accounts.models import ApiToken, User

pytestmark = pytest.mark.django_db


def _assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


def test_token_login_by_phone_and_use_it(api_client, client, learner, password):
    response = api_client.post("/accounts/token", {"login": "13812341234", "password": password})
    assert response.status_code == 201
    key = response.json()["token"]
    assert ApiToken.objects.filter(user=learner).count() == 1
    assert not ApiToken.objects.filter(key_hash=key).exists()  # only the hash is stored
    client.logout()
    me = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert me.status_code == 200
    assert me.json()["phone_masked"] == "138****1234"
    assert "phone" not in me.json()


def test_wrong_password_gives_error_shape(api_client, learner):
    error = _assert_error(
        api_client.post("/accounts/token", {"login": "learner", "password": "x"}),
        401,
        "invalid_credentials",
    )
    assert "密码不正确" in error["message"]


def test_me_without_auth_is_401_in_error_shape(api_client):
    _assert_error(api_client.get("/accounts/me"), 401, "not_authenticated")


def test_bad_token_is_401(client, learner):
    response = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION="Bearer wlx_nope")
    _assert_error(response, 401, "not_authenticated")


def test_validation_error_shape_names_fields(api_client):
    error = _assert_error(
        api_client.post("/accounts/token", {"login": "x"}), 422, "validation_error"
    )
    assert "password" in error["message"]
    assert any(d["field"] == "password" for d in error["details"])


def test_malformed_json_is_400(client):
    response = client.post(
        "/api/v1/accounts/token", data="{not json", content_type="application/json"
    )
    _assert_error(response, 400, "bad_request")


def test_oversize_payload_is_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    body = '{"login": "' + "x" * 5000 + '", "password": "y"}'
    response = client.post("/api/v1/accounts/token", data=body, content_type="application/json")
    _assert_error(response, 413, "payload_too_large")


def test_unknown_api_route_is_404_json(api_client):
    _assert_error(api_client.get("/no/such/route"), 404, "not_found")


def test_signup_via_api_and_duplicate_is_400(api_client):
    payload = {"phone": "13700001111", "password": "Str0ng-pass!", "accept_privacy": True}
    assert api_client.post("/accounts/signup", payload).status_code == 201
    error = _assert_error(api_client.post("/accounts/signup", payload), 400, "invalid")
    assert "已注册" in error["message"]
    assert User.objects.filter(phone="13700001111").count() == 1


def test_signup_via_api_rejects_bad_phone(api_client):
    payload = {"phone": "1234", "password": "Str0ng-pass!", "accept_privacy": True}
    error = _assert_error(api_client.post("/accounts/signup", payload), 400, "invalid")
    assert "手机号格式不正确" in error["message"]
    assert User.objects.count() == 0


def test_profile_patch_validates_region(client, learner):
    client.force_login(learner)
    response = client.patch(
        "/api/v1/accounts/me", data={"region_code": "000000"}, content_type="application/json"
    )
    _assert_error(response, 400, "invalid")
    response = client.patch(
        "/api/v1/accounts/me", data={"region_code": "310115"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["region_name"] == "上海市 浦东新区"


def test_session_api_write_requires_csrf(learner):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(learner)
    response = strict.patch(
        "/api/v1/accounts/me", data={"display_name": "x"}, content_type="application/json"
    )
    assert response.status_code in (401, 403)
    assert "error" in response.json()


def test_regions_lists_children(api_client):
    provinces = api_client.get("/accounts/regions").json()
    assert len(provinces) == 34
    cities = {
        r["code"]: r["name"] for r in api_client.get("/accounts/regions?parent=440000").json()
    }
    assert cities["440300"] == "深圳市"


def test_openapi_is_served(api_client):
    schema = api_client.get("/openapi.json").json()
    assert schema["info"]["title"] == "万里行 API"
    assert "/api/v1/accounts/token" in schema["paths"]


def test_export_and_delete_via_api(client, learner, password):
    client.force_login(learner)
    data = client.get("/api/v1/accounts/me/export").json()
    assert data["account"]["username"] == "learner"
    response = client.post(
        "/api/v1/accounts/me/delete", data={"password": password}, content_type="application/json"
    )
    assert response.status_code == 204
    learner.refresh_from_db()
    assert not learner.is_active
