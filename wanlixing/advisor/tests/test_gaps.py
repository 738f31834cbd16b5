from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from wanlixing.advisor.gaps import cluster_texts, gaps_refresh
from wanlixing.advisor.models import AskedQuestion, ContentGap, GapStatus
from wanlixing.advisor.tests.factories import CollectionFactory


def test_similar_questions_share_a_cluster_and_others_do_not():
    texts = ["红烧肉怎么做", "征信怎么查", "红烧肉的做法", "红烧肉怎么做", "养老金被骗了怎么报警"]
    groups = sorted(sorted(g) for g in cluster_texts(texts))
    assert groups == [[0, 2, 3], [1], [4]]


def test_gap_report_counts_and_keeps_editor_decisions(db):
    collection = CollectionFactory()

    def ask(text, outcome="declined"):
        return AskedQuestion.objects.create(
            collection=collection, text=text, normalised=text, confidence=0.2, outcome=outcome
        )

    for text in ["养老金被骗了怎么报警", "养老金被骗了怎么报警", "老人养老钱被骗咋报警"]:
        ask(text)
    ask("征信怎么查", outcome="low")
    assert gaps_refresh(collection=collection) == 2
    top = ContentGap.objects.filter(collection=collection).first()
    assert (top.label, top.count, top.declined) == ("养老金被骗了怎么报警", 3, 3)
    assert set(top.samples) == {"养老金被骗了怎么报警", "老人养老钱被骗咋报警"}
    low = ContentGap.objects.get(label="征信怎么查")
    assert low.declined == 0

    # A gap marked done stays done; its questions are not counted again.
    top.status = GapStatus.DONE
    top.save()
    ask("征信怎么查", outcome="low")
    gaps_refresh(collection=collection)
    assert ContentGap.objects.get(pk=top.pk).status == GapStatus.DONE
    assert ContentGap.objects.get(label="征信怎么查", status=GapStatus.OPEN).count == 2


def test_old_questions_are_purged(db, settings):
    collection = CollectionFactory()
    old = AskedQuestion.objects.create(
        collection=collection,
        text="旧问题",
        normalised="旧问题",
        confidence=0.1,
        outcome="declined",
    )
    AskedQuestion.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=settings.ADVISOR_GAP_RETENTION_DAYS + 1)
    )
    assert gaps_refresh(collection=collection) == 0
    assert not AskedQuestion.objects.exists()
