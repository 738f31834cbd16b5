"""Learning pages and messages in English."""

import pytest
from django.utils import translation

from wanlixing.learning.models import TRUEFALSE_OPTIONS, QuestionKind
from wanlixing.learning.tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def test_missing_topic_page_says_so_in_english(client):
    response = client.get("/learn/topics/no-such-topic/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    body = response.content.decode()
    assert "There is no such topic." in body
    assert "没有这个主题" not in body


def test_login_invitation_is_one_english_sentence(client):
    body = client.get("/learn/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        'You can practise without logging in; <a href="/accounts/login/?next=/learn/">log in</a>'
        " to earn points and keep a Mistake notebook." in body
    )


def test_login_invitation_in_chinese_is_unchanged(client):
    body = client.get("/learn/").content.decode()
    assert (
        '不登录也可以练习；<a href="/accounts/login/?next=/learn/">登录后</a>'
        "答题可以获得积分、保存错题本。" in body
    )


def test_true_false_options_are_shown_in_the_active_language():
    question = QuestionFactory(kind=QuestionKind.TRUEFALSE, options=TRUEFALSE_OPTIONS, correct=[0])
    with translation.override("en"):
        assert question.options_display == ["True", "False"]
    with translation.override("zh-hans"):
        assert question.options_display == ["正确", "错误"]
    assert question.options == ["正确", "错误"]  # what is stored does not change
