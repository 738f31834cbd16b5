"""The demo campaign copies the platform questionnaire templates, putting them back if gone."""

import pytest

from wanlixing.outreach.demo import demo_campaign_build
from wanlixing.surveys.models import Instrument

pytestmark = pytest.mark.django_db


def test_demo_builds_even_when_the_templates_were_removed():
    Instrument.objects.filter(is_template=True).delete()
    campaign = demo_campaign_build(participants=30, progress=False)
    kinds = set(Instrument.objects.filter(campaign=campaign).values_list("kind", flat=True))
    assert {"pre-test", "post-test", "satisfaction", "follow-up"} <= kinds
    assert Instrument.objects.filter(is_template=True).count() >= 2
