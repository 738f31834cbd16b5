from __future__ import annotations

import factory

from wanlixing.advisor.models import Collection, FaqEntry


class CollectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collection

    slug = factory.Sequence(lambda n: f"collection-{n}")
    name = factory.Sequence(lambda n: f"问答库{n}")


class FaqEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FaqEntry

    collection = factory.SubFactory(CollectionFactory)
    external_id = factory.Sequence(lambda n: f"e-{n}")
    question = factory.Sequence(lambda n: f"问题{n}")
    answer = "答案"
    source = "测试来源"
