from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from wanlixing.accounts.tests.factories import OrganisationFactory
from wanlixing.outreach.models import Campaign, Event


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"测试活动{n}")
    slug = factory.Sequence(lambda n: f"test-campaign-{n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    lead_organisation = factory.SubFactory(OrganisationFactory)


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event

    campaign = factory.SubFactory(CampaignFactory)
    organisation = factory.LazyAttribute(lambda o: o.campaign.lead_organisation)
    title = factory.Sequence(lambda n: f"防诈讲座第{n}场")
    kind = "lecture"
    setting = "community"
    area_type = "urban"
    region_code = "440305"
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(hours=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(hours=3))
