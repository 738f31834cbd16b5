"""Attachments: the type comes from the bytes, sizes and counts are capped, files stay private."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from wanlixing.helpdesk import services
from wanlixing.helpdesk.attachments import content_type_sniff
from wanlixing.helpdesk.models import Attachment, TicketAccess
from wanlixing.helpdesk.tests.conftest import EXE, JPEG, PDF, PNG, WEBP
from wanlixing.helpdesk.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (JPEG, "image/jpeg"),
        (PNG, "image/png"),
        (WEBP, "image/webp"),
        (PDF, "application/pdf"),
        (EXE, None),
        (b"GIF89a" + b"\x00" * 10, None),
        (b"RIFF\x00\x00\x00\x00WAVE", None),
        (b"<html>", None),
        (b"", None),
    ],
)
def test_sniff(head, expected):
    assert content_type_sniff(head[:16]) == expected


@pytest.fixture
def ticket(learner, org, handler):
    return TicketFactory(user=learner, organisation=org)


def test_exe_renamed_jpg_is_rejected(ticket, learner):
    with pytest.raises(ValidationError) as exc:
        services.attachment_add(
            ticket=ticket, by=learner, upload=SimpleUploadedFile("photo.jpg", EXE, "image/jpeg")
        )
    assert "只能上传 JPEG、PNG、WebP 图片或 PDF" in str(exc.value)
    assert Attachment.objects.count() == 0


def test_pdf_named_png_is_stored_as_pdf(ticket, learner):
    attachment = services.attachment_add(
        ticket=ticket, by=learner, upload=SimpleUploadedFile("scan.png", PDF, "image/png")
    )
    assert attachment.content_type == "application/pdf"
    assert attachment.file.name.endswith(".pdf")
    assert attachment.original_name == "scan.png"
    assert "scan" not in attachment.file.name  # stored under a random name


def test_oversize_is_rejected(ticket, learner, settings):
    settings.HELPDESK_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * (5 * 1024 * 1024), "image/png")
    with pytest.raises(ValidationError) as exc:
        services.attachment_add(ticket=ticket, by=learner, upload=big)
    assert "不能超过 5 MB" in str(exc.value)


def test_at_most_five_per_ticket(ticket, learner):
    for i in range(5):
        services.attachment_add(
            ticket=ticket, by=learner, upload=SimpleUploadedFile(f"{i}.jpg", JPEG, "image/jpeg")
        )
    with pytest.raises(ValidationError) as exc:
        services.attachment_add(
            ticket=ticket, by=learner, upload=SimpleUploadedFile("6.jpg", JPEG, "image/jpeg")
        )
    assert "最多 5 个附件" in str(exc.value)


def test_upload_page_reports_disguised_file_without_500(client, ticket, learner):
    client.force_login(learner)
    response = client.post(
        f"{ticket.get_absolute_url()}upload/",
        {"file": SimpleUploadedFile("a.jpg", EXE, "image/jpeg")},
        follow=True,
    )
    assert response.status_code == 200
    assert "只能上传 JPEG、PNG、WebP 图片或 PDF" in response.content.decode()


def test_download_owner_and_staff_only_and_staff_download_is_audited(
    client, ticket, learner, handler, outsider, other_citizen
):
    attachment = services.attachment_add(
        ticket=ticket, by=learner, upload=SimpleUploadedFile("a.webp", WEBP, "image/webp")
    )
    url = f"/help/attachments/{attachment.pk}/"
    client.force_login(learner)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert b"".join(response.streaming_content) == WEBP
    for stranger in (outsider, other_citizen):
        client.force_login(stranger)
        assert client.get(url).status_code == 404
    client.force_login(handler)
    assert client.get(url).status_code == 200
    assert TicketAccess.objects.filter(user=handler, action="download").count() == 1
