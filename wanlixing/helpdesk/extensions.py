"""Buttons other parts add to the staff ticket page.

    from wanlixing.helpdesk.extensions import register_ticket_action

    register_ticket_action(
        "把回复收进常见问题",
        url_for_ticket=lambda ticket: f"/advisor/staff/faq/from-ticket/{ticket.reference}/",
        applies_to=lambda ticket: ticket.source == "advisor",
    )

Call it from ``AppConfig.ready``. A failing callback is logged and its button left out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Ticket

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TicketAction:
    label: str
    url_for_ticket: Callable[[Ticket], str]
    applies_to: Callable[[Ticket], bool]


_actions: dict[str, TicketAction] = {}


def register_ticket_action(
    label: str,
    url_for_ticket: Callable[[Ticket], str],
    applies_to: Callable[[Ticket], bool] = lambda ticket: True,
) -> None:
    """Add (or replace, by label) a button on the staff ticket page."""
    _actions[label] = TicketAction(str(label), url_for_ticket, applies_to)


def unregister_ticket_action(label: str) -> None:
    _actions.pop(label, None)


def ticket_actions_for(ticket: Ticket) -> list[tuple[str, str]]:
    """(label, url) of every registered action that applies to the ticket."""
    out = []
    for action in _actions.values():
        try:
            if action.applies_to(ticket):
                out.append((action.label, action.url_for_ticket(ticket)))
        except Exception:
            log.exception("ticket action %r failed", action.label)
    return out
