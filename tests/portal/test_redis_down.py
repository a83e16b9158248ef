"""Redis down: pages still serve (the cache answers as an empty one, sessions are in the database), and an
action that must queue work keeps it in the database for the relay — never a 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from contacts.models import User
from orders.models import Order
from portal import cache as portal_cache
from portal.celery import app
from portal.jobs import jobs_requeue_waiting
from portal.models import BackgroundJob
from tests.factories import OrderFactory, StaffUserFactory, UserFactory
from workspace import tasks as workspace_tasks
from workspace.backups import contact_backup_start

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: every connection is refused


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    saved = {"task_always_eager": app.conf.task_always_eager, "broker_url": app.conf.broker_url}
    app.conf.update(task_always_eager=False, broker_url=DEAD_REDIS)
    app._pool = app.amqp._producer_pool = None
    portal_cache.ResilientRedisCache._down_until = 0.0
    yield
    app.conf.update(**saved)
    app._pool = app.amqp._producer_pool = None
    portal_cache.ResilientRedisCache._down_until = 0.0


def test_the_cache_answers_as_an_empty_one_and_stops_asking_for_a_while(redis_down, monkeypatch):
    assert cache.get("anything", "default") == "default"
    cache.set("anything", 1)
    assert cache.add("anything", 1) is True  # a lock on the cache (allauth's rate limits) opens
    assert cache.get_many(["a", "b"]) == {}

    asked = []
    monkeypatch.setattr("django.core.cache.backends.redis.RedisCache.get", lambda *a, **k: asked.append(a))
    assert cache.get("anything") is None
    assert asked == []  # within RETRY_AFTER of the failure, Redis is left alone


def test_a_customer_signs_in_and_reads_pages_with_redis_down(redis_down, client, customer, account):
    order = OrderFactory(account=account, status=Order.Status.SUBMITTED)
    customer.set_password("un mot de passe sûr")
    customer.save()
    response = client.post(reverse("account_login"), {"login": customer.email, "password": "un mot de passe sûr"})
    assert response.status_code == 302
    for url in (
        reverse("portal:dashboard"),
        reverse("orders:list"),
        reverse("orders:detail", args=[order.pk]),
        reverse("library:list"),
    ):
        assert client.get(url).status_code == 200, url


def test_a_job_started_with_redis_down_is_kept_queued_and_the_relay_runs_it_once_redis_is_back(
    redis_down, django_capture_on_commit_callbacks, monkeypatch
):
    ana = UserFactory(first_name="Ana")
    with django_capture_on_commit_callbacks(execute=True):
        (job,) = contact_backup_start(contacts=User.objects.filter(pk=ana.pk), by=StaffUserFactory())
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.QUEUED  # saved, its message not sent, and no error raised

    assert jobs_requeue_waiting() == []  # too fresh: its own message may still come
    BackgroundJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=20))
    assert jobs_requeue_waiting() == []  # the broker is still down

    ran = []
    monkeypatch.setattr(workspace_tasks.backup_contact, "delay", lambda job_id: ran.append(job_id) or True)
    assert jobs_requeue_waiting() == [job.pk]  # Redis is back
    assert ran == [job.pk]


def test_an_action_inside_a_transaction_commits_even_when_its_task_cannot_be_queued(redis_down):
    ana = UserFactory(first_name="Ana")
    with transaction.atomic():
        contact_backup_start(contacts=User.objects.filter(pk=ana.pk), by=StaffUserFactory())
    assert BackgroundJob.objects.count() == 1
