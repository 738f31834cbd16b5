"""Alerts: targeting by region ancestors and segments, publishing, fan-out, opens, drafts."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wanlixing.accounts.models import Segment
from wanlixing.accounts.tests.factories import UserFactory
from wanlixing.alerts import services
from wanlixing.alerts.models import Alert, AlertCount, AlertStatus, Delivery
from wanlixing.alerts.selectors import alert_target_users, alerts_for, alerts_for_user
from wanlixing.alerts.tests.factories import AlertFactory

pytestmark = pytest.mark.django_db


def _titles(qs):
    return sorted(a.title for a in qs)


@pytest.fixture
def alerts(db):
    return {
        "nation": AlertFactory(title="全国"),
        "guangdong": AlertFactory(title="广东", regions=["440000"]),
        "shenzhen": AlertFactory(title="深圳", regions=["440300"]),
        "nanshan": AlertFactory(title="南山", regions=["440305"]),
        "beijing": AlertFactory(title="北京", regions=["110000"]),
        "elderly": AlertFactory(title="老人", segment_codes=["elderly"]),
        "expired": AlertFactory(title="过期", expires_at=timezone.now() - dt.timedelta(hours=1)),
        "draft": AlertFactory(title="草稿", status=AlertStatus.DRAFT),
    }


def test_feed_matches_region_and_its_ancestors(alerts):
    assert _titles(alerts_for(region_code="440305")) == ["全国", "南山", "广东", "深圳"]
    assert _titles(alerts_for(region_code="440303")) == ["全国", "广东", "深圳"]
    assert _titles(alerts_for(region_code="440300")) == ["全国", "广东", "深圳"]
    assert _titles(alerts_for(region_code="110101")) == ["全国", "北京"]
    assert _titles(alerts_for(region_code="")) == ["全国"]


def test_feed_matches_segments_chosen_or_implied_by_age(alerts):
    assert "老人" in _titles(alerts_for(segments={"elderly"}))
    assert "老人" not in _titles(alerts_for(segments={"student"}))
    young = UserFactory(region_code="440305", age_band="18-29")
    old = UserFactory(region_code="440305", age_band="70+")
    chose = UserFactory(region_code="440305")
    chose.segments.set(Segment.objects.filter(code="elderly"))
    assert "老人" not in _titles(alerts_for_user(young))
    assert "老人" in _titles(alerts_for_user(old))
    assert "老人" in _titles(alerts_for_user(chose))


def test_target_users_match_the_feed(alerts):
    inside = UserFactory(region_code="440305")
    city_only = UserFactory(region_code="440300")
    elsewhere = UserFactory(region_code="110101")
    nowhere = UserFactory(region_code="")
    quiet = UserFactory(region_code="440305")
    services.preference_update(user=quiet, opted_out=True)
    gd = set(alert_target_users(alerts["guangdong"]))
    assert gd == {inside, city_only}
    assert set(alert_target_users(alerts["nanshan"])) == {inside}
    assert set(alert_target_users(alerts["nation"])) >= {inside, elsewhere, nowhere}
    assert quiet not in set(alert_target_users(alerts["nation"]))
    # the feed and the audience agree for every user and alert
    for user in (inside, city_only, elsewhere, nowhere):
        feed = set(alerts_for_user(user))
        for key in ("nation", "guangdong", "shenzhen", "nanshan", "beijing", "elderly"):
            alert = alerts[key]
            assert (alert in feed) == (user in set(alert_target_users(alert))), (key, user)


def test_home_panel_and_feed_page(client, alerts, learner):
    client.force_login(learner)  # 440305, age 60-69
    home = client.get("/").content.decode()
    assert "最新风险提示" in home
    feed = client.get("/alerts/").content.decode()
    for title in ("南山", "深圳", "广东", "老人", "全国"):
        assert title in feed
    assert "北京" not in feed
    assert "草稿" not in feed
    assert "过期" not in feed
    assert client.get("/alerts/?region=110101").content.decode().count("北京") >= 1


def test_draft_and_expired_alerts_are_not_public(client, alerts):
    assert client.get(f"/alerts/{alerts['draft'].pk}/").status_code == 404
    assert client.get(f"/alerts/{alerts['expired'].pk}/").status_code == 404


def test_publish_fans_out_in_batches_to_the_targeted_people(
    settings, org, org_admin, django_capture_on_commit_callbacks
):
    settings.NOTIFY_BATCH_SIZE = 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    people = [UserFactory(region_code="440305", email=f"p{i}@example.cn") for i in range(5)]
    services.preference_update(user=people[0], email_enabled=True)
    outsider = UserFactory(region_code="110101")
    alert = services.alert_save(
        by=org_admin,
        title="南山区出现冒充社保局电话",
        fraud_type="impersonate-authority",
        watch_for="自称社保局说您的医保卡被冻结。",
        what_to_do="挂断，打官方电话核实。",
        regions=["440305"],
        channels=["email"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.alert_publish(alert=alert, by=org_admin)
    in_app = Delivery.objects.filter(alert=alert, channel="in_app")
    assert set(in_app.values_list("user", flat=True)) >= {p.pk for p in people}
    assert not in_app.filter(user=outsider).exists()
    assert set(in_app.values_list("status", flat=True)) == {"sent"}
    assert Delivery.objects.get(alert=alert, channel="email").status == "sent"
    counts = {c.channel: (c.targeted, c.sent) for c in AlertCount.objects.filter(alert=alert)}
    assert counts["email"] == (1, 1)
    assert counts["in_app"][0] == counts["in_app"][1] == in_app.count()
    alert.refresh_from_db()
    assert alert.fanout_finished_at is not None
    # publishing again is refused; fanning out again creates nothing new
    with pytest.raises(ValidationError):
        services.alert_publish(alert=alert, by=org_admin)
    before = Delivery.objects.count()
    services.alert_fan_out(alert_id=alert.pk)
    assert Delivery.objects.count() == before


def test_fan_out_batch_count(settings, org_admin):
    settings.NOTIFY_BATCH_SIZE = 2
    for _ in range(5):
        UserFactory(region_code="440305")
    alert = AlertFactory(regions=["440305"])
    assert services.alert_fan_out(alert_id=alert.pk) == len(
        range(0, alert_target_users(alert).count(), 2)
    )


def test_opening_an_alert_counts_once(client, learner, org_admin):
    alert = services.alert_save(
        by=org_admin,
        title="提示",
        fraud_type="brushing",
        watch_for="刷单",
        what_to_do="不要刷单",
        regions=["440305"],
    )
    services.alert_publish(alert=alert, by=org_admin)
    services.alert_fan_out(alert_id=alert.pk)
    client.force_login(learner)
    client.get(f"/alerts/{alert.pk}/")
    client.get(f"/alerts/{alert.pk}/")
    delivery = Delivery.objects.get(alert=alert, user=learner, channel="in_app")
    assert delivery.opened_at is not None
    assert AlertCount.objects.get(alert=alert, channel="in_app").opened == 1


def test_org_publishes_only_inside_its_region(org, org_admin, platform_admin):
    kwargs = {
        "title": "提示",
        "fraud_type": "brushing",
        "watch_for": "刷单",
        "what_to_do": "不要刷单",
    }
    with pytest.raises(ValidationError) as exc:
        services.alert_save(by=org_admin, regions=["110101"], **kwargs)
    assert "本辖区" in str(exc.value)
    with pytest.raises(ValidationError):
        services.alert_save(by=org_admin, regions=[], **kwargs)  # nationwide: platform only
    nationwide = services.alert_save(by=platform_admin, regions=[], **kwargs)
    assert nationwide.organisation is None


def test_bad_alert_input_is_refused_in_chinese(org_admin):
    with pytest.raises(ValidationError) as exc:
        services.alert_save(
            by=org_admin,
            title="",
            fraud_type="nope",
            watch_for="",
            what_to_do="",
            regions=["999999"],
            severity="extreme",
        )
    fields = exc.value.message_dict
    assert set(fields) == {"title", "fraud_type", "watch_for", "what_to_do", "regions", "severity"}
    assert "地区代码无效" in fields["regions"][0]


def test_staff_without_alert_role_cannot_publish(handler, learner):
    with pytest.raises(PermissionDenied):
        services.alert_save(
            by=handler,
            title="t",
            fraud_type="brushing",
            watch_for="w",
            what_to_do="d",
            regions=["440305"],
        )
    assert learner is not None


def test_draft_from_emerging_script(org_admin):
    alert = services.alert_draft_from_script(
        title="新型“注销校园贷”话术",
        fraud_type="fake-credit-report",
        examples=[
            "您好，我是某平台客服，您大学时开通的校园贷要注销，不然影响征信。",
            "  ",
            "需要您把额度借出来转到验证账户",
        ],
        regions=["440305"],
        by=org_admin,
    )
    assert alert.status == AlertStatus.DRAFT
    assert alert.severity == "high"
    assert alert.source == "antifraud-script"
    assert "“需要您把额度借出来转到验证账户”" in alert.watch_for
    assert "征信不能" in alert.what_to_do
    assert "110" in alert.what_to_do
    assert alert.region_codes == ["440305"]
    with pytest.raises(ValidationError):
        services.alert_draft_from_script(
            title="x", fraud_type="brushing", examples=[" "], regions=["440305"], by=org_admin
        )


def test_staff_pages_create_publish_and_show_counts(client, org_admin, learner):
    client.force_login(org_admin)
    response = client.post(
        "/alerts/staff/new/",
        {
            "title": "警惕“保健品+投资”骗局",
            "fraud_type": "illegal-fundraising",
            "severity": "high",
            "watch_for": "免费体检后推荐高息投资。",
            "what_to_do": "不要投钱，向有关部门举报。",
            "regions": "440305",
            "segments": ["elderly"],
        },
    )
    alert = Alert.objects.get()
    assert response.status_code == 302
    client.post(f"/alerts/staff/{alert.pk}/publish/", {"action": "publish"})
    alert.refresh_from_db()
    assert alert.status == AlertStatus.PUBLISHED
    dashboard = client.get("/alerts/staff/dashboard/").content.decode()
    assert "警惕“保健品+投资”骗局" in dashboard
    script = client.post(
        "/alerts/staff/from-script/",
        {
            "title": "新话术",
            "fraud_type": "brushing",
            "examples": "做任务返佣金\n垫付才能提现",
            "regions": "440305",
        },
    )
    assert script.status_code == 302
    client.force_login(learner)
    assert client.get("/alerts/staff/").status_code == 403


def test_withdrawn_alert_leaves_the_feed(org_admin):
    alert = services.alert_save(
        by=org_admin,
        title="提示",
        fraud_type="brushing",
        watch_for="刷单",
        what_to_do="不要刷单",
        regions=["440305"],
    )
    services.alert_publish(alert=alert, by=org_admin)
    assert alert in alerts_for(region_code="440305")
    services.alert_withdraw(alert=alert, by=org_admin)
    assert alert not in alerts_for(region_code="440305")


@pytest.fixture
def emerging_script(db):
    from wanlixing.antifraud.models import EmergingScript, ScamReport

    now = timezone.now()
    reports = [
        ScamReport.objects.create(
            text=f"注销校园贷，否则影响征信 {i}", region_code=code, consent_at=now
        )
        for i, code in enumerate(["440305", "440303", "110101"])
    ]
    return EmergingScript.objects.create(
        computed_at=now,
        window_days=7,
        label="注销 校园贷 征信",
        size=3,
        fraud_type="fake-credit-report",
        report_ids=[r.pk for r in reports],
        examples=["您的校园贷需要注销，不然影响征信", "把额度借出来转到验证账户"],
        first_seen=now - dt.timedelta(days=2),
        last_seen=now,
    )


def test_one_step_alert_from_cluster_by_platform_admin(client, platform_admin, emerging_script):
    client.force_login(platform_admin)
    page = client.get("/alerts/staff/from-script/").content.decode()
    assert "注销 校园贷 征信" in page
    response = client.post("/alerts/staff/from-script/", {"script_id": emerging_script.pk})
    assert response.status_code == 302
    alert = Alert.objects.get(source="antifraud-script")
    assert alert.status == AlertStatus.DRAFT
    assert alert.fraud_type == "fake-credit-report"
    assert "“把额度借出来转到验证账户”" in alert.watch_for
    assert alert.region_codes == []  # platform: nationwide


def test_one_step_alert_keeps_police_org_within_its_area(org, org_admin, emerging_script):
    from wanlixing.accounts.models import Organisation

    Organisation.objects.filter(pk=org.pk).update(kind="police", region_code="440300")
    alert = services.alert_draft_from_emerging_script(script_id=emerging_script.pk, by=org_admin)
    assert alert.region_codes == ["440303", "440305"]  # 110101 lies outside Shenzhen


def test_script_list_hidden_from_staff_who_may_not_see_reports(client, org_admin, emerging_script):
    client.force_login(org_admin)  # a bank's admin: may publish alerts, not read reports
    page = client.get("/alerts/staff/from-script/").content.decode()
    assert "注销 校园贷 征信" not in page


def test_one_step_alert_for_unknown_cluster_is_refused(client, platform_admin):
    client.force_login(platform_admin)
    response = client.post("/alerts/staff/from-script/", {"script_id": "999999"}, follow=True)
    assert "不存在" in response.content.decode()
    assert not Alert.objects.exists()
