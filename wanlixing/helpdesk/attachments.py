"""Attachment checks: the real type is read from the first bytes, never from the file name."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

# content type → stored extension
ALLOWED_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "application/pdf": "pdf",
}


def content_type_sniff(head: bytes) -> str | None:
    """The content type of a file from its magic bytes, or None if it is not allowed."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def attachment_check(upload: UploadedFile, *, max_bytes: int) -> str:
    """Return the sniffed content type of an upload or raise ValidationError in Chinese."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("文件是空的，请重新选择。"))
    if size > max_bytes:
        raise ValidationError(
            _("文件“%(name)s”太大（%(size).1f MB），每个附件不能超过 %(limit)d MB。")
            % {
                "name": (upload.name or "")[:60],
                "size": size / 1024 / 1024,
                "limit": max_bytes // 1024 // 1024,
            }
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = content_type_sniff(head)
    if content_type is None:
        raise ValidationError(
            _("文件“%(name)s”不是可接受的格式：只能上传 JPEG、PNG、WebP 图片或 PDF 文件。")
            % {"name": (upload.name or "")[:60]}
        )
    return content_type
