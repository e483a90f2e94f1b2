"""dramatiq on Redis (server mode): the broker, the one job actor, and an in-process worker.

Messages carry only a job id; the job record (``jobs`` table) holds the payload. The actor builds (once per
process) a container from the configured settings, or from the factory given to ``declare_actor``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dramatiq
from dramatiq.brokers.redis import RedisBroker

from interfaces.bootstrap import Container
from interfaces.bootstrap.lazy import LazyContainer
from interfaces.jobs import run_job

ACTOR_NAME = "juminzei_job"
QUEUE_NAME = "juminzei"
MAX_RETRIES = 3


def make_broker(url: str) -> RedisBroker:
    broker = RedisBroker(url=url)  # type: ignore[no-untyped-call]
    dramatiq.set_broker(broker)
    return broker


def declare_actor(
    broker: dramatiq.Broker, container_factory: Callable[[], Container]
) -> tuple[Any, LazyContainer]:
    """Register the job actor on ``broker``; returns the actor and the holder of its container."""
    holder = LazyContainer(container_factory)

    def juminzei_job(job_id: str) -> None:
        run_job(holder.get(), job_id)

    actor = dramatiq.actor(
        actor_name=ACTOR_NAME,
        queue_name=QUEUE_NAME,
        broker=broker,
        max_retries=MAX_RETRIES,
        min_backoff=500,
        max_backoff=10_000,
    )(juminzei_job)
    return actor, holder


class DramatiqDispatcher:
    """Hands a job to the Redis queue (server mode): the message carries the job id only."""

    def __init__(self, actor: Any) -> None:
        self.actor = actor

    def dispatch(self, job_id: str) -> None:
        self.actor.send(job_id)


def start_worker(broker: dramatiq.Broker, threads: int = 1) -> dramatiq.Worker:
    """An in-process dramatiq worker; call ``stop()`` on it to shut down (tests, ``juminzei worker``)."""
    worker = dramatiq.Worker(broker, queues={QUEUE_NAME}, worker_threads=threads, worker_timeout=100)
    worker.start()
    return worker
