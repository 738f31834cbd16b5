from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: Any, key: str) -> Any:
    """``{{ answers|get:code }}``: a dict lookup by a variable key."""
    return mapping.get(key) if hasattr(mapping, "get") else None
