"""Aggregates of a selection of a campaign, from the raw tables or from the fact tables.

Both sources give the same ``Aggregates`` (sums per grain cell, histograms of the
knowledge scores, unique people), so the report (raw, exact, any time) and the
dashboard (facts refreshed by a task) compute their figures with one reducer.
All grouping happens in SQL; Python sees one row per cell.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, fields
from typing import Any

from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat, NullIf, Substr, TruncMonth

from wanlixing.outreach.models import (
    Channel,
    Event,
    EventKind,
    EventSetting,
    Registration,
    RouteVisit,
)
from wanlixing.surveys.models import METRICS, KnowledgeGain, Measure

from .models import FactCell, FactEvents, FactMeasure, FactPerson, FactScoreBin

GRAIN = ("organisation_id", "kind", "city_code", "month", "area_type")


@dataclass(frozen=True)
class Filters:
    """What a figure covers. ``scope`` limits organisations (None: every organisation)."""

    campaign_id: int | None = None
    scope: frozenset[int] | None = None
    organisation_id: int | None = None
    region: str = ""  # province "44" or city "4403" prefix of GB/T 2260 codes
    audience: str = ""
    kind: str = ""
    month_from: dt.date | None = None
    month_to: dt.date | None = None

    @property
    def event_level(self) -> bool:
        """True when a filter needs the event (rows without one drop out)."""
        return bool(
            self.scope is not None
            or self.organisation_id
            or self.region
            or self.kind
            or self.month_from
            or self.month_to
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "campaign_id": self.campaign_id,
            "organisation_id": self.organisation_id,
            "region": self.region,
            "audience": self.audience,
            "kind": self.kind,
            "month_from": self.month_from.isoformat()[:7] if self.month_from else "",
            "month_to": self.month_to.isoformat()[:7] if self.month_to else "",
        }


def event_q(filters: Filters, prefix: str = "") -> Q:
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


@dataclass
class Cell:
    organisation_id: int | None = None
    kind: str = ""
    city_code: str = ""
    month: dt.date | None = None
    area_type: str = ""
    audience: str = ""
    registered: int = 0
    attended_onsite: int = 0
    attended_online: int = 0
    walk_ins: int = 0
    events_reached: int = 0
    cost_share: float = 0.0
    kg_pre_n: int = 0
    kg_pre_sum: int = 0
    kg_post_n: int = 0
    kg_post_sum: int = 0
    kg_paired: int = 0
    kg_paired_pre_sum: int = 0
    kg_paired_post_sum: int = 0
    kg_diff_sum: int = 0
    kg_diff_sumsq: int = 0
    measures: dict[str, list[float]] = field(default_factory=dict)  # metric → [n, Σ, Σ≥4]

    @property
    def key(self) -> tuple[Any, ...]:
        return (
            self.organisation_id,
            self.kind,
            self.city_code,
            self.month,
            self.area_type,
            self.audience,
        )


COUNT_FIELDS = [
    f.name
    for f in fields(Cell)
    if f.name not in ("organisation_id", "kind", "city_code", "month", "area_type", "audience")
    and f.name != "measures"
]


@dataclass
class EventRow:
    organisation_id: int | None
    kind: str
    city_code: str
    month: dt.date | None
    area_type: str
    events: int = 0
    online_events: int = 0
    cost: float = 0.0
    materials: int = 0
    online_views: int = 0
    route_visits: int = 0
    route_people: int = 0


@dataclass
class Aggregates:
    cells: list[Cell]
    event_rows: list[EventRow]
    hist_diff: dict[int, int]
    hist_pre: dict[int, int]
    hist_post: dict[int, int]
    unique_people: int
    unique_onsite: int
    unique_online: int
    refreshed_at: dt.datetime | None = None


# --- From the raw tables ----------------------------------------------------------------


def _grain_values(prefix: str) -> dict[str, Any]:
    return {
        "g_org": F(f"{prefix}organisation_id"),
        "g_kind": F(f"{prefix}kind"),
        "g_city": F(f"{prefix}city_code"),
        "g_month": F(f"{prefix}month"),
        "g_area": F(f"{prefix}area_type"),
    }


def _key(row: dict[str, Any], audience: str) -> tuple[Any, ...]:
    return (
        row["g_org"],
        row["g_kind"] or "",
        row["g_city"] or "",
        row["g_month"],
        row["g_area"] or "",
        audience or "",
    )


def _registrations(filters: Filters) -> Any:
    qs = Registration.objects.filter(event_q(filters, "event__"))
    if filters.campaign_id:
        qs = qs.filter(event__campaign_id=filters.campaign_id)
    if filters.audience:
        qs = qs.filter(audience=filters.audience)
    return qs


def _gains(filters: Filters) -> Any:
    qs = KnowledgeGain.objects.filter(event_q(filters, "event__"))
    if filters.campaign_id:
        qs = qs.filter(campaign_id=filters.campaign_id)
    if filters.audience:
        qs = qs.filter(audience=filters.audience)
    return qs


def _measures(filters: Filters) -> Any:
    qs = Measure.objects.filter(event_q(filters, "event__"))
    if filters.campaign_id:
        qs = qs.filter(campaign_id=filters.campaign_id)
    if filters.audience:
        qs = qs.filter(audience=filters.audience)
    return qs


def _events(filters: Filters) -> Any:
    qs = Event.objects.filter(event_q(filters), is_cancelled=False)
    if filters.campaign_id:
        qs = qs.filter(campaign_id=filters.campaign_id)
    return qs


def raw_cells(filters: Filters) -> dict[tuple[Any, ...], Cell]:
    cells: dict[tuple[Any, ...], Cell] = {}

    def cell_for(key: tuple[Any, ...]) -> Cell:
        cell = cells.get(key)
        if cell is None:
            cell = cells[key] = Cell(*key)
        return cell

    attended = Q(attended_at__isnull=False)
    share = ExpressionWrapper(
        Cast("event__cost", FloatField()) / NullIf(F("event__attended_count"), 0),
        output_field=FloatField(),
    )
    for row in (
        _registrations(filters)
        .values(**_grain_values("event__"), g_aud=F("audience"))
        .annotate(
            registered=Count("id"),
            attended_onsite=Count("id", filter=attended & Q(channel=Channel.ONSITE)),
            attended_online=Count("id", filter=attended & Q(channel=Channel.ONLINE)),
            walk_ins=Count("id", filter=Q(source="walk-in")),
            events_reached=Count("event_id", filter=attended, distinct=True),
            cost_share=Coalesce(Sum(share, filter=attended), Value(0.0)),
        )
        .order_by()
    ):
        cell = cell_for(_key(row, row["g_aud"]))
        for name in (
            "registered",
            "attended_onsite",
            "attended_online",
            "walk_ins",
            "events_reached",
        ):
            setattr(cell, name, row[name])
        cell.cost_share = float(row["cost_share"] or 0)

    both = Q(pre_score__isnull=False, post_score__isnull=False)
    diff = ExpressionWrapper(F("post_score") - F("pre_score"), output_field=IntegerField())
    for row in (
        _gains(filters)
        .values(**_grain_values("event__"), g_aud=F("audience"))
        .annotate(
            kg_pre_n=Count("pre_score"),
            kg_pre_sum=Coalesce(Sum("pre_score"), 0),
            kg_post_n=Count("post_score"),
            kg_post_sum=Coalesce(Sum("post_score"), 0),
            kg_paired=Count("id", filter=both),
            kg_paired_pre_sum=Coalesce(Sum("pre_score", filter=both), 0),
            kg_paired_post_sum=Coalesce(Sum("post_score", filter=both), 0),
            kg_diff_sum=Coalesce(Sum(diff, filter=both), 0),
            kg_diff_sumsq=Coalesce(
                Sum(
                    ExpressionWrapper(
                        (F("post_score") - F("pre_score")) * (F("post_score") - F("pre_score")),
                        output_field=IntegerField(),
                    ),
                    filter=both,
                ),
                0,
            ),
        )
        .order_by()
    ):
        cell = cell_for(_key(row, row["g_aud"]))
        for name in (
            "kg_pre_n",
            "kg_pre_sum",
            "kg_post_n",
            "kg_post_sum",
            "kg_paired",
            "kg_paired_pre_sum",
            "kg_paired_post_sum",
            "kg_diff_sum",
            "kg_diff_sumsq",
        ):
            setattr(cell, name, int(row[name]))

    for row in (
        _measures(filters)
        .values(**_grain_values("event__"), g_aud=F("audience"), g_metric=F("metric"))
        .annotate(n=Count("id"), total=Sum("value"), high=Count("id", filter=Q(value__gte=4)))
        .order_by()
    ):
        cell = cell_for(_key(row, row["g_aud"]))
        cell.measures[row["g_metric"]] = [row["n"], float(row["total"] or 0), row["high"]]
    return cells


def raw_event_rows(filters: Filters) -> list[EventRow]:
    rows: dict[tuple[Any, ...], EventRow] = {}
    if filters.audience:
        return []  # with an audience filter, events come from the cells (events reached)
    online = Q(setting=EventSetting.ONLINE) | Q(kind=EventKind.LIVESTREAM)
    for row in (
        _events(filters)
        .values(*GRAIN)
        .annotate(
            events=Count("id"),
            online_events=Count("id", filter=online),
            cost=Coalesce(Sum(Cast("cost", FloatField())), Value(0.0)),
            materials=Coalesce(Sum("materials_handed_out"), 0),
            online_views=Coalesce(Sum("online_views"), 0),
        )
        .order_by()
    ):
        key = tuple(row[g] for g in GRAIN)
        rows[key] = EventRow(
            organisation_id=row["organisation_id"],
            kind=row["kind"],
            city_code=row["city_code"],
            month=row["month"],
            area_type=row["area_type"],
            events=row["events"],
            online_events=row["online_events"],
            cost=float(row["cost"] or 0),
            materials=int(row["materials"]),
            online_views=int(row["online_views"]),
        )
    for row in _route_rows(filters):
        key = (row["g_org"], EventKind.MOBILE.value, row["g_city"], row["g_month"], "rural")
        target = rows.get(key)
        if target is None:
            target = rows[key] = EventRow(
                row["g_org"], "mobile", row["g_city"], row["g_month"], "rural"
            )
        target.route_visits += row["visits"]
        target.route_people += int(row["people"] or 0)
        target.materials += int(row["materials"] or 0)
    return list(rows.values())


def _route_rows(filters: Filters) -> list[dict[str, Any]]:
    if filters.kind and filters.kind != EventKind.MOBILE:
        return []
    qs = RouteVisit.objects.all()
    if filters.campaign_id:
        qs = qs.filter(stop__route__campaign_id=filters.campaign_id)
    if filters.scope is not None:
        qs = qs.filter(stop__route__organisation_id__in=sorted(filters.scope))
    if filters.organisation_id:
        qs = qs.filter(stop__route__organisation_id=filters.organisation_id)
    if filters.region:
        qs = qs.filter(stop__region_code__startswith=filters.region)
    if filters.month_from:
        qs = qs.filter(visited_on__gte=filters.month_from)
    if filters.month_to:
        qs = qs.filter(visited_on__lt=_next_month(filters.month_to))
    out: list[dict[str, Any]] = []
    for row in (
        qs.values(
            g_org=F("stop__route__organisation_id"),
            g_city=Concat(Substr("stop__region_code", 1, 4), Value("00")),
            g_month=TruncMonth("visited_on"),
        )
        .annotate(
            visits=Count("id"), people=Sum("people_served"), materials=Sum("materials_handed_out")
        )
        .order_by()
    ):
        month = row["g_month"]
        if isinstance(month, dt.datetime):
            month = month.date()
        out.append({**row, "g_month": month})
    return out


def _next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def raw_histograms(filters: Filters) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
    gains = _gains(filters)
    both = gains.filter(pre_score__isnull=False, post_score__isnull=False)
    diff = dict(
        both.annotate(
            dv=ExpressionWrapper(F("post_score") - F("pre_score"), output_field=IntegerField())
        )
        .values("dv")
        .annotate(c=Count("id"))
        .order_by()
        .values_list("dv", "c")
    )
    pre = dict(
        gains.filter(pre_score__isnull=False)
        .values("pre_score")
        .annotate(c=Count("id"))
        .order_by()
        .values_list("pre_score", "c")
    )
    post = dict(
        gains.filter(post_score__isnull=False)
        .values("post_score")
        .annotate(c=Count("id"))
        .order_by()
        .values_list("post_score", "c")
    )
    return diff, pre, post


def raw_unique(filters: Filters) -> tuple[int, int, int]:
    attended = _registrations(filters).filter(attended_at__isnull=False)
    result = attended.aggregate(
        all=Count("participant_id", distinct=True),
        onsite=Count("participant_id", distinct=True, filter=Q(channel=Channel.ONSITE)),
        online=Count("participant_id", distinct=True, filter=Q(channel=Channel.ONLINE)),
    )
    return result["all"], result["onsite"], result["online"]


def aggregates_from_raw(filters: Filters) -> Aggregates:
    """Exact aggregates straight from registrations, answers and events (used by reports)."""
    diff, pre, post = raw_histograms(filters)
    people, onsite, online = raw_unique(filters)
    return Aggregates(
        cells=list(raw_cells(filters).values()),
        event_rows=raw_event_rows(filters),
        hist_diff=diff,
        hist_pre=pre,
        hist_post=post,
        unique_people=people,
        unique_onsite=onsite,
        unique_online=online,
    )


# --- From the fact tables ---------------------------------------------------------------


def _fact_cells(filters: Filters) -> Any:
    qs = FactCell.objects.filter(event_q(filters))
    if filters.campaign_id:
        qs = qs.filter(campaign_id=filters.campaign_id)
    if filters.audience:
        qs = qs.filter(audience=filters.audience)
    return qs


def aggregates_from_facts(filters: Filters) -> Aggregates:
    """The same aggregates from the tables the refresh task keeps (used by dashboards)."""
    names = ["id", *GRAIN, "audience", *COUNT_FIELDS]
    cells: dict[int, Cell] = {}
    for values in _fact_cells(filters).values_list(*names):
        row = dict(zip(names, values, strict=True))
        cell_id = row.pop("id")
        cells[cell_id] = Cell(**row)
    chosen = _fact_cells(filters)
    for cell_id, metric, n, total, high in FactMeasure.objects.filter(
        cell__in=chosen.values("id")
    ).values_list("cell_id", "metric", "n", "total", "high"):
        cells[cell_id].measures[metric] = [n, total, high]
    hists: dict[str, dict[int, int]] = {"d": {}, "pre": {}, "post": {}}
    for which, value, count in (
        FactScoreBin.objects.filter(cell__in=chosen.values("id"))
        .values("which", "value")
        .annotate(c=Sum("count"))
        .order_by()
        .values_list("which", "value", "c")
    ):
        hists[which][value] = int(count)
    people = FactPerson.objects.filter(cell__in=chosen.values("id"))
    unique = people.aggregate(
        all=Count("participant_id", distinct=True),
        onsite=Count("participant_id", distinct=True, filter=Q(online=False)),
        online=Count("participant_id", distinct=True, filter=Q(online=True)),
    )
    event_rows: list[EventRow] = []
    if not filters.audience:
        qs = FactEvents.objects.filter(event_q(filters))
        if filters.campaign_id:
            qs = qs.filter(campaign_id=filters.campaign_id)
        event_names = [f.name for f in fields(EventRow)]
        event_rows = [
            EventRow(**dict(zip(event_names, values, strict=True)))
            for values in qs.values_list(*event_names)
        ]
    return Aggregates(
        cells=list(cells.values()),
        event_rows=event_rows,
        hist_diff=hists["d"],
        hist_pre=hists["pre"],
        hist_post=hists["post"],
        unique_people=unique["all"],
        unique_onsite=unique["onsite"],
        unique_online=unique["online"],
    )


# --- Building the facts of a campaign -----------------------------------------------------


def facts_rebuild(campaign_id: int) -> int:
    """Replace the campaign's fact rows with fresh ones from the raw tables; returns cells."""
    filters = Filters(campaign_id=campaign_id)
    cells = raw_cells(filters)
    FactCell.objects.filter(campaign_id=campaign_id).delete()
    FactEvents.objects.filter(campaign_id=campaign_id).delete()
    created = FactCell.objects.bulk_create(
        [
            FactCell(
                campaign_id=campaign_id,
                organisation_id=cell.organisation_id,
                kind=cell.kind,
                city_code=cell.city_code,
                month=cell.month,
                area_type=cell.area_type,
                audience=cell.audience,
                **{name: getattr(cell, name) for name in COUNT_FIELDS},
            )
            for cell in cells.values()
        ],
        batch_size=2000,
    )
    ids: dict[tuple[Any, ...], int] = {}
    if created and created[0].pk is None:  # backends that do not return ids
        for fact in FactCell.objects.filter(campaign_id=campaign_id):
            ids[_fact_key(fact)] = fact.pk
    else:
        ids = {_fact_key(fact): fact.pk for fact in created}
    FactMeasure.objects.bulk_create(
        [
            FactMeasure(cell_id=ids[key], metric=metric, n=int(v[0]), total=v[1], high=int(v[2]))
            for key, cell in cells.items()
            for metric, v in cell.measures.items()
            if metric in METRICS
        ],
        batch_size=5000,
    )
    _bins_rebuild(filters, ids)
    _people_rebuild(filters, ids)
    FactEvents.objects.bulk_create(
        [FactEvents(campaign_id=campaign_id, **row.__dict__) for row in raw_event_rows(filters)],
        batch_size=2000,
    )
    return len(cells)


def _fact_key(fact: FactCell) -> tuple[Any, ...]:
    return (
        fact.organisation_id,
        fact.kind,
        fact.city_code,
        fact.month,
        fact.area_type,
        fact.audience,
    )


def _bins_rebuild(filters: Filters, ids: dict[tuple[Any, ...], int]) -> None:
    gains = _gains(filters)
    diff = ExpressionWrapper(F("post_score") - F("pre_score"), output_field=IntegerField())
    specs = [
        ("d", gains.filter(pre_score__isnull=False, post_score__isnull=False), diff),
        ("pre", gains.filter(pre_score__isnull=False), F("pre_score")),
        ("post", gains.filter(post_score__isnull=False), F("post_score")),
    ]
    counts: dict[tuple[int, str, int], int] = defaultdict(int)
    for which, qs, expression in specs:
        for row in (
            qs.values(**_grain_values("event__"), g_aud=F("audience"), g_value=expression)
            .annotate(c=Count("id"))
            .order_by()
        ):
            counts[(ids[_key(row, row["g_aud"])], which, int(row["g_value"]))] += row["c"]
    FactScoreBin.objects.bulk_create(
        [
            FactScoreBin(cell_id=cell_id, which=which, value=value, count=count)
            for (cell_id, which, value), count in counts.items()
        ],
        batch_size=5000,
    )


def _people_rebuild(filters: Filters, ids: dict[tuple[Any, ...], int]) -> None:
    rows = (
        _registrations(filters)
        .filter(attended_at__isnull=False)
        .values_list(
            "event__organisation_id",
            "event__kind",
            "event__city_code",
            "event__month",
            "event__area_type",
            "audience",
            "participant_id",
            "channel",
        )
        .distinct()
        .order_by()
    )
    batch: list[FactPerson] = []
    for org, kind, city, month, area, audience, participant_id, channel in rows.iterator(
        chunk_size=5000
    ):
        key = (org, kind or "", city or "", month, area or "", audience or "")
        batch.append(
            FactPerson(
                cell_id=ids[key], participant_id=participant_id, online=channel == Channel.ONLINE
            )
        )
        if len(batch) >= 5000:
            FactPerson.objects.bulk_create(batch)
            batch = []
    FactPerson.objects.bulk_create(batch)
