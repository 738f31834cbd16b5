"""A realistic demo campaign, built with bulk inserts: for demos, the starter data and benchmarks.

Events spread over provinces, settings and audiences; people register, most come,
some walk in; pre- and post-test scores show a plausible gain that differs by
audience; a share answers the satisfaction survey and the 30-day follow-up. Random
but seeded: the same arguments give the same campaign. No real person is in it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from wanlixing.accounts.models import Organisation, OrganisationKind

from .models import (
    Audience,
    Campaign,
    Channel,
    Event,
    EventKind,
    EventSetting,
    Participant,
    Registration,
    RegistrationSource,
    city_code_of,
    month_of,
)
from .services import CODE_ALPHABET, CODE_LENGTH

DEMO_STARTER_SLUG = "demo-starter"

ORGANISATIONS = [
    ("演示·城东农商银行", OrganisationKind.BANK, "440305"),
    ("演示·江南商业银行", OrganisationKind.BANK, "320102"),
    ("演示·平安人寿保险分公司", OrganisationKind.INSURER, "510104"),
    ("演示·金融消费者权益保护协会", OrganisationKind.REGULATOR, "110101"),
    ("演示·反诈宣传志愿服务队", OrganisationKind.VOLUNTEER, "330106"),
    ("演示·幸福里社区居委会", OrganisationKind.COMMUNITY, "420106"),
]
# County codes across provinces (GB/T 2260), with a rural share for each.
COUNTIES = [
    ("110101", 0.0), ("110105", 0.05), ("120101", 0.0), ("130102", 0.2), ("140105", 0.3),
    ("210102", 0.1), ("310101", 0.0), ("320102", 0.05), ("320583", 0.4), ("330106", 0.1),
    ("330782", 0.5), ("340102", 0.2), ("350102", 0.1), ("360102", 0.3), ("370102", 0.2),
    ("410102", 0.4), ("420106", 0.1), ("430102", 0.2), ("440305", 0.0), ("440106", 0.0),
    ("441802", 0.5), ("450102", 0.4), ("500103", 0.2), ("510104", 0.1), ("520102", 0.5),
    ("530102", 0.4), ("610102", 0.2), ("620102", 0.5), ("640104", 0.5), ("650102", 0.3),
]  # fmt: skip
KIND_WEIGHTS = {
    EventKind.LECTURE: 0.26, EventKind.CONSULTATION: 0.2, EventKind.SALON: 0.08,
    EventKind.GAME: 0.1, EventKind.EXHIBITION: 0.06, EventKind.LIVESTREAM: 0.06,
    EventKind.MOBILE: 0.08, EventKind.HOME_VISIT: 0.08, EventKind.TRAINING: 0.08,
}  # fmt: skip
SETTINGS_FOR = {
    EventKind.LECTURE: [EventSetting.COMMUNITY, EventSetting.CAMPUS, EventSetting.ENTERPRISE,
                        EventSetting.ELDERLY_CARE],
    EventKind.CONSULTATION: [EventSetting.BANK_BRANCH, EventSetting.COMMUNITY,
                             EventSetting.VILLAGE],
    EventKind.SALON: [EventSetting.ENTERPRISE, EventSetting.COMMUNITY],
    EventKind.GAME: [EventSetting.CAMPUS, EventSetting.COMMUNITY],
    EventKind.EXHIBITION: [EventSetting.BANK_BRANCH, EventSetting.COMMUNITY],
    EventKind.LIVESTREAM: [EventSetting.ONLINE],
    EventKind.MOBILE: [EventSetting.VILLAGE],
    EventKind.HOME_VISIT: [EventSetting.VILLAGE, EventSetting.COMMUNITY],
    EventKind.TRAINING: [EventSetting.ENTERPRISE, EventSetting.CAMPUS, EventSetting.ONLINE],
}  # fmt: skip
AUDIENCE_FOR_SETTING = {
    EventSetting.CAMPUS: {"student": 0.85, "other": 0.15},
    EventSetting.ENTERPRISE: {"employee": 0.6, "new-citizen": 0.25, "small-business": 0.15},
    EventSetting.VILLAGE: {"rural": 0.7, "elderly": 0.25, "other": 0.05},
    EventSetting.ELDERLY_CARE: {"elderly": 0.95, "other": 0.05},
}
AUDIENCE_DEFAULT = {
    "elderly": 0.35, "new-citizen": 0.15, "employee": 0.15, "small-business": 0.1,
    "student": 0.1, "rural": 0.05, "other": 0.1,
}  # fmt: skip
# Mean knowledge gain (points) by audience: plausible, not a finding.
GAIN_MEAN = {"elderly": 9.0, "student": 12.0, "new-citizen": 8.0, "rural": 10.0,
             "employee": 6.0, "small-business": 7.0, "other": 5.0, "": 5.0}  # fmt: skip
AUDIENCES = [a.value for a in Audience]


def _choice(rng: np.random.Generator, weights: dict[Any, float], size: int) -> np.ndarray:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=size, p=p / p.sum())]


def _codes(count: int) -> list[str]:
    """``count`` distinct new participant codes."""
    codes: set[str] = set()
    alphabet = CODE_ALPHABET
    while len(codes) < count:
        need = count - len(codes)
        codes.update(
            "".join(secrets.choice(alphabet) for _ in range(CODE_LENGTH)) for _ in range(need + 16)
        )
    taken = set(
        Registration.objects.filter(code__in=list(codes)[:5000]).values_list("code", flat=True)
    )
    return [c for c in codes if c not in taken][:count]


class _Progress:
    def __init__(self, enabled: bool, total: int) -> None:
        self.bar = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="行", desc="生成演示数据", leave=False)

    def update(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _organisations() -> list[Organisation]:
    out = []
    for name, kind, region in ORGANISATIONS:
        org, _ = Organisation.objects.get_or_create(
            name=name, defaults={"kind": kind, "region_code": region}
        )
        out.append(org)
    return out


def demo_campaign_build(
    *,
    participants: int,
    slug: str = "",
    seed: int = 2026,
    progress: bool = True,
    events: int | None = None,
    batch_size: int = 5000,
) -> Campaign:
    """Build a demo campaign with ``participants`` people; returns it."""
    from wanlixing.surveys.models import (
        Instrument,
        InstrumentKind,
        KnowledgeGain,
        Measure,
        Response,
        ResponseSource,
    )
    from wanlixing.surveys.services import instrument_copy, instrument_templates_ensure

    rng = np.random.default_rng(seed)
    participants = max(10, participants)
    n_events = events or max(8, participants // 5)
    orgs = _organisations()
    today = timezone.localdate()
    starts_on = today - dt.timedelta(days=150)
    ends_on = today + dt.timedelta(days=30)
    slug = slug or f"demo-{today:%Y%m%d}-{secrets.token_hex(3)}"
    campaign = Campaign.objects.create(
        name=f"{today.year}年“金融知识万里行”演示活动",
        slug=slug,
        description="演示数据：由 wanlixing demo 生成，不含任何真实个人信息。",
        starts_on=starts_on,
        ends_on=ends_on,
        lead_organisation=orgs[0],
        budget=Decimal(n_events * 600),
    )
    campaign.organisations.set(orgs[1:])
    instrument_templates_ensure()
    instruments: dict[str, Any] = {
        kind: instrument_copy(
            template=Instrument.objects.filter(is_template=True, kind=kind).first(),  # type: ignore[arg-type]
            organisation_id=orgs[0].pk,
            campaign_id=campaign.pk,
            title=title,
        )
        for kind, title in (
            (InstrumentKind.PRE_TEST, "活动前知识测试（A卷）"),
            (InstrumentKind.POST_TEST, "活动后知识测试（B卷）"),
            (InstrumentKind.SATISFACTION, "活动满意度调查"),
            (InstrumentKind.FOLLOW_UP, "活动后30天回访"),
        )
    }
    n_regs_estimate = int(participants * 1.25)
    bar = _Progress(progress, n_events + participants + n_regs_estimate * 3)

    # Events: kind → setting → region, spread over the past 150 days.
    kinds = _choice(rng, KIND_WEIGHTS, n_events)
    county_idx = rng.integers(0, len(COUNTIES), n_events)
    day_offsets = rng.integers(0, 150, n_events)
    hours = rng.choice([9, 10, 14, 15, 19], n_events)
    org_idx = rng.integers(0, len(orgs), n_events)
    event_rows = []
    now = timezone.now()
    for i in range(n_events):
        kind = kinds[i]
        setting = SETTINGS_FOR[kind][int(rng.integers(0, len(SETTINGS_FOR[kind])))]
        code, rural_share = COUNTIES[county_idx[i]]
        rural = setting == EventSetting.VILLAGE or rng.random() < rural_share
        start = timezone.make_aware(
            dt.datetime.combine(
                starts_on + dt.timedelta(days=int(day_offsets[i])), dt.time(hours[i])
            )
        )
        event_rows.append(
            Event(
                campaign=campaign,
                organisation=orgs[org_idx[i]],
                title=f"{EventKind(kind).label}：守护好您的钱袋子（第{i + 1}场）",
                kind=kind,
                setting=setting,
                area_type="rural" if rural else "urban",
                region_code=code,
                city_code=city_code_of(code),
                venue="线上直播间" if setting == EventSetting.ONLINE else "活动现场",
                starts_at=start,
                ends_at=start + dt.timedelta(hours=2),
                month=month_of(start),
                materials_handed_out=int(rng.integers(0, 120)),
                cost=Decimal(int(rng.integers(50, 900))),
                created_at=now,
            )
        )

    # People: each attends one event, a fifth a second one.
    audiences_default = _choice(rng, AUDIENCE_DEFAULT, participants)
    first_event = rng.integers(0, n_events, participants)
    second = rng.random(participants) < 0.2
    regs: list[tuple[int, int, str]] = []  # (person index, event index, audience)
    person_audience = []
    for p in range(participants):
        setting = event_rows[first_event[p]].setting
        weights = AUDIENCE_FOR_SETTING.get(setting)
        audience = (
            str(_choice(rng, weights, 1)[0]) if weights is not None else str(audiences_default[p])
        )
        person_audience.append(audience)
        regs.append((p, int(first_event[p]), audience))
        if second[p]:
            other = int(rng.integers(0, n_events))
            if other != first_event[p]:
                regs.append((p, other, audience))
    n_regs = len(regs)
    attended = rng.random(n_regs) < 0.86
    walk_in = rng.random(n_regs) < 0.1
    attended |= walk_in
    registered_count = np.zeros(n_events, dtype=np.int64)
    attended_count = np.zeros(n_events, dtype=np.int64)
    for (_, e, _), went in zip(regs, attended, strict=True):
        registered_count[e] += 1
        attended_count[e] += int(went)
    views = rng.integers(50, 4000, n_events)
    for i, event in enumerate(event_rows):
        event.registered_count = int(registered_count[i])
        event.attended_count = int(attended_count[i])
        if event.is_online:
            event.online_views = int(views[i]) + event.attended_count
    with transaction.atomic():
        created_events = Event.objects.bulk_create(event_rows, batch_size=batch_size)
        bar.update(n_events)
        event_ids = [e.pk for e in created_events]
        online = [e.is_online for e in created_events]
        people = Participant.objects.bulk_create(
            [Participant(audience=a, created_at=now) for a in person_audience],
            batch_size=batch_size,
        )
        bar.update(participants)
        person_ids = [p.pk for p in people]
        codes = _codes(n_regs)
        registrations = []
        for r, (p, e, audience) in enumerate(regs):
            went = bool(attended[r])
            start = created_events[e].starts_at
            registrations.append(
                Registration(
                    event_id=event_ids[e],
                    participant_id=person_ids[p],
                    code=codes[r],
                    channel=Channel.ONLINE if online[e] else Channel.ONSITE,
                    source=RegistrationSource.WALK_IN
                    if walk_in[r] and not online[e]
                    else (RegistrationSource.ONLINE if online[e] else RegistrationSource.FORM),
                    audience=audience,
                    registered_at=start - dt.timedelta(days=2),
                    attended_at=start + dt.timedelta(minutes=5) if went else None,
                )
            )
        created_regs = Registration.objects.bulk_create(registrations, batch_size=batch_size)
        bar.update(n_regs)
        _answers(
            rng=rng,
            campaign=campaign,
            instruments=instruments,
            registrations=created_regs,
            events=created_events,
            attended=attended,
            bar=bar,
            batch_size=batch_size,
            models=(KnowledgeGain, Measure, Response, ResponseSource),
        )
    bar.close()
    return campaign


def _answers(
    *,
    rng: np.random.Generator,
    campaign: Campaign,
    instruments: dict[str, Any],
    registrations: list[Registration],
    events: list[Event],
    attended: np.ndarray,
    bar: _Progress,
    batch_size: int,
    models: tuple[Any, ...],
) -> None:
    from wanlixing.surveys.services import measures_from

    KnowledgeGain, Measure, Response, ResponseSource = models  # noqa: N806
    event_by_id = {e.pk: e for e in events}
    n = len(registrations)
    takes_pre = attended & (rng.random(n) < 0.72)
    takes_post = takes_pre & (rng.random(n) < 0.82)
    pre_scores = np.clip(np.rint(rng.normal(58, 16, n)), 0, 100).astype(int)
    gains = [GAIN_MEAN.get(reg.audience, 5.0) for reg in registrations]
    post_scores = np.clip(np.rint(pre_scores + rng.normal(np.array(gains), 11.0)), 0, 100).astype(
        int
    )
    kg = []
    for i, reg in enumerate(registrations):
        if takes_pre[i]:
            kg.append(
                KnowledgeGain(
                    registration_id=reg.pk,
                    campaign_id=campaign.pk,
                    event_id=reg.event_id,
                    audience=reg.audience,
                    pre_score=int(pre_scores[i]),
                    post_score=int(post_scores[i]) if takes_post[i] else None,
                )
            )
    KnowledgeGain.objects.bulk_create(kg, batch_size=batch_size)
    bar.update(n)

    satisfaction = instruments["satisfaction"]
    followup = instruments["follow-up"]
    sat_items = list(satisfaction.items.all())
    fu_items = list(followup.items.all())
    answers_sat = rng.random(n) < 0.45
    answers_fu = attended & (rng.random(n) < 0.22)
    responses = []
    measures: list[tuple[int, list[tuple[str, float]]]] = []
    for i, reg in enumerate(registrations):
        if not attended[i]:
            continue
        event = event_by_id[reg.event_id]
        when = event.ends_at
        if answers_sat[i]:
            score = int(np.clip(np.rint(rng.normal(4.3, 0.7)), 1, 5))
            answer = {
                "satisfaction": score,
                "usefulness": int(np.clip(score + rng.integers(-1, 2), 1, 5)),
                "clarity": int(np.clip(score + rng.integers(-1, 1), 1, 5)),
                "recommend": 0 if rng.random() < 0.82 else int(rng.integers(1, 3)),
            }
            responses.append((reg, satisfaction, answer, when))
            measures.append((len(responses) - 1, measures_from(sat_items, answer)))
        if answers_fu[i]:
            met = rng.random() < 0.3
            loan = rng.random() < 0.25
            answer = {
                "antifraud_app": 0 if rng.random() < 0.62 else 1,
                "met_suspicious": 0 if met else 1,
                "considered_loan": 0 if loan else 1,
                "shared": 0 if rng.random() < 0.7 else 1,
            }
            if met:
                answer["handled_suspicious"] = 0 if rng.random() < 0.88 else 1
            if loan:
                answer["checked_rate"] = 0 if rng.random() < 0.55 else 1
            responses.append((reg, followup, answer, when + dt.timedelta(days=30)))
            measures.append((len(responses) - 1, measures_from(fu_items, answer)))
    created = Response.objects.bulk_create(
        [
            Response(
                instrument=instrument,
                registration_id=reg.pk,
                campaign_id=campaign.pk,
                event_id=reg.event_id,
                audience=reg.audience,
                answers=answer,
                source=ResponseSource.ONLINE,
                submitted_at=when,
            )
            for reg, instrument, answer, when in responses
        ],
        batch_size=batch_size,
    )
    bar.update(len(created))
    rows = []
    for index, values in measures:
        response = created[index]
        for metric, value in values:
            rows.append(
                Measure(
                    response_id=response.pk,
                    campaign_id=campaign.pk,
                    event_id=response.event_id,
                    audience=response.audience,
                    metric=metric,
                    value=value,
                )
            )
    Measure.objects.bulk_create(rows, batch_size=batch_size)
    bar.update(len(rows))
