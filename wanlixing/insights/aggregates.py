"""What a selection of a campaign is (``Filters``) and what its figures are made of.

``Aggregates`` holds sums per grain cell (kind, region, month, audience), histograms of
the knowledge scores, unique people and survey measures; ``columns`` computes them for
any selection from one read of the campaign's rows, and ``figures`` turns them into
the figures people read. The dashboard keeps finished figures per single filter value
(``FactSlice``); ``slice_key_for`` says which slice answers a request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Min

from wanlixing.outreach.models import Event, RouteVisit


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


# --- Slices: the whole campaign and each single filter value --------------------------------


def month_values(first: dt.date | None, last: dt.date | None) -> list[str]:
    """ "YYYY-MM" of every month from ``first`` to ``last`` (the month slices)."""
    out = []
    month = first
    while month is not None and last is not None and month <= last:
        out.append(month.isoformat()[:7])
        month = _next_month(month)
    return out


def _next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


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
