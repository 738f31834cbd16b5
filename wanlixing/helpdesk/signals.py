"""Signals other parts may listen to (sent after the transaction commits)."""

from django.dispatch import Signal

# sender=Ticket, ticket=Ticket, message=TicketMessage: a staff reply the citizen can see.
ticket_reply_published = Signal()
