"""Background work of the alerts app: fan-out, one sender per channel, the periodic tick."""

from __future__ import annotations

from django_tasks import task

from binhyen.alerts import outbox
from binhyen.audit import domain as audit


@task()
def fanout_task(alert_id: int) -> int:
    with audit.acting_as("task: alert fan-out"):
        return outbox.fanout(alert_id, send_first=True)


@task()
def send_channel(channel: str) -> int:
    with audit.acting_as(f"task: send alerts by {channel}"):
        return outbox.drain(channel)


@task()
def tick_task() -> dict[str, int]:
    with audit.acting_as("task: alerts tick"):
        return outbox.tick()
