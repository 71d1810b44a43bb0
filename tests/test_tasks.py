"""The village import runs through the task queue: the database backend by default, Redis at scale."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from binhyen.areas.models import Area, ImportJob
from tests.conftest import DUC_TRONG

# Workers close database connections when they finish, so these tests cannot run inside the
# per-test transaction.
pytestmark = pytest.mark.django_db(transaction=True)

CSV = "Tên,Loại,Dân số\nThôn Tân Hiệp,thôn,1500\nThôn Tân Lập,thôn,1300\n".encode()


def _queue_job(make_user: Any) -> ImportJob:
    from binhyen.areas import tasks

    officer = make_user("commune_officer", DUC_TRONG)
    job = ImportJob.objects.create(
        commune=Area.objects.get(code=DUC_TRONG), filename="thon.csv", content=CSV, submitted_by=officer
    )
    tasks.import_villages_job.enqueue(job.pk)
    return job


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}})
def test_database_worker_runs_the_import(units: None, make_user: Any) -> None:
    job = _queue_job(make_user)
    job.refresh_from_db()
    assert job.status == "queued"  # nothing happens until a worker runs
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)
    job.refresh_from_db()
    assert (job.status, job.created, job.errors) == ("done", 2, [])
    assert Area.objects.get(code=DUC_TRONG).children.count() == 2


@pytest.mark.redis
def test_redis_worker_runs_the_import(units: None, make_user: Any) -> None:
    redis_url = os.environ.get("BINHYEN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"Redis not reachable at {redis_url}")
    rq_settings = {
        "TASKS": {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
        "RQ_QUEUES": {"default": {"URL": redis_url}},
    }
    with override_settings(**rq_settings):
        import django_rq

        django_rq.get_queue("default").empty()
        job = _queue_job(make_user)
        call_command(
            "rqworker",
            "default",
            "--burst",
            "--worker-class",
            "rq.worker.SimpleWorker",
            "--job-class",
            "django_tasks_rq.Job",
        )
    job.refresh_from_db()
    assert (job.status, job.created) == ("done", 2)
