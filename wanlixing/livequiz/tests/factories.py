from __future__ import annotations

from wanlixing.learning.tests.factories import QuestionFactory
from wanlixing.livequiz.services import game_create


def game_make(*, by, organisation, count=3, **options):
    """A game over ``count`` fresh single-choice questions (option 1 is right)."""
    questions = [QuestionFactory() for _ in range(count)]
    options.setdefault("title", "金融知识挑战赛")
    return game_create(by=by, organisation=organisation, questions=questions, **options)
