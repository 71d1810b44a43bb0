"""Background tasks for administrative units (run by the task worker; immediately in tests)."""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

from binhyen.areas import imports
from binhyen.areas.models import ImportJob
from binhyen.audit import domain as audit

log = logging.getLogger(__name__)


@task()
def import_villages_job(job_id: int) -> None:
    """Import an uploaded villages file into its commune: all rows or none, every bad row named."""
    job = ImportJob.objects.select_related("commune", "submitted_by").filter(pk=job_id).first()
    if job is None or job.status != ImportJob.Status.QUEUED:
        return  # deleted, or already handled by an earlier run of a retried task
    with audit.acting_as(f"task: import villages #{job.pk}", user=job.submitted_by):
        try:
            table = imports.read_table(bytes(job.content), job.filename)
            report = imports.import_villages(job.commune, table)
            errors = [e.as_dict() for e in report.errors]
            created = report.created
        except imports.ImportFileError as e:
            errors = [{"row": 0, "field": "", "message": str(e)}]
            created = 0
        except Exception:
            # A bug, not bad input: never leave the page polling a job that will not finish.
            log.exception("village import job %s crashed", job.pk)
            errors = [{"row": 0, "field": "", "message": "Lỗi hệ thống khi nhập tệp; hãy báo quản trị viên."}]
            created = 0
        job.status = ImportJob.Status.FAILED if errors else ImportJob.Status.DONE
        job.created = created
        job.errors = errors
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "created", "errors", "finished_at"])
