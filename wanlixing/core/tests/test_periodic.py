import pytest

from wanlixing.core import periodic


class FakeTask:
    def __init__(self):
        self.enqueued = 0

    def enqueue(self):
        self.enqueued += 1


@pytest.fixture
def isolated_jobs(monkeypatch):
    monkeypatch.setattr(periodic, "_jobs", {})


def test_job_is_enqueued_once_per_slot_across_callers(isolated_jobs):
    task = FakeTask()
    periodic.register("probe", every_seconds=300, task=task)
    assert periodic.run_due(now=600.0) == ["probe"]
    assert periodic.run_due(now=899.0) == []  # same 5-minute slot: another worker's call
    assert periodic.run_due(now=900.0) == ["probe"]
    assert task.enqueued == 2


def test_failed_enqueue_releases_the_slot(isolated_jobs):
    class Broken:
        calls = 0

        def enqueue(self):
            Broken.calls += 1
            if Broken.calls == 1:
                raise RuntimeError("database away")

    periodic.register("flaky", every_seconds=60, task=Broken())
    assert periodic.run_due(now=60.0) == []
    assert periodic.run_due(now=61.0) == ["flaky"]


def test_registered_platform_jobs():
    names = {job.name for job in periodic.jobs()}
    assert {"helpdesk-sla-scan", "notifications-retry"} <= names


def test_jobs_cannot_run_more_than_once_a_minute(isolated_jobs):
    with pytest.raises(ValueError, match="once a minute"):
        periodic.register("fast", every_seconds=5, task=FakeTask())
