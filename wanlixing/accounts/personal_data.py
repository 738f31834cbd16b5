"""Registry of each app's personal data, for self-service export and deletion.

Every app that stores data about a person registers one section in its
``AppConfig.ready``::

    personal_data.register("learning", export=answers_export, erase=answers_erase)

``export(user) -> JSON-serialisable`` returns what the app holds about the user;
``erase(user) -> None`` removes or anonymises it so that aggregate statistics
(counts, averages) stay correct: rows that feed statistics are kept but no
longer identify the person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .models import User

Exporter = Callable[[User], Any]
Eraser = Callable[[User], None]


@dataclass(frozen=True)
class Section:
    name: str
    export: Exporter
    erase: Eraser | None


_sections: dict[str, Section] = {}


def register(name: str, *, export: Exporter, erase: Eraser | None = None) -> None:
    _sections[name] = Section(name, export, erase)


def sections() -> list[Section]:
    return [_sections[name] for name in sorted(_sections)]
