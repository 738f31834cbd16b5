"""Reference data every database needs (audience segments, campaign topics).

Migrations seed it; ``reference_data_ensure`` puts it back where a database was flushed
(transactional tests) and is safe to call any time.
"""

from __future__ import annotations

SEGMENTS = [
    ("elderly", "老年人"),
    ("student", "青少年学生"),
    ("new-citizen", "新市民"),
    ("rural", "农村居民"),
    ("employee", "企业职工"),
    ("small-business", "小微企业主"),
    ("other", "其他"),
]

TOPICS = [
    ("deposit-insurance", "存款与存款保险"),
    ("loan-rate", "贷款与真实利率"),
    ("credit-card", "信用卡"),
    ("payment-security", "支付结算与银行卡安全"),
    ("credit-report", "征信"),
    ("personal-info", "个人信息保护"),
    ("telecom-fraud", "电信网络诈骗"),
    ("illegal-fundraising", "非法集资"),
    ("rational-investing", "理性投资"),
    ("insurance", "保险"),
    ("pension-finance", "养老金融与养老诈骗"),
    ("digital-rmb", "数字人民币"),
    ("aml-gambling", "反洗钱与反赌博"),
    ("consumer-rights", "金融消费者权益保护"),
]


def reference_data_ensure() -> None:
    from wanlixing.accounts.models import Segment
    from wanlixing.content.models import Topic

    if Segment.objects.count() < len(SEGMENTS):
        for position, (code, name) in enumerate(SEGMENTS):
            Segment.objects.get_or_create(code=code, defaults={"name": name, "position": position})
    if Topic.objects.count() < len(TOPICS):
        for position, (slug, name) in enumerate(TOPICS):
            Topic.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
