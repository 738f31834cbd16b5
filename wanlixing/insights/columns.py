"""A campaign's rows as numpy columns: read once, aggregated for any selection.

Reports, the slice refresh and combined dashboard filters all start here. One query per
table fetches only the needed columns as small integers (text codes are mapped to
numbers in SQL, flags are packed into one integer), in big chunks through a raw cursor:
no ORM objects and no per-row Python work beyond the fetch. Any selection (a single
filter value, a combination, an organisation scope) is then boolean masks and grouped
sums in numpy, so the ~80 dashboard slices cost one read of the data, not eighty.

People appear only as a dense index (0…n-1) used to count unique people; no code, name
or phone is read. The columns can be saved to an ``.npz`` file and loaded again (the
refresh task does, so combined filters on the dashboard read the same snapshot as the
slices).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
from django.db import connection

from wanlixing.outreach.models import (
    Audience,
    Channel,
    Event,
    EventKind,
    EventSetting,
    Registration,
    RegistrationSource,
    RouteVisit,
)
from wanlixing.surveys.models import METRICS, KnowledgeGain, Measure

from .aggregates import Aggregates, Cell, EventRow, Filters

CHUNK_ROWS = 100_000
# Codes stored as small integers; index 0 is "" (no audience / unknown value).
AUDIENCES: tuple[str, ...] = ("", *Audience.values)
KINDS: tuple[str, ...] = ("", *EventKind.values)
METRIC_CODES: tuple[str, ...] = tuple(METRICS)
NO_EVENT = -1


def _case(column: str, codes: Sequence[str]) -> str:
    """SQL mapping a text column to the index of its value in ``codes`` (0 otherwise)."""
    whens = " ".join(f"WHEN '{code}' THEN {i}" for i, code in enumerate(codes) if code)
    return f"(CASE {column} {whens} ELSE 0 END)"


def _fetch(sql: str, params: Sequence[Any], width: int, dtype: Any = np.int64) -> np.ndarray:
    """All rows of a query as a (rows, width) array, fetched in big chunks."""
    chunks: list[np.ndarray] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK_ROWS):
            flat = np.fromiter(chain.from_iterable(rows), dtype, count=len(rows) * width)
            chunks.append(flat.reshape(len(rows), width))
    if not chunks:
        return np.zeros((0, width), dtype=dtype)
    return np.concatenate(chunks)


def _month_index(month: dt.date | None) -> int:
    return -1 if month is None else month.year * 12 + month.month - 1


def _month_date(index: int) -> dt.date | None:
    return None if index < 0 else dt.date(index // 12, index % 12 + 1, 1)


@dataclass
class Columns:
    """One campaign's rows. Events are every event a row points to (cancelled ones too)."""

    ev_id: np.ndarray  # sorted event ids
    ev_org: np.ndarray
    ev_kind: np.ndarray  # index into KINDS
    ev_city: np.ndarray  # "440300" → 440300, -1 when unknown
    ev_month: np.ndarray  # year * 12 + month - 1, -1 when unknown
    ev_counted: np.ndarray  # an event of this campaign, not cancelled
    ev_online: np.ndarray
    ev_cost: np.ndarray
    ev_materials: np.ndarray
    ev_views: np.ndarray
    ev_cost_share: np.ndarray  # cost / people attended (0 when nobody)
    reg_event: np.ndarray  # index into the event columns
    reg_person: np.ndarray  # dense person index
    reg_audience: np.ndarray
    reg_attended: np.ndarray
    reg_online: np.ndarray
    reg_walk_in: np.ndarray
    kg_event: np.ndarray  # index, or NO_EVENT
    kg_audience: np.ndarray
    kg_pre: np.ndarray  # -1 when missing
    kg_post: np.ndarray
    m_event: np.ndarray
    m_audience: np.ndarray
    m_metric: np.ndarray  # index into METRIC_CODES
    m_value: np.ndarray
    rv_org: np.ndarray  # mobile-service visits: the route's organisation
    rv_region: np.ndarray  # the stop's region code (text)
    rv_day: np.ndarray  # visit date as days since 1970-01-01
    rv_people: np.ndarray
    rv_materials: np.ndarray
    people: int

    def save(self, path: Path) -> None:
        """Write the columns to ``path`` (atomically: readers see the old or the new file)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "people"}
        handle, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz")
        with os.fdopen(handle, "wb") as out:
            np.savez(out, people=np.array(self.people), **arrays)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> Columns:
        with np.load(path, allow_pickle=False) as data:
            values = {f.name: data[f.name] for f in fields(cls)}
        values["people"] = int(values["people"])
        return cls(**values)


# --- Reading the campaign ----------------------------------------------------------------


def _table(model: Any) -> str:
    return str(model._meta.db_table)


def columns_load(campaign_id: int) -> Columns:
    """Read the campaign's registrations, knowledge scores, measures, events and visits."""
    audience_reg = _case("audience", AUDIENCES)
    attended = "(CASE WHEN attended_at IS NULL THEN 0 ELSE 1 END)"
    online = f"(CASE WHEN channel = '{Channel.ONLINE.value}' THEN 2 ELSE 0 END)"
    walk_in = f"(CASE WHEN source = '{RegistrationSource.WALK_IN.value}' THEN 4 ELSE 0 END)"
    campaign_events = f"SELECT id FROM {_table(Event)} WHERE campaign_id = %s"  # noqa: S608
    # Table names come from the models and codes from the choices: no user text in the SQL.
    # Few values per row (each costs a Python object): small codes share an integer with
    # the event id, as event_id * 2**k + code.
    regs = _fetch(
        f"SELECT CAST(event_id AS BIGINT) * 1024 + {attended} + {online} + {walk_in} "  # noqa: S608
        f"+ 8 * {audience_reg}, participant_id "
        f"FROM {_table(Registration)} WHERE event_id IN ({campaign_events})",
        [campaign_id],
        2,
    )
    kg = _fetch(
        f"SELECT CAST(COALESCE(event_id, 0) AS BIGINT) * 64 + {_case('audience', AUDIENCES)}, "  # noqa: S608
        "CAST(COALESCE(pre_score, -1) + 1 AS BIGINT) * 65536 + COALESCE(post_score, -1) + 1 "
        f"FROM {_table(KnowledgeGain)} WHERE campaign_id = %s",
        [campaign_id],
        2,
    )
    measures = _fetch(
        f"SELECT CAST(COALESCE(event_id, 0) AS BIGINT) * 4096 "  # noqa: S608
        f"+ 64 * {_case('audience', AUDIENCES)} + {_case('metric', ('', *METRIC_CODES))}, value "
        f"FROM {_table(Measure)} WHERE campaign_id = %s",
        [campaign_id],
        2,
        dtype=np.float64,  # ids * 4096 stay exact below 2**53
    )
    packed = measures[:, 0].astype(np.int64)
    known = (packed % 64) > 0  # metrics the figures don't know are not read
    m_ids, m_code, m_value = packed[known] >> 12, packed[known] % 4096, measures[known, 1]
    reg_ids, flags = regs[:, 0] >> 10, regs[:, 0] & 1023
    kg_ids, kg_audience = kg[:, 0] >> 6, kg[:, 0] & 63
    kg_pre, kg_post = (kg[:, 1] >> 16) - 1, (kg[:, 1] & 65535) - 1

    referenced = (reg_ids, kg_ids, m_ids)
    events = _events(campaign_id, referenced)
    # Event id → position in the event columns, by a lookup table (ids are dense enough).
    top = max([int(ids.max()) for ids in referenced if ids.size] + [0])
    lookup = np.full(top + 1, NO_EVENT, dtype=np.int64)
    inside = events["id"] <= top
    lookup[events["id"][inside]] = np.flatnonzero(inside)

    def index_of(ids: np.ndarray) -> np.ndarray:
        return lookup[ids]  # a missing event (id 0) maps to NO_EVENT

    person_ids, reg_person = np.unique(regs[:, 1], return_inverse=True)
    visits = _route_visits(campaign_id)
    return Columns(
        **{f"ev_{k}": v for k, v in events.items()},
        reg_event=index_of(reg_ids),
        reg_person=reg_person.astype(np.int64),
        reg_audience=(flags >> 3).astype(np.int8),
        reg_attended=(flags & 1).astype(bool),
        reg_online=(flags & 2).astype(bool),
        reg_walk_in=(flags & 4).astype(bool),
        kg_event=index_of(kg_ids),
        kg_audience=kg_audience.astype(np.int8),
        kg_pre=kg_pre.astype(np.int32),
        kg_post=kg_post.astype(np.int32),
        m_event=index_of(m_ids),
        m_audience=(m_code // 64).astype(np.int8),
        m_metric=(m_code % 64 - 1).astype(np.int8),
        m_value=m_value,
        **visits,
        people=len(person_ids),
    )


def _month_sql(column: str) -> str:
    """SQL giving year * 12 + month - 1 of a date column (-1 when empty)."""
    if connection.vendor == "sqlite":  # dates are ISO text
        year, month = f"substr({column}, 1, 4)", f"substr({column}, 6, 2)"
    else:
        year, month = f"EXTRACT(YEAR FROM {column})", f"EXTRACT(MONTH FROM {column})"
    value = f"CAST({year} AS INTEGER) * 12 + CAST({month} AS INTEGER) - 1"
    return f"(CASE WHEN {column} IS NULL THEN -1 ELSE {value} END)"


def _events(campaign_id: int, referenced: Sequence[np.ndarray]) -> dict[str, np.ndarray]:
    """The campaign's events and any other event a row points to, sorted by id."""
    online = (
        f"(CASE WHEN setting = '{EventSetting.ONLINE.value}' "
        f"OR kind = '{EventKind.LIVESTREAM.value}' THEN 2 ELSE 0 END)"
    )
    counted = "(CASE WHEN is_cancelled THEN 0 ELSE 1 END)"
    # Table, column and choice names only: no user text in the SQL.
    select = (
        f"SELECT id, COALESCE(organisation_id, 0), {_case('kind', KINDS)}, "  # noqa: S608
        "(CASE WHEN city_code = '' THEN -1 ELSE CAST(city_code AS INTEGER) END), "
        f"{_month_sql('month')}, {counted} + {online}, CAST(cost AS DOUBLE PRECISION), "
        f"materials_handed_out, online_views, attended_count FROM {_table(Event)} "
    )
    parts = [_fetch(select + "WHERE campaign_id = %s", [campaign_id], 10, np.float64)]
    own = parts[0][:, 0].astype(np.int64)
    outside = [ids[(ids > 0) & ~np.isin(ids, own, kind="table")] for ids in referenced]
    extra = np.unique(np.concatenate(outside))
    for start in range(0, len(extra), 900):  # rows pointing to another campaign's event
        ids = [int(i) for i in extra[start : start + 900]]
        marks = ", ".join(["%s"] * len(ids))
        rows = _fetch(select + f"WHERE id IN ({marks})", ids, 10, np.float64)
        rows[:, 5] = rows[:, 5].astype(np.int64) & ~1  # another campaign's: not counted here
        parts.append(rows)
    rows = np.concatenate(parts)
    rows = rows[np.argsort(rows[:, 0], kind="stable")]
    flags = rows[:, 5].astype(np.int64)
    cost = rows[:, 6]
    attended = rows[:, 9]
    return {
        "id": rows[:, 0].astype(np.int64),
        "org": rows[:, 1].astype(np.int64),
        "kind": rows[:, 2].astype(np.int8),
        "city": rows[:, 3].astype(np.int64),
        "month": rows[:, 4].astype(np.int64),
        "counted": (flags & 1).astype(bool),
        "online": (flags & 2).astype(bool),
        "cost": cost,
        "materials": rows[:, 7].astype(np.int64),
        "views": rows[:, 8].astype(np.int64),
        "cost_share": np.divide(cost, attended, out=np.zeros(len(rows)), where=attended > 0),
    }


def _route_visits(campaign_id: int) -> dict[str, np.ndarray]:
    rows = list(
        RouteVisit.objects.filter(stop__route__campaign_id=campaign_id)
        .order_by()
        .values_list(
            "stop__route__organisation_id",
            "stop__region_code",
            "visited_on",
            "people_served",
            "materials_handed_out",
        )
    )
    epoch = dt.date(1970, 1, 1)
    return {
        "rv_org": np.array([r[0] or 0 for r in rows], dtype=np.int64),
        "rv_region": np.array([r[1] or "" for r in rows], dtype="<U6"),
        "rv_day": np.array([(r[2] - epoch).days for r in rows], dtype=np.int64),
        "rv_people": np.array([r[3] or 0 for r in rows], dtype=np.int64),
        "rv_materials": np.array([r[4] or 0 for r in rows], dtype=np.int64),
    }


# --- Aggregating a selection -------------------------------------------------------------


def _region_prefix(city: np.ndarray, prefix: str) -> np.ndarray:
    """Cities whose code starts with ``prefix`` (GB/T 2260 codes have 6 digits)."""
    if not prefix.isdigit() or len(prefix) > 6:
        return np.zeros(len(city), bool)
    return (city >= 0) & (city // 10 ** (6 - len(prefix)) == int(prefix))


def _organisation_mask(org: np.ndarray, filters: Filters) -> np.ndarray:
    """Rows of the organisations the viewer may see and the filter picked."""
    mask = np.ones(len(org), bool)
    if filters.scope is not None:
        mask &= np.isin(org, sorted(filters.scope))
    if filters.organisation_id:
        mask &= org == filters.organisation_id
    return mask


def _event_mask(cols: Columns, filters: Filters) -> np.ndarray:
    mask = _organisation_mask(cols.ev_org, filters)
    if filters.region:
        mask &= _region_prefix(cols.ev_city, filters.region)
    if filters.kind:
        mask &= cols.ev_kind == (KINDS.index(filters.kind) if filters.kind in KINDS else -1)
    if filters.month_from:
        mask &= cols.ev_month >= _month_index(filters.month_from)
    if filters.month_to:
        mask &= (cols.ev_month >= 0) & (cols.ev_month <= _month_index(filters.month_to))
    return mask


def _take(values: np.ndarray, index: np.ndarray, default: Any) -> np.ndarray:
    """``values[index]``, with ``default`` where the index is NO_EVENT."""
    if values.size == 0:
        return np.full(len(index), default, dtype=values.dtype)
    return np.where(index >= 0, values[np.maximum(index, 0)], default)


def _row_mask(
    event: np.ndarray, audience: np.ndarray, events: np.ndarray, filters: Filters
) -> np.ndarray:
    mask = _take(events, event, False) if filters.event_level else np.ones(len(event), bool)
    if filters.audience:
        code = AUDIENCES.index(filters.audience) if filters.audience in AUDIENCES else -1
        mask &= audience == code
    return mask


@dataclass
class _Grain:
    """Grain keys (kind, region, month) of rows, from their events (none: "", "", None)."""

    kind: np.ndarray
    region: np.ndarray
    month: np.ndarray

    @classmethod
    def of(cls, cols: Columns, event: np.ndarray, depth: int) -> _Grain:
        city = _take(cols.ev_city, event, -1)
        return cls(
            kind=_take(cols.ev_kind, event, 0).astype(np.int64),
            region=np.where(city >= 0, city // 10 ** (6 - depth), -1),
            month=_take(cols.ev_month, event, -1),
        )

    def key(self, audience: np.ndarray) -> np.ndarray:
        region = self.region + 1  # < 100,000
        month = self.month + 1  # < 2 ** 17
        return (((self.kind * 100_000 + region) << 17) + month) * 64 + audience.astype(np.int64)


def _unkey(key: int, depth: int) -> tuple[str, str, dt.date | None, str]:
    audience = key % 64
    key //= 64
    month = (key & ((1 << 17) - 1)) - 1
    key >>= 17
    region = key % 100_000 - 1
    kind = key // 100_000
    city = "" if region < 0 else (f"{region:0{depth}d}" + "000000")[:6]
    return KINDS[kind], city, _month_date(month), AUDIENCES[audience]


def _sums(inverse: np.ndarray, size: int, values: np.ndarray | None = None) -> np.ndarray:
    if values is None:
        return np.bincount(inverse, minlength=size)
    return np.bincount(inverse, weights=values, minlength=size)


def _cells(cols: Columns, filters: Filters, events: np.ndarray, depth: int) -> list[Cell]:
    reg = _row_mask(cols.reg_event, cols.reg_audience, events, filters)
    kg = _row_mask(cols.kg_event, cols.kg_audience, events, filters)
    reg_event = cols.reg_event[reg]
    reg_key = _Grain.of(cols, reg_event, depth).key(cols.reg_audience[reg])
    kg_key = _Grain.of(cols, cols.kg_event[kg], depth).key(cols.kg_audience[kg])
    keys, inverse = np.unique(np.concatenate([reg_key, kg_key]), return_inverse=True)
    size = len(keys)
    reg_at, kg_at = inverse[: len(reg_key)], inverse[len(reg_key) :]
    counts: dict[str, np.ndarray] = {}

    attended = cols.reg_attended[reg]
    online = cols.reg_online[reg]
    counts["registered"] = _sums(reg_at, size)
    counts["attended_onsite"] = _sums(reg_at[attended & ~online], size)
    counts["attended_online"] = _sums(reg_at[attended & online], size)
    counts["walk_ins"] = _sums(reg_at[cols.reg_walk_in[reg]], size)
    cost_share = np.zeros(size)
    if filters.audience:  # events and cost are shared out over the cells only for one audience
        came = reg_at[attended]
        pairs = np.unique(came * len(cols.ev_id) + reg_event[attended])
        counts["events_reached"] = _sums(pairs // len(cols.ev_id), size)
        cost_share = _sums(came, size, cols.ev_cost_share[reg_event[attended]])

    pre, post = cols.kg_pre[kg].astype(np.int64), cols.kg_post[kg].astype(np.int64)
    has_pre, has_post = pre >= 0, post >= 0
    both = has_pre & has_post
    diff = (post - pre)[both]
    counts["kg_pre_n"] = _sums(kg_at[has_pre], size)
    counts["kg_pre_sum"] = _sums(kg_at[has_pre], size, pre[has_pre])
    counts["kg_post_n"] = _sums(kg_at[has_post], size)
    counts["kg_post_sum"] = _sums(kg_at[has_post], size, post[has_post])
    counts["kg_paired"] = _sums(kg_at[both], size)
    counts["kg_paired_pre_sum"] = _sums(kg_at[both], size, pre[both])
    counts["kg_paired_post_sum"] = _sums(kg_at[both], size, post[both])
    counts["kg_diff_sum"] = _sums(kg_at[both], size, diff)
    counts["kg_diff_sumsq"] = _sums(kg_at[both], size, diff * diff)
    # Weighted bincounts are float64: integer sums below 2**53 come back exactly.
    table = {name: np.rint(values).astype(np.int64).tolist() for name, values in counts.items()}
    shares = cost_share.tolist()
    cells = []
    for i, key in enumerate(keys.tolist()):
        kind, city, month, audience = _unkey(key, depth)
        cell = Cell(None, kind, city, month, "", audience, cost_share=shares[i])
        for name, values in table.items():
            setattr(cell, name, values[i])
        cells.append(cell)
    return cells


def _event_rows(cols: Columns, filters: Filters, events: np.ndarray, depth: int) -> list[EventRow]:
    if filters.audience:
        return []  # with an audience filter, events come from the cells (events reached)
    chosen = np.flatnonzero(events & cols.ev_counted)
    grain = _Grain.of(cols, chosen, depth)
    keys, inverse = np.unique(grain.key(np.zeros(len(chosen), np.int64)), return_inverse=True)
    size = len(keys)
    columns = {
        "events": _sums(inverse, size),
        "online_events": _sums(inverse[cols.ev_online[chosen]], size),
        "materials": _sums(inverse, size, cols.ev_materials[chosen]),
        "online_views": _sums(inverse, size, cols.ev_views[chosen]),
    }
    table = {name: np.rint(v).astype(np.int64).tolist() for name, v in columns.items()}
    cost = _sums(inverse, size, cols.ev_cost[chosen]).tolist()
    rows: dict[tuple[Any, ...], EventRow] = {}
    for i, key in enumerate(keys.tolist()):
        kind, city, month, _ = _unkey(key, depth)
        rows[(kind, city, month)] = EventRow(
            None, kind, city, month, "", cost=cost[i],
            **{name: values[i] for name, values in table.items()},
        )  # fmt: skip
    for (city, month), (visits, people, materials) in _routes(cols, filters, depth).items():
        key = (EventKind.MOBILE.value, city, month)
        target = rows.get(key)
        if target is None:
            target = rows[key] = EventRow(None, EventKind.MOBILE.value, city, month, "")
        target.route_visits += visits
        target.route_people += people
        target.materials += materials
    return list(rows.values())


def _routes(
    cols: Columns, filters: Filters, depth: int
) -> dict[tuple[str, dt.date], tuple[int, int, int]]:
    """Mobile-service visits by (region, month): visits, people served, materials."""
    if filters.kind and filters.kind != EventKind.MOBILE:
        return {}
    mask = _organisation_mask(cols.rv_org, filters)
    if filters.region:
        mask &= np.char.startswith(cols.rv_region, filters.region)
    epoch = dt.date(1970, 1, 1)
    if filters.month_from:
        mask &= cols.rv_day >= (filters.month_from - epoch).days
    if filters.month_to:
        following = (filters.month_to.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        mask &= cols.rv_day < (following - epoch).days
    out: dict[tuple[str, dt.date], list[int]] = defaultdict(lambda: [0, 0, 0])
    for region, day, people, materials in zip(
        cols.rv_region[mask].tolist(),
        cols.rv_day[mask].tolist(),
        cols.rv_people[mask].tolist(),
        cols.rv_materials[mask].tolist(),
        strict=True,
    ):
        city = (region[:depth] + "000000")[:6] if region[:depth] else ""
        month = (epoch + dt.timedelta(days=day)).replace(day=1)
        total = out[(city, month)]
        total[0] += 1
        total[1] += people
        total[2] += materials
    return {key: (v[0], v[1], v[2]) for key, v in out.items()}


def _histogram(values: np.ndarray) -> dict[int, int]:
    found, counts = np.unique(values, return_counts=True)
    return dict(zip(found.tolist(), counts.tolist(), strict=True))


def _distinct(people: np.ndarray, size: int) -> int:
    return int(np.count_nonzero(np.bincount(people, minlength=size)))


def aggregates_from_columns(cols: Columns, filters: Filters) -> Aggregates:
    """The aggregates of one selection (exact; the same figures as the raw tables)."""
    depth = 4 if filters.region else 2
    events = _event_mask(cols, filters)
    kg = _row_mask(cols.kg_event, cols.kg_audience, events, filters)
    pre, post = cols.kg_pre[kg], cols.kg_post[kg]
    both = (pre >= 0) & (post >= 0)
    reg = _row_mask(cols.reg_event, cols.reg_audience, events, filters) & cols.reg_attended
    person, online = cols.reg_person[reg], cols.reg_online[reg]
    m = _row_mask(cols.m_event, cols.m_audience, events, filters)
    metric, value = cols.m_metric[m], cols.m_value[m]
    measures: dict[str, list[float]] = {}
    for code in np.unique(metric).tolist():
        chosen = value[metric == code]
        high = int(np.count_nonzero(chosen >= 4))
        measures[METRIC_CODES[code]] = [int(chosen.size), float(chosen.sum()), high]
    return Aggregates(
        cells=_cells(cols, filters, events, depth),
        event_rows=_event_rows(cols, filters, events, depth),
        hist_diff=_histogram((post - pre)[both]),
        hist_pre=_histogram(pre[pre >= 0]),
        hist_post=_histogram(post[post >= 0]),
        unique_people=_distinct(person, cols.people),
        unique_onsite=_distinct(person[~online], cols.people),
        unique_online=_distinct(person[online], cols.people),
        measures=measures,
    )


def slice_values(cols: Columns) -> Iterator[tuple[str, str]]:
    """(dimension, value) of every single-filter slice with data (not months)."""
    counted = cols.ev_counted
    orgs = set(cols.ev_org[counted].tolist()) | set(cols.rv_org.tolist())
    yield from (("organisation", str(org)) for org in sorted(o for o in orgs if o))
    cities = {f"{c:06d}" for c in cols.ev_city[counted & (cols.ev_city >= 0)].tolist()}
    cities |= {code[:4] + "00" for code in cols.rv_region.tolist() if code}
    regions = {c[:2] for c in cities} | {c[:4] for c in cities}
    yield from (("region", code) for code in sorted(regions))
    audiences = {AUDIENCES[a] for a in np.unique(cols.reg_audience).tolist()}
    yield from (("audience", code) for code in sorted(audiences) if code)
    kinds = {KINDS[k] for k in np.unique(cols.ev_kind[counted]).tolist()}
    if len(cols.rv_org):
        kinds.add(EventKind.MOBILE.value)
    yield from (("kind", kind) for kind in sorted(kinds) if kind)
