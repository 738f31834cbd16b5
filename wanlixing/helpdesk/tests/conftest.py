"""Help desk fixtures: task queues as configured in production, seed rules, files."""

from __future__ import annotations

import pytest

from wanlixing.accounts.tests.factories import UserFactory

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _task_queues(settings):
    """Run tasks inline but keep the platform's queues (notifications, …) valid."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "reports", "notifications", "training"],
        }
    }


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def seed_rules(db):
    from wanlixing.helpdesk.starter import routing_rules_seed

    routing_rules_seed()


@pytest.fixture
def other_citizen(db):
    return UserFactory(username="neighbour", phone="13900001111", region_code="440305")
