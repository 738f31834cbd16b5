"""Back office: a read-only ledger scoped to the staff's affiliated users; corrections."""

import pytest

from wanlixing.accounts.tests.factories import UserFactory
from wanlixing.rewards.models import PointsEntry
from wanlixing.rewards.services import points_award

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(org, other_org):
    ours = UserFactory(username="ours", display_name="本行客户", affiliation=org)
    theirs = UserFactory(username="theirs", display_name="别家客户", affiliation=other_org)
    return (
        points_award(user=ours, activity="quiz:1:1", points=10, reason="闯关本行"),
        points_award(user=theirs, activity="quiz:1:1", points=10, reason="闯关别家"),
    )


LIST = "/admin/rewards/pointsentry/"


def test_platform_admin_sees_every_entry(client, platform_admin, entries):
    client.force_login(platform_admin)
    body = client.get(LIST).content.decode()
    assert "闯关本行" in body
    assert "闯关别家" in body


def test_org_staff_see_only_their_affiliated_users(client, editor, outsider, entries):
    _ours, theirs = entries
    client.force_login(editor)
    body = client.get(LIST).content.decode()
    assert "闯关本行" in body
    assert "闯关别家" not in body
    assert client.get(f"{LIST}{theirs.pk}/change/").status_code in (302, 403)
    client.force_login(outsider)
    assert "闯关本行" not in client.get(LIST).content.decode()


def test_learner_and_volunteer_have_no_ledger_admin(client, volunteer, entries):
    client.force_login(volunteer)
    assert client.get(LIST).status_code == 302  # not staff: sent to the admin login


def test_nobody_can_add_change_or_delete(client, platform_admin, entries):
    ours, _ = entries
    client.force_login(platform_admin)
    assert client.get(f"{LIST}add/").status_code == 403
    assert client.get(f"{LIST}{ours.pk}/delete/").status_code == 403
    response = client.post(
        f"{LIST}{ours.pk}/change/",
        {"activity": "x", "points": 999, "reason": "改分"},
    )
    assert response.status_code == 403
    listing = client.get(LIST).content.decode()
    assert "delete_selected" not in listing
    assert PointsEntry.objects.get(pk=ours.pk).points == 10


def test_org_admin_corrects_own_users_entry(client, org_admin, entries):
    ours, _ = entries
    client.force_login(org_admin)
    page = client.get(f"{LIST}{ours.pk}/change/").content.decode()
    assert f"{ours.pk}/correct/" in page
    form = client.get(f"{LIST}{ours.pk}/correct/")
    assert form.status_code == 200
    too_much = client.post(f"{LIST}{ours.pk}/correct/", {"points": 11, "reason": "超出"})
    assert too_much.status_code == 400
    response = client.post(f"{LIST}{ours.pk}/correct/", {"points": 4, "reason": "答题作弊"})
    assert response.status_code == 302
    correction = PointsEntry.objects.get(corrects=ours)
    assert (correction.points, correction.reason, correction.created_by) == (
        -4,
        "答题作弊",
        org_admin,
    )
    again = client.get(f"{LIST}{ours.pk}/correct/")
    assert again.status_code == 302
    assert f"{ours.pk}/correct/" not in client.get(f"{LIST}{ours.pk}/change/").content.decode()


def test_only_admins_of_the_users_organisation_may_correct(client, editor, outsider, entries):
    ours, _theirs = entries
    client.force_login(editor)
    assert client.post(f"{LIST}{ours.pk}/correct/", {"points": 1, "reason": "x"}).status_code == 403
    client.force_login(outsider)
    assert client.post(f"{LIST}{ours.pk}/correct/", {"points": 1, "reason": "x"}).status_code == 403
    assert not PointsEntry.objects.filter(corrects=ours).exists()


def test_badge_definitions_belong_to_platform_admins(client, platform_admin, org_admin):
    client.force_login(org_admin)
    assert client.get("/admin/rewards/badge/").status_code == 403
    client.force_login(platform_admin)
    response = client.post(
        "/admin/rewards/badge/add/",
        {
            "code": "drill-1",
            "name": "初识骗局",
            "description": "完成第一次反诈演练。",
            "rule": "activity_count",
            "threshold": 1,
            "pattern": "drill:*",
            "how_to_earn": "",
            "icon": "shield",
            "color": "blue",
            "position": 5,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    body = client.get("/admin/rewards/badge/").content.decode()
    assert "初识骗局" in body
