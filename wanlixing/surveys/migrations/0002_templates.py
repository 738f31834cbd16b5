"""Platform templates: a satisfaction questionnaire, a 30-day follow-up and the knowledge tests."""

from django.db import migrations

SATISFACTION = {
    "title": "活动满意度调查（模板）",
    "intro": "感谢参加本次活动！请花1分钟告诉我们您的感受，答卷不记录姓名和手机号。",
    "items": [
        ("satisfaction", "scale", "总体来说，您对本次活动满意吗？", "1分=很不满意，5分=很满意", [], True, "", None, "satisfaction", []),
        ("usefulness", "scale", "活动内容对您的生活有用吗？", "1分=没有用，5分=很有用", [], True, "", None, "usefulness", []),
        ("clarity", "scale", "讲解是否清楚、容易听懂？", "1分=很难懂，5分=很清楚", [], True, "", None, "clarity", []),
        ("recommend", "single", "您会推荐家人朋友参加类似活动吗？", "", ["会", "不会", "说不好"], True, "", None, "recommend", [1]),
        ("topics", "multiple", "您还想了解哪些内容？（可多选）", "", ["防范电信网络诈骗", "识别非法集资", "贷款真实利率", "个人信息保护", "养老金融", "数字人民币"], False, "", None, "", []),
        ("suggestion", "text", "您对活动还有什么建议？", "选填", [], False, "", None, "", []),
    ],
}

FOLLOW_UP = {
    "title": "活动后30天回访（模板）",
    "intro": "活动过去一个月了，想了解您在生活中用上了哪些知识。只需2分钟。",
    "items": [
        ("antifraud_app", "single", "您的手机上现在安装了“国家反诈中心”App吗？", "", ["已安装", "没有安装", "不清楚"], True, "", None, "installed_antifraud_app", [1]),
        ("met_suspicious", "single", "过去30天里，您是否遇到过可疑的转账、借钱、索要验证码或“高收益”投资的请求？", "", ["遇到过", "没遇到过"], True, "", None, "", []),
        ("handled_suspicious", "single", "遇到这些请求时，您是怎么做的？", "", ["拒绝了，并向家人、银行或96110核实", "按对方要求做了", "记不清了"], True, "met_suspicious", 1, "refused_suspicious", [1]),
        ("considered_loan", "single", "过去30天里，您是否办理或考虑过贷款、分期付款？", "", ["是", "否"], True, "", None, "", []),
        ("checked_rate", "single", "办理或比较时，您是否核算过真实年化利率？", "", ["核算过", "没有核算"], True, "considered_loan", 1, "checked_loan_rate", [1]),
        ("shared", "single", "您是否把活动中学到的知识告诉了家人或朋友？", "", ["告诉了", "还没有"], True, "", None, "shared_knowledge", [1]),
        ("story", "text", "有没有想和我们分享的经历？", "选填，请不要填写姓名、电话等个人信息", [], False, "", None, "", []),
    ],
}


def create(apps, schema_editor):
    Instrument = apps.get_model("surveys", "Instrument")
    Item = apps.get_model("surveys", "Item")
    for kind, spec in (("satisfaction", SATISFACTION), ("follow-up", FOLLOW_UP)):
        instrument = Instrument.objects.create(
            kind=kind, title=spec["title"], intro=spec["intro"], is_template=True
        )
        for position, row in enumerate(spec["items"], start=1):
            key, item_kind, text, help_text, options, required, show_key, show_value, metric, positive = row
            Item.objects.create(
                instrument=instrument,
                position=position,
                key=key,
                kind=item_kind,
                text=text,
                help=help_text,
                options=options,
                required=required,
                show_if_key=show_key,
                show_if_value=show_value,
                metric=metric,
                positive_options=positive,
            )
    for kind, form, title in (
        ("pre-test", "A", "活动前知识测试（A卷，模板）"),
        ("post-test", "B", "活动后知识测试（B卷，模板）"),
    ):
        Instrument.objects.create(
            kind=kind,
            title=title,
            literacy_form=form,
            is_template=True,
            intro="共若干道选择题，凭自己的理解作答即可，不计入任何考核。",
        )


def remove(apps, schema_editor):
    apps.get_model("surveys", "Instrument").objects.filter(is_template=True).delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
