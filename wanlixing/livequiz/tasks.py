from __future__ import annotations

from django_tasks import task


@task(queue_name="default")
def live_games_flush_task() -> int:
    """Flush unfinished games into the database; finish games that ended."""
    from wanlixing.livequiz.services import games_flush_open

    return games_flush_open()
