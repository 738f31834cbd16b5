from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from wanlixing.accounts.tests.factories import UserFactory
from wanlixing.helpdesk.models import Category, Kind, RoutingRule, Ticket


class RoutingRuleFactory(DjangoModelFactory):
    class Meta:
        model = RoutingRule

    category = Category.DEPOSIT_CARD
    institution_type = ""
    region_code = ""
    channel = "12378"


class TicketFactory(DjangoModelFactory):
    class Meta:
        model = Ticket

    kind = Kind.COMPLAINT
    user = factory.SubFactory(UserFactory)
    category = Category.DEPOSIT_CARD
    institution_name = "某银行某支行"
    institution_type = "bank"
    description = "柜员推销理财时没有说明风险，我想退回本金。"
    region_code = "440305"
    channel = "12378"
    sla_days = 15
    created_at = factory.LazyFunction(timezone.now)
    due_at = factory.LazyAttribute(lambda t: t.created_at + dt.timedelta(days=t.sla_days))
