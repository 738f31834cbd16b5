"""The one-pass column aggregates against plain ORM counts on a seeded demo campaign.

The figures come from numpy masks over columns read once; here every selection (single
filters, combinations, an organisation scope) is recounted row by row through the ORM.
"""

import json

import pytest
from django.db.models import Avg, F, Q

from wanlixing.insights.aggregates import Filters
from wanlixing.insights.columns import Columns, aggregates_from_columns, columns_load
from wanlixing.insights.figures import figures_compute
from wanlixing.insights.models import FactRefresh, FactSlice
from wanlixing.insights.services import dashboard_figures, facts_refresh, snapshot_path
from wanlixing.insights.statistics import suppress
from wanlixing.outreach.demo import demo_campaign_build
from wanlixing.outreach.models import Event, Registration
from wanlixing.surveys.models import KnowledgeGain, Measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    campaign = demo_campaign_build(participants=400, progress=False, seed=7)
    first = campaign.events.order_by("pk").first()
    Event.objects.filter(pk=first.pk).update(is_cancelled=True)  # its people still count
    return campaign


def event_q(filters: Filters, prefix: str) -> Q:
    q = Q()
    if filters.scope is not None:
        q &= Q(**{f"{prefix}organisation_id__in": sorted(filters.scope)})
    if filters.organisation_id:
        q &= Q(**{f"{prefix}organisation_id": filters.organisation_id})
    if filters.region:
        q &= Q(**{f"{prefix}city_code__startswith": filters.region})
    if filters.kind:
        q &= Q(**{f"{prefix}kind": filters.kind})
    if filters.month_from:
        q &= Q(**{f"{prefix}month__gte": filters.month_from})
    if filters.month_to:
        q &= Q(**{f"{prefix}month__lte": filters.month_to})
    return q


def selections(campaign) -> list[Filters]:
    event = campaign.events.order_by("-pk").first()
    month = event.month
    org = event.organisation_id
    pk = campaign.pk
    return [
        Filters(campaign_id=pk),
        Filters(campaign_id=pk, audience="elderly"),
        Filters(campaign_id=pk, region=event.city_code[:2]),
        Filters(campaign_id=pk, region=event.city_code[:4]),
        Filters(campaign_id=pk, kind=event.kind),
        Filters(campaign_id=pk, organisation_id=org),
        Filters(campaign_id=pk, month_from=month, month_to=month),
        Filters(campaign_id=pk, audience="student", region=event.city_code[:2]),
        Filters(campaign_id=pk, scope=frozenset({org}), kind=event.kind, month_from=month),
        Filters(campaign_id=pk, region="99"),  # nothing there
    ]


def test_column_figures_equal_orm_counts(demo):
    cols = columns_load(demo.pk)
    for filters in selections(demo):
        figures = figures_compute(aggregates_from_columns(cols, filters), filters)
        regs = Registration.objects.filter(event__campaign=demo).filter(event_q(filters, "event__"))
        gains = KnowledgeGain.objects.filter(campaign=demo).filter(event_q(filters, "event__"))
        measures = Measure.objects.filter(campaign=demo).filter(event_q(filters, "event__"))
        if filters.audience:
            regs = regs.filter(audience=filters.audience)
            gains = gains.filter(audience=filters.audience)
            measures = measures.filter(audience=filters.audience)
        came = regs.filter(attended_at__isnull=False)
        reach = figures["reach"]
        assert reach["registered"] == regs.count(), filters
        assert reach["onsite_person_times"] == came.filter(channel="onsite").count(), filters
        assert reach["online_person_times"] == came.filter(channel="online").count(), filters
        assert reach["walk_ins"] == regs.filter(source="walk-in").count(), filters
        people = came.values("participant_id").distinct().count()
        assert reach["unique_people"] == suppress(people), filters
        paired = gains.filter(pre_score__isnull=False, post_score__isnull=False)
        gain = figures["knowledge_gain"]
        assert gain["n_paired"] == suppress(paired.count()), filters
        assert gain["n_pre"] == suppress(gains.filter(pre_score__isnull=False).count())
        if paired.count() >= 5:
            diff = paired.aggregate(d=Avg(F("post_score") - F("pre_score")))["d"]
            assert gain["mean_diff"] == pytest.approx(diff, abs=0.006), filters
        satisfaction = measures.filter(metric="satisfaction").count()
        assert figures["satisfaction"]["n"] == suppress(satisfaction), filters
        if not filters.audience:
            events = Event.objects.filter(campaign=demo, is_cancelled=False)
            assert figures["events"]["total"] == events.filter(event_q(filters, "")).count()


def test_refresh_reads_once_and_combined_filters_read_the_snapshot(
    demo, django_assert_max_num_queries
):
    facts_refresh(campaign_id=demo.pk)
    state = FactRefresh.objects.get(campaign_id=demo.pk)
    snapshot = snapshot_path(demo.pk, state.refreshed_at)
    assert snapshot.exists()
    dimensions = set(FactSlice.objects.filter(campaign_id=demo.pk).values_list("dimension"))
    assert {("",), ("organisation",), ("region",), ("audience",), ("kind",), ("month",)} == (
        dimensions
    )
    saved = Columns.load(snapshot)
    assert saved.people == columns_load(demo.pk).people > 0
    for filters in selections(demo):
        with django_assert_max_num_queries(2):
            figures, at = dashboard_figures(filters)
        expected = figures_compute(aggregates_from_columns(saved, filters), filters)
        assert figures == json.loads(json.dumps(expected))
        assert at == state.refreshed_at
    facts_refresh(campaign_id=demo.pk)  # the older snapshot goes
    assert not snapshot.exists()
    snapshot_path(demo.pk, FactRefresh.objects.get(campaign_id=demo.pk).refreshed_at).unlink()
    combined = Filters(campaign_id=demo.pk, audience="elderly", region="44")
    figures, at = dashboard_figures(combined)  # no snapshot: computed now
    assert at > state.refreshed_at
    assert figures["reach"]["registered"] == (
        Registration.objects.filter(
            event__campaign=demo, audience="elderly", event__city_code__startswith="44"
        ).count()
    )
