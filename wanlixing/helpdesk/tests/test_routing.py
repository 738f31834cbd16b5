"""Routing rules: every seed rule, most-specific match, the steps citizens are shown."""

import pytest

from wanlixing.accounts.models import Role
from wanlixing.accounts.services import membership_add
from wanlixing.accounts.tests.factories import OrganisationFactory, UserFactory
from wanlixing.helpdesk.models import Category, Channel, InstitutionType, RoutingRule
from wanlixing.helpdesk.starter import SEED_RULES, routing_rules_seed
from wanlixing.helpdesk.tests.factories import RoutingRuleFactory
from wanlixing.helpdesk.triage import route_for, rule_match

pytestmark = pytest.mark.django_db

CHANNEL_NUMBER = {
    Channel.NFRA_12378: "12378",
    Channel.PBOC_12363: "12363",
    Channel.CSRC_12386: "12386",
    Channel.SAMR_12315: "12315",
    Channel.POLICE_110: "110",
    Channel.FUNDRAISING_OFFICE: "处置非法集资牵头部门",
    Channel.CREDIT_OBJECTION: "征信中心",
}


@pytest.mark.parametrize(("category", "institution_type", "channel"), SEED_RULES)
def test_every_seed_rule_routes_to_its_channel(seed_rules, category, institution_type, channel):
    route = route_for(category=category, institution_type=institution_type, region_code="440305")
    assert route.rule is not None
    assert (route.rule.category, route.rule.institution_type, route.rule.region_code) == (
        category,
        institution_type,
        "",
    )
    assert route.channel == channel
    text = " ".join(step.text for step in route.steps)
    assert CHANNEL_NUMBER[channel] in text
    assert route.organisation is None  # the seed names no organisation


def test_seed_covers_every_category_with_a_catch_all():
    catch_all = {c for c, t, _ch in SEED_RULES if t == ""}
    assert catch_all == set(Category.values)


def test_seed_is_idempotent(db):
    assert routing_rules_seed() == len(SEED_RULES)
    assert routing_rules_seed() == 0
    assert RoutingRule.objects.count() == len(SEED_RULES)


def test_named_institution_type_beats_any_type(seed_rules):
    assert route_for(category=Category.OTHER, institution_type="securities").channel == "12386"
    assert route_for(category=Category.OTHER, institution_type="payment").channel == "12363"
    assert route_for(category=Category.OTHER, institution_type="").channel == "12315"


def test_region_county_beats_city_beats_province_beats_nationwide(seed_rules):
    county, city, province = (
        OrganisationFactory(name="南山区消保站"),
        OrganisationFactory(name="深圳市消保站"),
        OrganisationFactory(name="广东省消保站"),
    )
    cat = Category.INSURANCE
    RoutingRuleFactory(category=cat, region_code="440000", organisation=province)
    RoutingRuleFactory(category=cat, region_code="440300", organisation=city)
    RoutingRuleFactory(category=cat, region_code="440305", organisation=county)
    assert rule_match(category=cat, region_code="440305").organisation == county
    assert rule_match(category=cat, region_code="440303").organisation == city
    assert rule_match(category=cat, region_code="440103").organisation == province
    assert rule_match(category=cat, region_code="110101").organisation is None
    assert rule_match(category=cat, region_code="").organisation is None


def test_deeper_region_wins_over_named_institution_type(seed_rules):
    city_any = RoutingRuleFactory(category=Category.PAYMENT, region_code="440300")
    RoutingRuleFactory(category=Category.PAYMENT, institution_type="bank", region_code="440000")
    assert rule_match(category=Category.PAYMENT, institution_type="bank", region_code="440305") == (
        city_any
    )


def test_inactive_rules_are_ignored(seed_rules):
    RoutingRuleFactory(
        category=Category.FRAUD, region_code="440305", channel="96110", is_active=False
    )
    assert rule_match(category=Category.FRAUD, region_code="440305").region_code == ""


def test_rule_organisation_takes_cases_online_only_with_handlers(seed_rules):
    org = OrganisationFactory(name="深圳市金融消费纠纷调解中心", kind="other")
    RoutingRuleFactory(category=Category.INSURANCE, region_code="440300", organisation=org)
    assert route_for(category=Category.INSURANCE, region_code="440305").organisation is None
    membership_add(user=UserFactory(), organisation=org, role=Role.COMPLAINT_HANDLER)
    route = route_for(category=Category.INSURANCE, region_code="440305")
    assert route.organisation == org
    assert route.can_file_online


def test_bank_complaints_show_the_15_30_60_day_limits(seed_rules):
    route = route_for(category=Category.DEPOSIT_CARD, institution_type=InstitutionType.BANK)
    first = route.steps[0]
    assert first.channel == Channel.INSTITUTION
    assert "15 日" in first.text
    assert "30 日" in first.text
    assert "60 日" in first.text


@pytest.mark.parametrize("institution_type", ["securities", "payment", "lender", "other", ""])
def test_other_institutions_say_limits_follow_the_institutions_notice(seed_rules, institution_type):
    route = route_for(category=Category.OTHER, institution_type=institution_type)
    assert "以机构公示为准" in route.steps[0].text
    assert "15 日" not in route.steps[0].text


def test_fraud_sends_people_to_110_first_not_to_the_institution(seed_rules):
    route = route_for(category=Category.FRAUD, institution_type="bank")
    assert [s.channel for s in route.steps] == [Channel.POLICE_110, Channel.ANTIFRAUD_96110]
    assert "紧急止付" in route.steps[0].text


def test_credit_report_objection_then_12363(seed_rules):
    route = route_for(category=Category.CREDIT_REPORT)
    assert route.steps[0].channel == Channel.CREDIT_OBJECTION
    assert "20 日" in route.steps[0].text
    assert "免费" in route.steps[0].text
    assert route.steps[1].channel == Channel.PBOC_12363


def test_debt_collection_mentions_110_for_threats(seed_rules):
    route = route_for(category=Category.DEBT_COLLECTION, institution_type="lender")
    assert route.steps[-1].channel == Channel.POLICE_110


def test_route_without_any_rules_falls_back_sensibly(db):
    assert route_for(category=Category.FRAUD).channel == Channel.POLICE_110
    assert route_for(category=Category.OTHER, institution_type="securities").channel == "12386"


def test_local_note_is_shown(seed_rules):
    RoutingRuleFactory(
        category=Category.ILLEGAL_FUNDRAISING,
        region_code="440300",
        channel="fundraising-office",
        note="深圳市举报电话以市地方金融管理局公布为准。",
    )
    route = route_for(category=Category.ILLEGAL_FUNDRAISING, region_code="440305")
    assert route.steps[-1].text.startswith("深圳市举报电话")


def test_route_page_renders_steps(client, seed_rules):
    response = client.get(
        "/help/route/",
        {"category": "insurance", "institution_type": "insurer", "region_code": "440305"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "12378" in body
    assert "15 日" in body
    assert "/help/new/?category=insurance" in body


def test_route_page_rejects_unknown_category_with_400(client):
    response = client.get("/help/route/", {"category": "nope"})
    assert response.status_code == 400
    assert "选择一个有效的选项" in response.content.decode() or "有效" in response.content.decode()
