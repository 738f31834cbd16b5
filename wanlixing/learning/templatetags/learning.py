from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from wanlixing.learning.models import Attempt, AttemptKind

register = template.Library()


@register.simple_tag
def attempt_title(attempt: Attempt) -> str:
    """A heading for an attempt: the quiz and level, or the kind of sitting."""
    if attempt.kind == AttemptKind.LADDER and attempt.quiz is not None:
        return _("%(t)s · 第%(n)d关") % {"t": attempt.quiz.title, "n": attempt.level}
    if attempt.quiz is not None:
        return attempt.quiz.title
    if attempt.kind == AttemptKind.LITERACY:
        return _("金融素养测评 · %(f)s卷") % {"f": attempt.literacy_form}
    return str(AttemptKind(attempt.kind).label)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None
