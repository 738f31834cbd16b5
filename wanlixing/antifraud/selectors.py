"""Reads for the anti-fraud tools."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.models import Count, Max, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from wanlixing.accounts.models import OrganisationKind, Role
from wanlixing.accounts.selectors import user_is_platform_admin, user_org_ids
from wanlixing.content.models import Article, ArticleKind

from .models import (
    FRAUD_TYPE_NAMES,
    FRAUD_TYPE_TOPICS,
    EmergingScript,
    LprRate,
    RedFlag,
    ScamReport,
)
from .scam.rules import RuleError, RuleSet, rule_build

RULES_RECHECK_SECONDS = 30
REVIEW_ROLES = frozenset({Role.ORG_ADMIN, Role.REVIEWER, Role.EDITOR, Role.COMPLAINT_HANDLER})
REVIEW_ORG_KINDS = (OrganisationKind.POLICE, OrganisationKind.REGULATOR)

_rules_lock = threading.Lock()
_rules_cache: dict[str, object] = {"signature": None, "checked": 0.0, "rules": None}


def _starter_rules() -> RuleSet:
    from .scam.training import ruleset_from_yaml

    return ruleset_from_yaml()


def _database_file_missing() -> bool:
    """True when the database is an SQLite file that does not exist yet or is empty (a
    fresh clone before ``migrate``): it has no tables, and connecting would create or
    change the file (WAL mode), so don't."""
    settings_db = connections.databases.get(DEFAULT_DB_ALIAS, {})
    if "sqlite" not in str(settings_db.get("ENGINE", "")):
        return False
    name = str(settings_db.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return False
    try:
        return Path(name).stat().st_size == 0
    except OSError:
        return True


def redflag_ruleset(*, fresh: bool = False) -> RuleSet:
    """The active red flags, compiled once per process and rebuilt when editors change them.

    A cheap signature query (count, last change) runs at most every 30 seconds, so every
    worker picks up edits without a restart. Without any rows (a database that has not
    loaded starter data) the starter file's rules are used.
    """
    now = time.monotonic()
    cached = _rules_cache["rules"]
    if (
        not fresh
        and isinstance(cached, RuleSet)
        and now - float(_rules_cache["checked"]) < RULES_RECHECK_SECONDS  # type: ignore[arg-type]
    ):
        return cached
    with _rules_lock:
        # None: no usable database (a fresh clone before ``migrate``, an empty or
        # unreachable database); the starter file's rules are used, and nothing is written.
        signature: tuple | None = None
        if not _database_file_missing():
            try:
                signature = tuple(
                    RedFlag.objects.filter(is_active=True)
                    .aggregate(n=Count("pk"), last=Max("updated_at"))
                    .values()
                )
            except DatabaseError:
                signature = None
        if not fresh and isinstance(cached, RuleSet) and signature == _rules_cache["signature"]:
            _rules_cache["checked"] = now
            return cached
        rows: list[RedFlag] = []
        if signature and signature[0]:
            try:
                rows = list(RedFlag.objects.filter(is_active=True).order_by("code"))
            except DatabaseError:
                signature = None
        rules: list = []
        for flag in rows:
            try:
                rules.append(rule_build(flag.as_rule_data()))
            except RuleError:
                continue  # saved before validation existed; skipped, never fatal
        ruleset = RuleSet(rules) if rules else _starter_rules()
        _rules_cache.update(signature=signature, checked=now, rules=ruleset)
        return ruleset


def lpr_on(day: date) -> LprRate | None:
    """The LPR quote in force on ``day`` (the latest one effective on or before it)."""
    return LprRate.objects.filter(effective_date__lte=day).order_by("-effective_date").first()


def civil_cap_on(day: date) -> Decimal | None:
    """4 × one-year LPR (percent) on the contract date; None before the first quote."""
    rate = lpr_on(day)
    return None if rate is None else rate.one_year * 4


def articles_for_fraud_type(fraud_type: str | None, *, limit: int = 4) -> list[Article]:
    """Published articles and cases that explain ``fraud_type`` (its topic's items,
    those naming the type first)."""
    topic = FRAUD_TYPE_TOPICS.get(fraud_type or "", "telecom-fraud")
    qs = Article.objects.published().filter(
        topic__slug=topic, kind__in=[ArticleKind.ARTICLE, ArticleKind.CASE]
    )
    name = str(FRAUD_TYPE_NAMES.get(fraud_type or "", ""))
    short = name.split("（")[0].split("/")[0][:4]
    items = (
        list(qs.filter(Q(title__contains=short) | Q(summary__contains=short))[:limit])
        if short
        else []
    )
    if len(items) < limit:
        items += list(qs.exclude(pk__in=[a.pk for a in items])[: limit - len(items)])
    return items


def emerging_scripts(*, days: int = 7, limit: int = 10) -> list[EmergingScript]:
    """Clusters of similar reports from the latest computation, seen in the last ``days``."""
    latest = EmergingScript.objects.aggregate(at=Max("computed_at"))["at"]
    if latest is None:
        return []
    since = timezone.now() - timedelta(days=days)
    return list(
        EmergingScript.objects.filter(computed_at=latest, last_seen__gte=since).order_by(
            "-size", "-last_seen"
        )[:limit]
    )


def review_org_ids(user) -> set[int]:
    """Police and regulator organisations in which the user may review reports."""
    from wanlixing.accounts.models import Organisation

    ids = user_org_ids(user, REVIEW_ROLES)
    return set(
        Organisation.objects.filter(pk__in=ids, kind__in=REVIEW_ORG_KINDS).values_list(
            "pk", flat=True
        )
    )


def reports_for_reviewer(*, user) -> QuerySet[ScamReport]:
    if user_is_platform_admin(user):
        return ScamReport.objects.all()
    return ScamReport.objects.filter(organisation_id__in=review_org_ids(user))


def report_get_for_reviewer(*, user, report_id: int) -> ScamReport:
    """The report if the user reviews for its organisation (platform admins: all)."""
    report = get_object_or_404(ScamReport, pk=report_id)
    if user_is_platform_admin(user):
        return report
    if report.organisation_id is None or report.organisation_id not in review_org_ids(user):
        raise PermissionDenied
    return report
