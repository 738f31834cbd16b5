"""Volunteers: sign-up, approval, training certification, shifts, hours and the leaderboard."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from wanlixing.accounts.tests.factories import UserFactory
from wanlixing.learning.selectors import attempt_questions
from wanlixing.learning.services import attempt_start_quiz, attempt_submit
from wanlixing.learning.tests.factories import QuestionFactory, QuizFactory
from wanlixing.outreach.models import Shift, ShiftSignup, SignupStatus, Training, Volunteer
from wanlixing.outreach.services import (
    OutreachError,
    shift_sign_up,
    training_certify,
    volunteer_apply,
    volunteer_approve,
)
from wanlixing.rewards.models import PointsEntry

from .factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(org):
    return EventFactory(campaign__lead_organisation=org, organisation=org)


@pytest.fixture
def shift(event):
    start = timezone.now() + dt.timedelta(days=2)
    return Shift.objects.create(
        event=event,
        title="签到引导",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        needed=1,
    )


@pytest.fixture
def helper(org, organiser):
    user = UserFactory(username="helper", display_name="王小明", phone="13900001111")
    volunteer = volunteer_apply(user=user, organisation_id=org.pk, skills=["guiding", "bogus"])
    return volunteer_approve(volunteer=volunteer, by=organiser)


def test_apply_page_creates_a_pending_volunteer_with_known_skills(client, learner, org):
    client.force_login(learner)
    response = client.post(
        "/events/volunteer/",
        {"organisation": org.pk, "skills": ["lecture", "dialect"], "region_code": "440305"},
    )
    assert response.status_code == 302
    volunteer = Volunteer.objects.get(user=learner)
    assert volunteer.status == "pending"
    assert volunteer.skills == ["lecture", "dialect"]
    body = client.get("/events/volunteer/").content.decode()
    assert "待审核" in body
    assert "审核通过后可以报名岗位" in body


def test_apply_rejects_a_bad_region_code_in_chinese(client, learner, org):
    client.force_login(learner)
    response = client.post("/events/volunteer/", {"organisation": org.pk, "region_code": "44"})
    assert response.status_code == 400
    assert "请填写6位行政区划代码" in response.content.decode()
    assert not Volunteer.objects.filter(user=learner).exists()


def test_only_the_organisations_organisers_approve(org, outsider, learner):
    volunteer = volunteer_apply(user=learner, organisation_id=org.pk, skills=[])
    with pytest.raises(OutreachError) as exc:
        volunteer_approve(volunteer=volunteer, by=outsider)
    assert exc.value.status == 403
    volunteer.refresh_from_db()
    assert volunteer.status == "pending"


def test_shift_sign_up_respects_the_number_needed(client, shift, helper, org, organiser):
    client.force_login(helper.user)
    assert client.post(f"/events/volunteer/shifts/{shift.pk}/sign-up/").status_code == 302
    client.post(f"/events/volunteer/shifts/{shift.pk}/sign-up/")  # twice: nothing new
    assert ShiftSignup.objects.filter(shift=shift).count() == 1
    other = volunteer_approve(
        volunteer=volunteer_apply(user=UserFactory(), organisation_id=org.pk, skills=[]),
        by=organiser,
    )
    with pytest.raises(OutreachError) as exc:
        shift_sign_up(shift=shift, volunteer=other)
    assert exc.value.code == "full"


def test_hours_confirmed_by_organiser_award_points_once(client, shift, helper, organiser):
    signup = shift_sign_up(shift=shift, volunteer=helper)
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=3), ends_at=timezone.now()
    )
    client.force_login(helper.user)
    client.post(f"/events/volunteer/signups/{signup.pk}/hours/", {"hours": "2.5"})
    signup.refresh_from_db()
    assert signup.hours_logged == Decimal("2.5")
    # the volunteer cannot confirm their own hours
    assert client.post(f"/events/volunteer/signups/{signup.pk}/confirm/").status_code == 403
    client.force_login(organiser)
    page = client.get(f"/events/{shift.event_id}/volunteers/").content.decode()
    assert "王小明" in page
    client.post(f"/events/volunteer/signups/{signup.pk}/confirm/", {"hours": "2"})
    client.post(f"/events/volunteer/signups/{signup.pk}/confirm/", {"hours": "5"})
    signup.refresh_from_db()
    assert signup.status == SignupStatus.CONFIRMED
    assert signup.hours_confirmed == Decimal("2.0")
    entries = PointsEntry.objects.filter(user=helper.user, activity=f"volunteer:shift:{shift.pk}")
    assert [e.points for e in entries] == [20]


def test_outsider_cannot_open_the_event_volunteer_page(client, shift, outsider, learner):
    client.force_login(outsider)
    assert client.get(f"/events/{shift.event_id}/volunteers/").status_code == 403
    client.force_login(learner)
    assert client.get(f"/events/{shift.event_id}/volunteers/").status_code == 403


def test_certification_needs_the_learning_quiz_passed(client, shift, helper, org):
    quiz = QuizFactory(question_count=3, levels=1)
    quiz.questions.add(*[QuestionFactory(topic=quiz.topic) for _ in range(3)])
    training = Training.objects.create(organisation=org, title="反诈宣讲员培训", quiz=quiz)
    Shift.objects.filter(pk=shift.pk).update(requires_certification=True)
    shift.refresh_from_db()
    with pytest.raises(OutreachError) as exc:
        shift_sign_up(shift=shift, volunteer=helper)
    assert exc.value.code == "not_certified"
    with pytest.raises(OutreachError) as exc:
        training_certify(volunteer=helper, training=training)
    assert exc.value.code == "not_passed"

    attempt = attempt_start_quiz(quiz=quiz, level=1, user=helper.user)
    answers = {q.pk: q.correct for q in attempt_questions(attempt)}
    attempt_submit(attempt=attempt, answers=answers)

    client.force_login(helper.user)
    client.post(f"/events/volunteer/trainings/{training.pk}/certify/")
    assert helper.certifications.filter(training=training).exists()
    assert shift_sign_up(shift=shift, volunteer=helper).status == SignupStatus.SIGNED_UP


def test_leaderboard_shows_masked_names_and_confirmed_hours_only(client, shift, helper, organiser):
    from wanlixing.outreach.services import shift_hours_confirm

    signup = shift_sign_up(shift=shift, volunteer=helper)
    shift_hours_confirm(signup=signup, by=organiser, hours="3")
    body = client.get("/events/volunteer/leaderboard/").content.decode()
    assert "王**" in body
    assert "王小明" not in body
    assert "13900001111" not in body
    assert "3.0" in body
