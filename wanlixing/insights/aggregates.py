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

from django.db import connection
from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Max,
    Min,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, NullIf, Substr, TruncMonth

from wanlixing.outreach.models import (
    Channel,
    Event,
    EventKind,
    EventSetting,
    Registration,
    RouteVisit,
)
from wanlixing.surveys.models import KnowledgeGain, Measure

# Figures group by region, audience, month and event kind one at a time, so the cells
# are (region, month, kind, audience): a few thousand rows even for a million people.
GRAIN = ("kind", "city_code", "month")


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
    measures: dict[str, list[float]] = field(default_factory=dict)  # metric → [n, Σ, Σ≥4]


# --- From the raw tables ----------------------------------------------------------------


def region_depth(filters: Filters) -> int:
    """Provinces (2 digits) for the whole country, cities (4) inside a chosen region."""
    return 4 if filters.region else 2


def _grain_values(prefix: str, depth: int) -> dict[str, Any]:
    return {
        "g_kind": F(f"{prefix}kind"),
        "g_city": Substr(f"{prefix}city_code", 1, depth),
        "g_month": F(f"{prefix}month"),
    }


def _region_code(prefix: str | None) -> str:
    return (prefix + "000000")[:6] if prefix else ""


def _key(row: dict[str, Any], audience: str) -> tuple[Any, ...]:
    return (
        None,
        row["g_kind"] or "",
        _region_code(row["g_city"]),
        row["g_month"],
        "",
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
    depth = region_depth(filters)
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
    counts: dict[str, Any] = {
        "registered": Count("id"),
        "attended_onsite": Count("id", filter=attended & Q(channel=Channel.ONSITE)),
        "attended_online": Count("id", filter=attended & Q(channel=Channel.ONLINE)),
        "walk_ins": Count("id", filter=Q(source="walk-in")),
    }
    if filters.audience:  # events and cost are shared out over the cells only for one audience
        counts["events_reached"] = Count("event_id", filter=attended, distinct=True)
        counts["cost_share"] = Coalesce(Sum(share, filter=attended), Value(0.0))
    for row in (
        _registrations(filters)
        .values(**_grain_values("event__", depth), g_aud=F("audience"))
        .annotate(**counts)
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
            setattr(cell, name, row.get(name, 0))
        cell.cost_share = float(row.get("cost_share") or 0)

    both = Q(pre_score__isnull=False, post_score__isnull=False)
    diff = ExpressionWrapper(F("post_score") - F("pre_score"), output_field=IntegerField())
    for row in (
        _gains(filters)
        .values(**_grain_values("event__", depth), g_aud=F("audience"))
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

    return cells


def raw_measures(filters: Filters) -> dict[str, list[float]]:
    """metric → [n, Σ value, n with value ≥ 4] (the figures only use campaign totals)."""
    return {
        row["metric"]: [row["n"], float(row["total"] or 0), row["high"]]
        for row in _measures(filters)
        .values("metric")
        .annotate(n=Count("id"), total=Sum("value"), high=Count("id", filter=Q(value__gte=4)))
        .order_by()
    }


def raw_event_rows(filters: Filters) -> list[EventRow]:
    rows: dict[tuple[Any, ...], EventRow] = {}
    if filters.audience:
        return []  # with an audience filter, events come from the cells (events reached)
    depth = region_depth(filters)
    online = Q(setting=EventSetting.ONLINE) | Q(kind=EventKind.LIVESTREAM)
    for row in (
        _events(filters)
        .values("kind", "month", region=Substr("city_code", 1, depth))
        .annotate(
            events=Count("id"),
            online_events=Count("id", filter=online),
            cost=Coalesce(Sum(Cast("cost", FloatField())), Value(0.0)),
            materials=Coalesce(Sum("materials_handed_out"), 0),
            online_views=Coalesce(Sum("online_views"), 0),
        )
        .order_by()
    ):
        city = _region_code(row["region"])
        key = (None, row["kind"], city, row["month"], "")
        rows[key] = EventRow(
            organisation_id=None,
            kind=row["kind"],
            city_code=city,
            month=row["month"],
            area_type="",
            events=row["events"],
            online_events=row["online_events"],
            cost=float(row["cost"] or 0),
            materials=int(row["materials"]),
            online_views=int(row["online_views"]),
        )
    for row in _route_rows(filters, depth):
        city = _region_code(row["g_city"])
        key = (None, EventKind.MOBILE.value, city, row["g_month"], "")
        target = rows.get(key)
        if target is None:
            target = rows[key] = EventRow(None, EventKind.MOBILE.value, city, row["g_month"], "")
        target.route_visits += row["visits"]
        target.route_people += int(row["people"] or 0)
        target.materials += int(row["materials"] or 0)
    return list(rows.values())


def _route_rows(filters: Filters, depth: int) -> list[dict[str, Any]]:
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
            g_city=Substr("stop__region_code", 1, depth),
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
    """Counts of post − pre (paired), of every pre and of every post score, in one pass."""
    diff: dict[int, int] = defaultdict(int)
    pre: dict[int, int] = defaultdict(int)
    post: dict[int, int] = defaultdict(int)
    rows = _gains(filters).values_list("pre_score", "post_score").annotate(c=Count("id")).order_by()
    for pre_score, post_score, count in rows:
        if pre_score is not None:
            pre[pre_score] += count
        if post_score is not None:
            post[post_score] += count
        if pre_score is not None and post_score is not None:
            diff[post_score - pre_score] += count
    return dict(diff), dict(pre), dict(post)


def raw_unique(filters: Filters) -> tuple[int, int, int]:
    """Unique people who attended: all, onsite, online.

    One grouping by person instead of three COUNT(DISTINCT …): the database sorts the
    attendances once.
    """
    per_person = (
        _registrations(filters)
        .filter(attended_at__isnull=False)
        .values("participant_id")
        .annotate(
            onsite=Count("id", filter=Q(channel=Channel.ONSITE)),
            online=Count("id", filter=Q(channel=Channel.ONLINE)),
        )
        .order_by()
    )
    sql, params = per_person.query.sql_with_params()
    onsite_people = "COALESCE(SUM(CASE WHEN onsite > 0 THEN 1 ELSE 0 END), 0)"
    online_people = "COALESCE(SUM(CASE WHEN online > 0 THEN 1 ELSE 0 END), 0)"
    # The inner SQL and its parameters come from the ORM; nothing here is user text.
    query = f"SELECT COUNT(*), {onsite_people}, {online_people} FROM ({sql}) per_person"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        people, onsite, online = cursor.fetchone()
    return int(people), int(onsite), int(online)


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
        measures=raw_measures(filters),
    )


# --- Slices: the whole campaign and each single filter value --------------------------------


def slice_keys(campaign_id: int) -> list[tuple[str, str]]:
    """(dimension, value) of every slice that has data, starting with the whole campaign."""
    events = Event.objects.filter(campaign_id=campaign_id, is_cancelled=False)
    visits = RouteVisit.objects.filter(stop__route__campaign_id=campaign_id)
    keys: list[tuple[str, str]] = [("", "")]
    orgs = set(events.values_list("organisation_id", flat=True).distinct())
    orgs |= set(visits.values_list("stop__route__organisation_id", flat=True).distinct())
    keys += [("organisation", str(org)) for org in sorted(o for o in orgs if o)]
    cities = {c for c in events.values_list("city_code", flat=True).distinct() if c}
    cities |= {
        (code or "")[:4] + "00"
        for code in visits.values_list("stop__region_code", flat=True).distinct()
        if code
    }
    regions = {c[:2] for c in cities} | {c[:4] for c in cities}
    keys += [("region", code) for code in sorted(regions)]
    audiences = Registration.objects.filter(event__campaign_id=campaign_id)
    keys += [
        ("audience", code)
        for code in sorted(set(audiences.values_list("audience", flat=True).distinct()))
        if code
    ]
    kinds = set(events.values_list("kind", flat=True).distinct())
    if visits.exists():
        kinds.add(EventKind.MOBILE.value)
    keys += [("kind", kind) for kind in sorted(kinds)]
    first, last = campaign_months(campaign_id)
    month = first
    while month is not None and last is not None and month <= last:
        keys.append(("month", month.isoformat()[:7]))
        month = _next_month(month)
    return keys


def campaign_months(campaign_id: int) -> tuple[dt.date | None, dt.date | None]:
    """First and last month with an event or a mobile-service visit."""
    events = Event.objects.filter(campaign_id=campaign_id, is_cancelled=False).aggregate(
        first=Min("month"), last=Max("month")
    )
    visits = RouteVisit.objects.filter(stop__route__campaign_id=campaign_id).aggregate(
        first=Min("visited_on"), last=Max("visited_on")
    )
    firsts = [d for d in (events["first"], visits["first"]) if d]
    lasts = [d for d in (events["last"], visits["last"]) if d]
    first = min(firsts).replace(day=1) if firsts else None
    last = max(lasts).replace(day=1) if lasts else None
    return first, last


def slice_filters(campaign_id: int, dimension: str, value: str) -> Filters:
    if dimension == "organisation":
        return Filters(campaign_id=campaign_id, organisation_id=int(value))
    if dimension == "region":
        return Filters(campaign_id=campaign_id, region=value)
    if dimension == "audience":
        return Filters(campaign_id=campaign_id, audience=value)
    if dimension == "kind":
        return Filters(campaign_id=campaign_id, kind=value)
    if dimension == "month":
        month = dt.date.fromisoformat(value + "-01")
        return Filters(campaign_id=campaign_id, month_from=month, month_to=month)
    return Filters(campaign_id=campaign_id)


def slice_key_for(
    filters: Filters, *, first_month: dt.date | None, last_month: dt.date | None
) -> tuple[str, str] | None:
    """The slice that holds exactly these figures, or None for a combination of filters.

    A viewer limited to one organisation reads that organisation's slice; a month range
    reaching past the campaign's first or last month is no filter on that side.
    """
    chosen: list[tuple[str, str]] = []
    org = filters.organisation_id
    if filters.scope is not None:
        if org is None and len(filters.scope) == 1:
            org = next(iter(filters.scope))
        elif org is None or org not in filters.scope:
            return None
    if org:
        chosen.append(("organisation", str(org)))
    if filters.region:
        chosen.append(("region", filters.region))
    if filters.audience:
        chosen.append(("audience", filters.audience))
    if filters.kind:
        chosen.append(("kind", filters.kind))
    month_from = filters.month_from
    month_to = filters.month_to
    if month_from and month_to and month_from == month_to:
        chosen.append(("month", month_from.isoformat()[:7]))
    else:
        if month_from and first_month and month_from <= first_month:
            month_from = None
        if month_to and last_month and month_to >= last_month:
            month_to = None
        if month_from or month_to:
            return None
    if len(chosen) > 1:
        return None
    return chosen[0] if chosen else ("", "")
