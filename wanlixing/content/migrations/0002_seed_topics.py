from django.db import migrations

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


def seed(apps, schema_editor):
    Topic = apps.get_model("content", "Topic")
    for position, (slug, name) in enumerate(TOPICS):
        Topic.objects.update_or_create(slug=slug, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("content", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
