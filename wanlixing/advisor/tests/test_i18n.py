"""The advisor page and API in English."""

import pytest

pytestmark = pytest.mark.django_db


def test_api_errors_in_english(client):
    response = client.post(
        "/api/v1/advisor/ask",
        {"question": "借呗的利息怎么算", "collection": "no-such-collection"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "not_found",
        "message": "There is no such FAQ collection.",
    }
    response = client.get("/api/v1/no-such-endpoint", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "No such API endpoint; please check the address."


def test_api_errors_in_chinese_are_unchanged(client):
    response = client.post(
        "/api/v1/advisor/ask",
        {"question": "借呗的利息怎么算", "collection": "no-such-collection"},
        content_type="application/json",
    )
    assert response.json()["error"]["message"] == "没有这个问答库。"


def test_sample_questions_are_labelled_in_english_and_ask_in_chinese(client, starter):
    # The FAQ is Chinese (an English question retrieves far less), so the question sent
    # stays Chinese; the English label says what it asks and the Chinese is shown too.
    body = client.get("/advisor/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        '>How is interest on a Jiebei loan calculated?<span class="example-zh" lang="zh-Hans">'
        "借呗的利息怎么算</span></button>" in body
    )
    assert 'name="question" value="借呗的利息怎么算"' in body
    assert 'data-question="借呗的利息怎么算"' in body
    assert "these questions are asked in Chinese and the answers are in Chinese too" in body
    assert "each with its source. When I am not sure" in body


def test_sample_questions_in_chinese_are_shown_once(client, starter):
    body = client.get("/advisor/").content.decode()
    assert ">借呗的利息怎么算</button>" in body
    assert "example-zh" not in body
    assert "问答库是中文的" not in body


def test_chat_script_texts_come_translated_from_the_page(client, starter):
    body = client.get("/advisor/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-msg-network-error="The network seems to be down; please try again later."' in body
    assert 'data-msg-busy="Looking for an answer…"' in body
    chinese = client.get("/advisor/").content.decode()
    assert 'data-msg-network-error="网络好像断了，请稍后再试。"' in chinese


def test_chinese_intro_has_no_stray_space(client, starter):
    body = client.get("/advisor/").content.decode()
    assert "每条都注明出处；拿不准的时候" in body
