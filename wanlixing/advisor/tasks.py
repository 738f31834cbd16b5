"""Background work of the advisor."""

from __future__ import annotations

from django_tasks import task

from .models import Collection


@task(queue_name="default")
def collection_vectors_refresh(collection_id: int) -> int:
    """Compute the e5 vectors of new or edited entries, then let indexes rebuild."""
    from .services import collection_vectors_update

    collection = Collection.objects.filter(pk=collection_id).first()
    if collection is None:
        return 0
    return collection_vectors_update(collection=collection)


@task(queue_name="default")
def content_gaps_refresh(collection_id: int | None = None) -> int:
    """Cluster unanswered questions into the content-gap report (one or all collections)."""
    from .gaps import gaps_refresh

    collections = Collection.objects.all()
    if collection_id is not None:
        collections = collections.filter(pk=collection_id)
    return sum(gaps_refresh(collection=c) for c in collections)
