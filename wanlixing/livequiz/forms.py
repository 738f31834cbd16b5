from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wanlixing.accounts.models import Organisation
from wanlixing.accounts.selectors import organisations_for_user
from wanlixing.learning.models import Question, Quiz
from wanlixing.learning.services import quiz_pool
from wanlixing.livequiz.models import Scoring
from wanlixing.livequiz.services import HOST_ROLES, MAX_QUESTIONS
from wanlixing.outreach.models import Event


class GameForm(forms.Form):
    SOURCES = [("quiz", _("从测验出题")), ("questions", _("从题库挑选题目"))]

    title = forms.CharField(label=_("名称"), max_length=80, initial=_("金融知识挑战赛"))
    organisation = forms.ModelChoiceField(label=_("主办机构"), queryset=Organisation.objects.none())
    source = forms.ChoiceField(
        label=_("题目来源"), choices=SOURCES, initial="quiz", widget=forms.RadioSelect
    )
    quiz = forms.ModelChoiceField(label=_("测验"), queryset=Quiz.objects.none(), required=False)
    question_count = forms.IntegerField(
        label=_("题目数量"),
        min_value=1,
        max_value=MAX_QUESTIONS,
        initial=10,
        help_text=_("从测验中按顺序取这么多道题。"),
    )
    questions = forms.ModelMultipleChoiceField(
        label=_("题目"),
        queryset=Question.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    seconds_per_question = forms.IntegerField(
        label=_("每题秒数"), min_value=5, max_value=120, initial=20
    )
    scoring = forms.ChoiceField(label=_("计分方式"), choices=Scoring.choices, initial="speed")
    team_names = forms.CharField(
        label=_("团队赛队名"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个队名（学校、社区或机构），留空为个人赛。"),
    )
    require_approval = forms.BooleanField(label=_("加入需主持人批准"), required=False)
    event = forms.ModelChoiceField(
        label=_("所属活动"),
        queryset=Event.objects.none(),
        required=False,
        help_text=_("选择后，本场玩家计入该活动的线上参与人数。"),
    )

    def __init__(self, *args: Any, user: Any, topic: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = organisations_for_user(user, *HOST_ROLES)
        org_ids = list(orgs.values_list("pk", flat=True))
        fields: Any = self.fields
        fields["organisation"].queryset = orgs
        visible = Q(organisation__isnull=True) | Q(organisation_id__in=org_ids)
        fields["quiz"].queryset = Quiz.objects.filter(visible, is_active=True).order_by("title")
        questions = Question.objects.practice().filter(visible).select_related("topic")
        if topic:
            questions = questions.filter(topic__slug=topic)
        shown = list(questions.order_by("topic__slug", "key").values_list("pk", flat=True)[:200])
        fields["questions"].queryset = (
            Question.objects.filter(pk__in=shown)
            .select_related("topic")
            .order_by("topic__slug", "key")
        )
        fields["questions"].label_from_instance = lambda q: q.stem
        fields["event"].queryset = Event.objects.filter(organisation_id__in=org_ids).order_by(
            "-starts_at"
        )[:100]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("source") == "quiz":
            quiz = data.get("quiz")
            if quiz is None:
                self.add_error("quiz", _("请选择测验。"))
            else:
                pool = quiz_pool(quiz)[: data.get("question_count") or 10]
                if not pool:
                    self.add_error("quiz", _("这个测验还没有可用的题目。"))
                data["picked"] = pool
        else:
            picked = list(data.get("questions") or [])
            if not picked:
                self.add_error("questions", _("请至少选择一道题。"))
            elif len(picked) > MAX_QUESTIONS:
                self.add_error("questions", _("最多选择 50 道题。"))
            data["picked"] = picked
        names = [n.strip() for n in (data.get("team_names") or "").splitlines() if n.strip()]
        if len(names) == 1 or len(names) > 30:
            self.add_error("team_names", _("团队赛需要 2 到 30 支队伍。"))
        data["teams"] = names
        return data
