"""Role and organisation isolation in the back office and the API."""

import pytest
from django.core.exceptions import PermissionDenied

from wanlixing.accounts.models import Membership, Role
from wanlixing.accounts.selectors import (
    organisation_get_for_admin,
    user_get_for_staff,
    user_has_role,
)
from wanlixing.accounts.services import membership_add, membership_remove
from wanlixing.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_staff_role_opens_back_office_and_volunteer_does_not(editor, volunteer):
    assert editor.is_staff
    assert not volunteer.is_staff


def test_removing_last_staff_role_closes_back_office(editor):
    membership_remove(membership=Membership.objects.get(user=editor))
    editor.refresh_from_db()
    assert not editor.is_staff


def test_org_admin_sees_only_own_members_in_admin(client, org_admin, editor, outsider):
    client.force_login(org_admin)
    response = client.get("/admin/accounts/membership/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "editor" in body
    assert "outsider" not in body


def test_outsider_cannot_open_another_orgs_membership(client, outsider, editor):
    membership = Membership.objects.get(user=editor)
    client.force_login(outsider)
    response = client.get(f"/admin/accounts/membership/{membership.pk}/change/")
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert "/admin/" in response["Location"]


def test_org_admin_sees_masked_phone_and_no_contact_fields(client, org_admin, org):
    member = UserFactory(username="member", phone="13912345678")
    membership_add(user=member, organisation=org, role=Role.VOLUNTEER)
    client.force_login(org_admin)
    listing = client.get("/admin/accounts/user/").content.decode()
    assert "139****5678" in listing
    assert "13912345678" not in listing
    detail = client.get(f"/admin/accounts/user/{member.pk}/change/").content.decode()
    assert "13912345678" not in detail


def test_editor_cannot_see_user_admin(client, editor):
    client.force_login(editor)
    assert client.get("/admin/accounts/user/").status_code == 403


def test_learner_cannot_enter_admin(client, learner):
    client.force_login(learner)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_access_functions_enforce_organisation(org, other_org, org_admin, outsider, platform_admin):
    assert organisation_get_for_admin(user=org_admin, organisation_id=org.pk) == org
    with pytest.raises(PermissionDenied):
        organisation_get_for_admin(user=outsider, organisation_id=org.pk)
    assert user_has_role(platform_admin, org.pk, Role.ORG_ADMIN)
    assert not user_has_role(org_admin, other_org.pk, Role.ORG_ADMIN)


def test_staff_user_lookup_is_scoped(org_admin, outsider, editor):
    assert user_get_for_staff(viewer=org_admin, user_id=editor.pk) == editor
    with pytest.raises(PermissionDenied):
        user_get_for_staff(viewer=outsider, user_id=editor.pk)
