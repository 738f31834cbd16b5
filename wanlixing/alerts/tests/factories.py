from __future__ import annotations

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from wanlixing.alerts.models import Alert, AlertRegion, AlertStatus


class AlertFactory(DjangoModelFactory):
    class Meta:
        model = Alert
        skip_postgeneration_save = True

    fraud_type = "fake-customer-service"
    title = factory.Sequence(lambda n: f"警惕冒充快递客服“理赔”第{n}号")
    watch_for = "自称快递客服说包裹丢了要理赔，让您下载会议App并屏幕共享。"
    what_to_do = "挂断电话，只在官方平台里联系客服。"
    status = AlertStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        for code in extracted or []:
            AlertRegion.objects.create(alert=self, region_code=code)

    @factory.post_generation
    def segment_codes(self, create, extracted, **kwargs):
        if extracted:
            from wanlixing.accounts.models import Segment

            self.segments.set(Segment.objects.filter(code__in=extracted))
