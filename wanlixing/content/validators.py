"""Checks on uploaded library files: videos are MP4 or WebM and not too large."""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

VIDEO_EXTENSIONS = {".mp4": "mp4", ".webm": "webm"}
# Magic numbers: an ISO BMFF box whose type is "ftyp" (MP4), or the EBML header (WebM).
EBML_MAGIC = b"\x1a\x45\xdf\xa3"


def _sniff(head: bytes) -> str | None:
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "mp4"
    if head.startswith(EBML_MAGIC):
        return "webm"
    return None


@deconstructible
class VideoFileValidator:
    """Accept only MP4/WebM (by extension and by content) up to CONTENT_VIDEO_MAX_MB."""

    def __call__(self, upload: File) -> None:
        name = upload.name or ""
        expected = VIDEO_EXTENSIONS.get(PurePath(name).suffix.lower())
        if expected is None:
            raise ValidationError(
                _("视频只支持 MP4 或 WebM 格式（文件名以 .mp4 或 .webm 结尾）。"),
                code="video_type",
            )
        max_mb = settings.CONTENT_VIDEO_MAX_MB
        if upload.size is not None and upload.size > max_mb * 1024 * 1024:
            raise ValidationError(
                _("视频文件过大：上限为 %(max)s MB。") % {"max": max_mb}, code="video_size"
            )
        try:
            position = upload.tell()
            upload.seek(0)
            head = upload.read(16)
            upload.seek(position)
        except (OSError, ValueError):
            head = b""
        if _sniff(head or b"") != expected:
            raise ValidationError(
                _("文件内容不是有效的 MP4 或 WebM 视频，请重新导出后上传。"),
                code="video_content",
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VideoFileValidator)

    def __hash__(self) -> int:
        return hash(type(self))


validate_video_file = VideoFileValidator()
