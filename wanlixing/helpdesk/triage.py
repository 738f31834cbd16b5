"""Where a problem should go: rule matching and the step-by-step route shown to citizens.

Channel facts come only from items tagged SOLID in the project's fact sheet
(FACTS.md §4, §7, §10); where a limit is not established there the text says
"以机构公示为准" instead of a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from wanlixing.accounts.models import Organisation, OrganisationKind, Role
from wanlixing.accounts.regions import region_ancestors, region_get

from .models import Category, Channel, InstitutionType, RoutingRule

# Institution types whose complaint-handling limits (15 / 30 / 60 days) are SOLID in
# FACTS §4.3 (《银行业保险业消费投诉处理管理办法》); every other type: 以机构公示为准.
TIME_LIMITS_KNOWN = frozenset({InstitutionType.BANK, InstitutionType.INSURER})

# Categories where the institution is not the first stop.
NO_INSTITUTION_FIRST = frozenset(
    {Category.FRAUD, Category.ILLEGAL_FUNDRAISING, Category.CREDIT_REPORT}
)

# Organisation kinds that map onto an institution type when a citizen picks a
# participating organisation as the institution involved.
ORG_KIND_TO_INSTITUTION: dict[str, str] = {
    OrganisationKind.BANK: InstitutionType.BANK,
    OrganisationKind.INSURER: InstitutionType.INSURER,
    OrganisationKind.SECURITIES: InstitutionType.SECURITIES,
}


@dataclass(frozen=True)
class ChannelInfo:
    code: str
    name: str
    contact: str
    scope: str


def channel_info(code: str) -> ChannelInfo:
    """What a channel is and what it is for, in plain Chinese (SOLID facts only)."""
    table = {
        Channel.INSTITUTION: ChannelInfo(
            Channel.INSTITUTION,
            _("涉及的机构"),
            _("机构的客服电话、营业网点或官方App里的投诉入口"),
            _("金融机构是处理投诉的第一责任方，先找它说明情况、提出诉求。"),
        ),
        Channel.NFRA_12378: ChannelInfo(
            Channel.NFRA_12378,
            _("12378 银行保险消费者投诉维权热线"),
            _("拨打 12378（国家金融监督管理总局）"),
            _(
                "与银行、保险公司、消费金融公司等国家金融监督管理总局监管机构的纠纷："
                "误导销售、乱收费、理赔、催收等。"
            ),
        ),
        Channel.PBOC_12363: ChannelInfo(
            Channel.PBOC_12363,
            _("12363 中国人民银行金融消费权益保护咨询投诉电话"),
            _("拨打 12363（中国人民银行）"),
            _(
                "人民银行职责内的事项：支付、征信、人民币和现金、反洗钱等。"
                "人民银行要求先向机构投诉，对处理结果不满意再向人民银行反映。"
            ),
        ),
        Channel.CSRC_12386: ChannelInfo(
            Channel.CSRC_12386,
            _("12386 中国证监会服务平台"),
            _("拨打 12386（工作日 9:00–11:30、13:00–16:30），或登录 12386 网上平台（全天）"),
            _(
                "证券、期货、基金的投诉、举报、咨询和意见建议。经营机构负有投诉处理的首要责任；"
                "您同意的话，12386 可以把投诉转给调解组织。"
            ),
        ),
        Channel.SAMR_12315: ChannelInfo(
            Channel.SAMR_12315,
            _("12315 市场监管投诉举报"),
            _("拨打 12315 或使用全国 12315 平台"),
            _("商店、培训机构、商家的“分期”销售等非金融商品和服务的消费纠纷。"),
        ),
        Channel.POLICE_110: ChannelInfo(
            Channel.POLICE_110,
            _("110 报警"),
            _("立即拨打 110"),
            _("已经被骗，或者钱正在转出：马上报警，并打银行客服电话申请紧急止付。"),
        ),
        Channel.ANTIFRAUD_96110: ChannelInfo(
            Channel.ANTIFRAUD_96110,
            _("96110 反诈预警劝阻专线"),
            _("拨打 96110；来电显示“区号+96110”时请一定接听"),
            _("公安机关的反诈咨询和线索举报专线。96110 用于预警和咨询，报案请打 110。"),
        ),
        Channel.FUNDRAISING_OFFICE: ChannelInfo(
            Channel.FUNDRAISING_OFFICE,
            _("当地处置非法集资牵头部门或公安机关"),
            _(
                "当地地方金融管理部门（处置非法集资牵头部门）或公安机关；举报电话各地不同，以当地公布为准"
            ),
            _("县级以上地方政府设有处置非法集资牵头部门，负责受理非法集资举报。"),
        ),
        Channel.CREDIT_OBJECTION: ChannelInfo(
            Channel.CREDIT_OBJECTION,
            _("征信异议"),
            _("向人民银行征信中心（或其分中心）提出，也可以向报送这条信息的机构提出"),
            _(
                "征信信息有错误或遗漏时可以提出异议，免费办理；受理方应在收到异议之日起"
                " 20 日内核查处理并书面答复。"
            ),
        ),
    }
    return table[Channel(code)]


@dataclass
class RouteStep:
    title: str
    text: str
    channel: str = ""


@dataclass
class Route:
    category: str
    institution_type: str
    region_code: str
    channel: str
    rule: RoutingRule | None
    organisation: Organisation | None
    steps: list[RouteStep] = field(default_factory=list)

    @property
    def can_file_online(self) -> bool:
        return self.organisation is not None


def rule_match(
    *, category: str, institution_type: str = "", region_code: str = ""
) -> RoutingRule | None:
    """The most specific active rule: deepest region first, then a named institution type."""
    regions = [*region_ancestors(region_code), ""] if region_code else [""]
    candidates = RoutingRule.objects.filter(
        is_active=True,
        category=category,
        region_code__in=regions,
        institution_type__in=[institution_type, ""] if institution_type else [""],
    ).select_related("organisation")
    best: RoutingRule | None = None
    best_key: tuple[int, int] = (-1, -1)
    for rule in candidates:
        key = (len(regions) - regions.index(rule.region_code), 1 if rule.institution_type else 0)
        if key > best_key:
            best, best_key = rule, key
    return best


def organisation_is_participating(organisation: Organisation | None) -> bool:
    """An active organisation with at least one complaint handler takes tickets online."""
    if organisation is None or not organisation.is_active:
        return False
    return organisation.memberships.filter(role=Role.COMPLAINT_HANDLER).exists()


def participating_organisations() -> list[Organisation]:
    return list(
        Organisation.objects.filter(is_active=True)
        .annotate(handlers=Count("memberships", filter=Q(memberships__role=Role.COMPLAINT_HANDLER)))
        .filter(handlers__gt=0)
        .order_by("name")
    )


def _time_limit_text(institution_type: str) -> str:
    if institution_type in TIME_LIMITS_KNOWN:
        return _(
            "按《银行业保险业消费投诉处理管理办法》，银行、保险机构应在收到投诉之日起 15 日内"
            "作出处理决定并告知您；情况复杂的可延长至 30 日；特别复杂的，经批准并告知您后"
            "可再延长 30 日，最长不超过 60 日。"
        )
    return _("机构的处理时限以机构公示为准；投诉时可以问清楚多久答复，并记下受理编号。")


def _fallback_channel(category: str, institution_type: str) -> str:
    """Used only when no rule matches at all (e.g. before the seed rules are loaded)."""
    if category == Category.FRAUD:
        return Channel.POLICE_110
    if category == Category.ILLEGAL_FUNDRAISING:
        return Channel.FUNDRAISING_OFFICE
    if category == Category.CREDIT_REPORT:
        return Channel.CREDIT_OBJECTION
    by_type: dict[str, str] = {
        InstitutionType.BANK: Channel.NFRA_12378,
        InstitutionType.INSURER: Channel.NFRA_12378,
        InstitutionType.LENDER: Channel.NFRA_12378,
        InstitutionType.SECURITIES: Channel.CSRC_12386,
        InstitutionType.PAYMENT: Channel.PBOC_12363,
    }
    return by_type.get(institution_type, Channel.SAMR_12315)


def route_for(
    *,
    category: str,
    institution_type: str = "",
    region_code: str = "",
    organisation: Organisation | None = None,
) -> Route:
    """The route for a problem: the steps to take and who can take the case online.

    ``organisation`` is a participating organisation the citizen chose as the
    institution involved; it receives the case directly.
    """
    rule = rule_match(category=category, institution_type=institution_type, region_code=region_code)
    channel = rule.channel if rule else _fallback_channel(category, institution_type)
    handler_org = organisation if organisation_is_participating(organisation) else None
    if (
        handler_org is None
        and rule is not None
        and organisation_is_participating(rule.organisation)
    ):
        handler_org = rule.organisation
    route = Route(
        category=category,
        institution_type=institution_type,
        region_code=region_code,
        channel=channel,
        rule=rule,
        organisation=handler_org,
    )
    route.steps = _steps(category, institution_type, channel, rule)
    return route


def _steps(
    category: str, institution_type: str, channel: str, rule: RoutingRule | None
) -> list[RouteStep]:
    steps: list[RouteStep] = []
    info = channel_info(channel)
    if category == Category.FRAUD:
        steps.append(
            RouteStep(
                _("第一步：钱已经转出或正在转账，马上报警"),
                _("立即拨打 110，同时打银行客服电话申请紧急止付。不要再按对方要求转任何钱。"),
                Channel.POLICE_110,
            )
        )
        steps.append(
            RouteStep(
                _("第二步：拿不准是不是诈骗，先咨询"),
                _(
                    "拨打 96110 反诈专线咨询或举报线索；也可以在“国家反诈中心”App 里举报"
                    "（只从官方应用商店下载）。"
                ),
                Channel.ANTIFRAUD_96110,
            )
        )
    elif category == Category.ILLEGAL_FUNDRAISING:
        steps.append(
            RouteStep(_("第一步：向当地有关部门举报"), f"{info.contact}。{info.scope}", channel)
        )
        steps.append(
            RouteStep(
                _("第二步：保留证据"),
                _("保存合同、收据、转账记录、宣传材料和聊天记录，不要再追加投入。"),
            )
        )
    elif category == Category.CREDIT_REPORT:
        objection = channel_info(Channel.CREDIT_OBJECTION)
        steps.append(
            RouteStep(
                _("第一步：提出征信异议"),
                f"{objection.contact}。{objection.scope}",
                Channel.CREDIT_OBJECTION,
            )
        )
        later = channel if channel != Channel.CREDIT_OBJECTION else Channel.PBOC_12363
        later_info = channel_info(later)
        steps.append(
            RouteStep(
                _("第二步：对处理不满意，再向监管部门反映"),
                f"{later_info.contact}。{later_info.scope}",
                later,
            )
        )
    else:
        steps.append(
            RouteStep(
                _("第一步：先向涉及的机构投诉"),
                _("通过机构的客服电话、营业网点或官方App投诉，说明经过和诉求，记下受理编号。")
                + _time_limit_text(institution_type),
                Channel.INSTITUTION,
            )
        )
        steps.append(
            RouteStep(
                _("第二步：机构没有解决或没有按时答复，再找监管渠道"),
                f"{info.contact}。{info.scope}",
                channel,
            )
        )
        if category == Category.DEBT_COLLECTION:
            steps.append(
                RouteStep(
                    _("遇到人身威胁"),
                    _("催收中遇到暴力或威胁人身安全，请立即拨打 110 报警。"),
                    Channel.POLICE_110,
                )
            )
    if rule is not None and rule.note:
        steps.append(RouteStep(_("本地说明"), rule.note))
    return steps


def region_label(code: str) -> str:
    region = region_get(code)
    return region.name if region else ""
