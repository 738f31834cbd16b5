"""Anti-fraud pages in English: the live counters' texts come translated from the page."""

import pytest

pytestmark = pytest.mark.django_db


def test_checker_character_count_in_english(client, starter):
    body = client.get("/antifraud/check/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-msg-count="{n} / 5000 characters"' in body
    assert 'data-msg-over=" (over the limit; please shorten it)"' in body


def test_fundraising_count_in_english(client, starter):
    body = client.get("/antifraud/fundraising/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        'data-msg-count="{answered} of 4 questions answered; {matched} warning signs matched."'
        in body
    )
