"""The seed routing rules (nationwide), loaded by ``HelpdeskConfig.load_starter_data``.

Each rule: (category, institution type or "" for any, external channel). Channel
choices follow FACTS.md §4.2 (SOLID): the institution first, then 12378 for banks,
insurers and consumer-finance companies, 12363 for PBoC matters (payments, credit
reports), 12386 for securities, futures and funds, 12315 for non-financial consumer
matters, 110/96110 for fraud, the local 处非 office or police for illegal fundraising.
The seed names no organisation: it cannot know who participates. Staff add regional
rules that name their organisation in the back office.
"""

from __future__ import annotations

from django.db import transaction

from .models import Category as C  # noqa: N817 (keeps the table readable)
from .models import Channel as Ch
from .models import InstitutionType as T
from .models import RoutingRule

SEED_RULES: list[tuple[str, str, str]] = [
    (C.DEPOSIT_CARD, "", Ch.NFRA_12378),
    (C.LOAN_CREDIT_CARD, "", Ch.NFRA_12378),
    (C.LOAN_CREDIT_CARD, T.SECURITIES, Ch.CSRC_12386),
    (C.WEALTH_FUND, "", Ch.CSRC_12386),
    (C.WEALTH_FUND, T.BANK, Ch.NFRA_12378),
    (C.WEALTH_FUND, T.INSURER, Ch.NFRA_12378),
    (C.INSURANCE, "", Ch.NFRA_12378),
    (C.PAYMENT, "", Ch.PBOC_12363),
    (C.CREDIT_REPORT, "", Ch.CREDIT_OBJECTION),
    (C.FRAUD, "", Ch.POLICE_110),
    (C.ILLEGAL_FUNDRAISING, "", Ch.FUNDRAISING_OFFICE),
    (C.DEBT_COLLECTION, "", Ch.NFRA_12378),
    (C.PERSONAL_INFO, "", Ch.NFRA_12378),
    (C.PERSONAL_INFO, T.PAYMENT, Ch.PBOC_12363),
    (C.PERSONAL_INFO, T.SECURITIES, Ch.CSRC_12386),
    (C.PERSONAL_INFO, T.OTHER, Ch.SAMR_12315),
    (C.OTHER, "", Ch.SAMR_12315),
    (C.OTHER, T.BANK, Ch.NFRA_12378),
    (C.OTHER, T.INSURER, Ch.NFRA_12378),
    (C.OTHER, T.LENDER, Ch.NFRA_12378),
    (C.OTHER, T.SECURITIES, Ch.CSRC_12386),
    (C.OTHER, T.PAYMENT, Ch.PBOC_12363),
]


def routing_rules_seed() -> int:
    """Create the nationwide seed rules that do not exist yet; returns how many were created.

    Idempotent: existing rules, including ones staff edited, are left as they are.
    """
    created = 0
    with transaction.atomic():
        for category, institution_type, channel in SEED_RULES:
            _rule, was_created = RoutingRule.objects.get_or_create(
                category=category,
                institution_type=institution_type,
                region_code="",
                defaults={"channel": channel},
            )
            created += int(was_created)
    return created
