from __future__ import annotations

import pytest

from wanlixing.accounts.models import Role
from wanlixing.accounts.services import membership_add
from wanlixing.accounts.tests.factories import UserFactory
from wanlixing.content import search

from .factories import ArticleFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The personas are created with passwords; the default hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def other_editor(other_org):
    """An editor of ``other_org``: must never see ``org``'s unpublished items."""
    user = UserFactory(username="other-editor")
    membership_add(user=user, organisation=other_org, role=Role.EDITOR)
    user.refresh_from_db()
    return user


@pytest.fixture
def second_reviewer(org):
    user = UserFactory(username="reviewer2")
    membership_add(user=user, organisation=org, role=Role.REVIEWER)
    user.refresh_from_db()
    return user


@pytest.fixture
def publish_indexed(db):
    """Create a published item and add it to the search index."""

    def make(factory=ArticleFactory, audiences=(), **kwargs):
        article = factory(**kwargs)
        if audiences:
            from wanlixing.accounts.models import Segment

            article.audiences.set(Segment.objects.filter(code__in=audiences))
        search.index_article(article)
        return article

    return make


@pytest.fixture
def starter_loaded(db):
    """The shipped starter items of a few topics (the whole set is loaded in
    test_loadcontent; a subset keeps these tests fast)."""
    from wanlixing.content.starter import starter_import, starter_read

    result = starter_read()
    assert result.errors == []
    topics = {"deposit-insurance", "loan-rate", "credit-report", "telecom-fraud"}
    return starter_import([item for item in result.items if item.topic.slug in topics])
