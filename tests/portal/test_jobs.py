"""Background jobs in the kernel: the runner, the stale sweep and the progress fragment a page polls."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from lxml import html

from portal import tasks as portal_tasks
from portal.jobs import JobFailed, job_live, job_run, job_task, jobs_sweep_stale, runner
from portal.models import BackgroundJob
from tests.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = BackgroundJob.Status


def make_job(*, by=None, status=Status.QUEUED, **fields) -> BackgroundJob:
    return BackgroundJob.objects.create(kind="tests.job", created_by=by, status=status, **fields)


def row(job: BackgroundJob) -> BackgroundJob:
    return BackgroundJob.objects.get(pk=job.pk)


# --- Progress --------------------------------------------------------------------------------


def test_progress_is_saved_on_the_row_at_most_every_n_rows():
    job = make_job()
    seen_on_the_row = []

    def work(job, progress):
        for done in range(1, 101):
            progress(done, 100)
            seen_on_the_row.append(row(job).progress)
        return {"rows": 100}

    job_run(job.pk, work, every_rows=10, every_seconds=3600)
    # The first call is saved, then one call in ten, then the last: never more often.
    assert seen_on_the_row[0] == 1
    assert seen_on_the_row[24] == 21
    assert seen_on_the_row[98] == 91
    assert len(set(seen_on_the_row)) == 11
    finished = row(job)
    assert (finished.progress, finished.total, finished.percent) == (100, 100, 100)


def test_progress_is_saved_at_most_every_n_seconds(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(runner.time, "monotonic", lambda: clock[0])
    job = make_job()
    seen = []

    def work(job, progress):
        for done in range(1, 7):
            clock[0] += 0.4  # 2.4 seconds in all
            progress(done, 1000)
            seen.append(row(job).progress)
        return {}

    job_run(job.pk, work, every_rows=10_000, every_seconds=1.0)
    # Saved at the first call (0.4 s), then once a second has passed since: at 1.6 s (call 4).
    assert seen == [1, 1, 1, 4, 4, 4]


def test_progress_inside_the_works_own_transaction_is_live_in_the_cache():
    job = make_job()
    observed = {}

    def work(job, progress):
        with transaction.atomic():  # an all-or-nothing import: the row's update would stay hidden
            progress(40, 80, "Reading the file")
            observed["row"] = row(job).progress
            observed["live"] = job_live(row(job))
        return {}

    job_run(job.pk, work)
    assert observed["row"] == 0
    assert (observed["live"].progress, observed["live"].total, observed["live"].percent) == (40, 80, 50)
    assert observed["live"].message == "Reading the file"
    assert cache.get(runner._live_key(job.pk)) is None  # the live figures go once the job has ended


# --- Outcomes --------------------------------------------------------------------------------


def test_a_job_that_succeeds_records_its_result():
    job = make_job()

    def work(job, progress):
        progress(3, 3, "3 rows read")
        return {"rows": 3}

    ran = job_run(job.pk, work)
    finished = row(job)
    assert ran is not None and finished.status == Status.SUCCEEDED
    assert finished.result == {"rows": 3}
    assert finished.message == "3 rows read"
    assert finished.error == ""
    assert finished.attempts == 1
    assert finished.started_at <= finished.heartbeat_at <= finished.finished_at


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Le traitement s’est arrêté sur une erreur inattendue"),
        ("en", "The work stopped on an unexpected error"),
    ],
)
def test_an_unexpected_error_fails_the_job_with_a_message_in_the_starters_language(
    language, expected, caplog, settings
):
    job = make_job(by=UserFactory(language=language))

    def work(job, progress):
        raise RuntimeError("database went away")

    with caplog.at_level(logging.ERROR, logger="portal.jobs.runner"):
        job_run(job.pk, work)
    failed = row(job)
    assert failed.status == Status.FAILED
    assert failed.message.startswith(expected)
    assert "database went away" not in failed.message  # users get words, not the exception
    assert failed.error == "RuntimeError: database went away"
    record = next(r for r in caplog.records if "failed" in r.getMessage())
    assert record.exc_info and record.exc_info[0] is RuntimeError  # the traceback goes to the logs


def test_the_work_can_fail_with_its_own_message():
    job = make_job(by=UserFactory(language="en"))

    def work(job, progress):
        raise JobFailed("The file is not a CSV file.")

    job_run(job.pk, work)
    failed = row(job)
    assert (failed.status, failed.message, failed.error) == (Status.FAILED, "The file is not a CSV file.", "")


# --- Redelivery ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.SUCCEEDED, Status.FAILED])
def test_a_finished_job_is_not_run_again(status):
    job = make_job(status=status, result={"first": True}, attempts=1)
    calls = []

    assert job_run(job.pk, lambda job, progress: calls.append(job)) is None
    assert calls == []
    again = row(job)
    assert (again.status, again.result, again.attempts) == (status, {"first": True}, 1)


def test_a_redelivered_job_runs_once():
    job = make_job()
    calls = []

    def work(job, progress):
        calls.append(job.pk)
        return {}

    job_run(job.pk, work)
    job_run(job.pk, work)  # the broker delivers the message again after the job ended
    assert calls == [job.pk]


def test_a_job_running_elsewhere_is_left_to_its_worker():
    job = make_job(status=Status.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now(), attempts=1)
    calls = []

    assert job_run(job.pk, lambda job, progress: calls.append(job)) is None
    assert calls == []
    assert row(job).status == Status.RUNNING


def test_a_job_whose_worker_died_is_taken_over_by_the_redelivery():
    long_ago = timezone.now() - runner.stale_after() - timedelta(minutes=1)
    job = make_job(status=Status.RUNNING, started_at=long_ago, heartbeat_at=long_ago, attempts=1)

    job_run(job.pk, lambda job, progress: {"second": True})
    finished = row(job)
    assert (finished.status, finished.result, finished.attempts) == (Status.SUCCEEDED, {"second": True}, 2)


def test_one_setting_decides_both_the_takeover_and_the_sweep(settings):
    """JOBS_STALE_MINUTES is the one notion of a stale job: a redelivery takes over, and the sweep ends,
    exactly the jobs silent for longer than it."""
    settings.JOBS_STALE_MINUTES = 30
    quiet = timezone.now() - timedelta(minutes=20)
    alive = make_job(status=Status.RUNNING, started_at=quiet, heartbeat_at=quiet, attempts=1)
    assert job_run(alive.pk, lambda job, progress: {}) is None
    assert jobs_sweep_stale() == []

    settings.JOBS_STALE_MINUTES = 10
    assert jobs_sweep_stale(dry_run=True) == [alive.pk]
    assert job_run(alive.pk, lambda job, progress: {"taken": True}).result == {"taken": True}


def test_a_job_of_another_kind_is_not_run():
    job = make_job()
    assert job_run(job.pk, lambda job, progress: {}, kind="contacts.import") is None
    assert row(job).status == Status.QUEUED


@job_task(kind="tests.job", queue="imports")
def sample_job(job, progress):
    """A job task declared as the apps declare theirs."""
    progress(1, 1)
    return {"ran": job.pk}


def test_job_task_declares_a_late_acknowledged_task_of_its_queue(monkeypatch):
    from celery.app.task import Task

    assert sample_job.name == "tests.portal.test_jobs.sample_job"
    assert sample_job.acks_late and sample_job.reject_on_worker_lost
    sent = []
    monkeypatch.setattr(Task, "apply_async", lambda self, args=None, kwargs=None, *_, **options: sent.append(options))
    sample_job.delay(1)
    assert sent == [{"queue": "imports"}]

    monkeypatch.undo()
    job = make_job()
    sample_job(job.pk)
    assert row(job).result == {"ran": job.pk}


# --- Stale jobs ------------------------------------------------------------------------------


def test_the_sweep_ends_running_jobs_without_a_heartbeat():
    now = timezone.now()
    long_ago = now - timedelta(hours=1)
    dead = make_job(by=UserFactory(language="en"), status=Status.RUNNING, started_at=long_ago, heartbeat_at=long_ago)
    never_beat = make_job(status=Status.RUNNING, started_at=long_ago)
    alive = make_job(status=Status.RUNNING, started_at=long_ago, heartbeat_at=now)
    alive_in_cache = make_job(status=Status.RUNNING, started_at=long_ago, heartbeat_at=long_ago)
    cache.set(runner._live_key(alive_in_cache.pk), {"progress": 1, "total": 2, "heartbeat_at": now})
    waiting = make_job(created_at=long_ago)
    finished = make_job(status=Status.SUCCEEDED, started_at=long_ago, heartbeat_at=long_ago)

    assert set(jobs_sweep_stale(older_than=timedelta(minutes=15), dry_run=True)) == {dead.pk, never_beat.pk}
    assert row(dead).status == Status.RUNNING  # a dry run changes nothing

    assert set(jobs_sweep_stale(older_than=timedelta(minutes=15))) == {dead.pk, never_beat.pk}
    ended = row(dead)
    assert ended.status == Status.FAILED and ended.finished_at
    assert ended.message.startswith("The work stopped without finishing")
    assert ended.error.startswith("No sign of life since")
    assert row(never_beat).status == Status.FAILED
    for untouched, status in ((alive, Status.RUNNING), (alive_in_cache, Status.RUNNING), (waiting, Status.QUEUED)):
        assert row(untouched).status == status
    assert row(finished).status == Status.SUCCEEDED

    assert jobs_sweep_stale(older_than=timedelta(minutes=15)) == []  # twice changes nothing more


def test_a_swept_job_is_not_run_when_its_message_comes_back():
    long_ago = timezone.now() - timedelta(hours=1)
    job = make_job(status=Status.RUNNING, started_at=long_ago, heartbeat_at=long_ago)
    jobs_sweep_stale()
    assert job_run(job.pk, lambda job, progress: {}) is None
    assert row(job).status == Status.FAILED


def test_the_scheduled_task_sweeps():
    long_ago = timezone.now() - timedelta(hours=1)
    job = make_job(status=Status.RUNNING, started_at=long_ago, heartbeat_at=long_ago)
    assert portal_tasks.sweep_stale_jobs(older_than_minutes=30) == 1
    assert row(job).status == Status.FAILED


# --- Who sees a job ----------------------------------------------------------------------------


def test_a_job_is_visible_to_its_creator_only():
    from portal.access import ANONYMOUS

    creator, other = UserFactory(), UserFactory()
    staff_creator = StaffUserFactory(is_superuser=False)
    job, staff_job = make_job(by=creator), make_job(by=staff_creator)

    assert list(BackgroundJob.objects.visible_to(creator)) == [job]
    assert list(BackgroundJob.objects.visible_to(other)) == []
    assert list(BackgroundJob.objects.visible_to(staff_creator)) == [staff_job]
    assert list(BackgroundJob.objects.visible_to(ANONYMOUS)) == []


# --- The fragment ------------------------------------------------------------------------------


def status_url(job) -> str:
    return reverse("portal:job_status", args=[job.pk])


def parse(response_or_html):
    content = response_or_html if isinstance(response_or_html, str) else response_or_html.content.decode()
    return html.fragment_fromstring(content, create_parent="div")


def test_the_fragment_of_a_running_job_polls_every_second_with_an_accessible_progressbar(client):
    owner = UserFactory()
    job = make_job(by=owner, status=Status.RUNNING, started_at=timezone.now(), progress=25, total=200)
    client.force_login(owner)

    response = client.get(status_url(job))
    assert response.status_code == 200
    tree = parse(response)
    (poll,) = tree.xpath("//*[@hx-get]")
    assert poll.get("hx-get") == status_url(job)
    assert poll.get("hx-trigger") == "every 1s"
    (bar,) = tree.xpath("//*[@role='progressbar']")
    assert (bar.get("aria-valuemin"), bar.get("aria-valuemax"), bar.get("aria-valuenow")) == ("0", "100", "12")
    assert bar.get("aria-valuetext")
    (label,) = tree.xpath(f"//*[@id='{bar.get('aria-labelledby')}']")
    assert label.text_content().strip()
    assert bar.get("aria-busy") == "true"
    # The visual bar inside is hidden from assistive technologies: one progressbar is announced.
    assert all(node.get("aria-hidden") == "true" for node in bar.xpath(".//progress"))


def test_the_fragment_shows_live_progress_while_the_work_holds_its_transaction(client):
    owner = UserFactory()
    job = make_job(by=owner, status=Status.RUNNING, started_at=timezone.now(), total=10)
    cache.set(runner._live_key(job.pk), {"progress": 5, "total": 10, "heartbeat_at": timezone.now()})
    client.force_login(owner)

    (bar,) = parse(client.get(status_url(job))).xpath("//*[@role='progressbar']")
    assert bar.get("aria-valuenow") == "50"


def test_the_fragment_of_a_finished_job_stops_polling_and_fills_the_live_region(client):
    owner = UserFactory(language="en")
    job = make_job(by=owner, status=Status.FAILED, progress=3, total=9, message="The file is not a CSV file.")
    client.force_login(owner)

    response = client.get(status_url(job), headers={"HX-Request": "true"})
    tree = parse(response)
    assert not tree.xpath("//*[@hx-trigger]")
    (region,) = tree.xpath("//*[@role='status']")
    assert region.get("aria-live") == "polite"
    assert region.get("hx-swap-oob") == "innerHTML"  # fills the page's region in place: announced once
    assert region.get("id") == f"job-{job.pk}-message"
    assert region.text_content().strip() == "The file is not a CSV file."
    assert "HX-Refresh" not in response


def test_a_page_that_shows_the_result_is_reloaded_once_the_job_has_ended(client):
    owner = UserFactory()
    job = make_job(by=owner, status=Status.SUCCEEDED)
    client.force_login(owner)
    response = client.get(status_url(job) + "?reload=1", headers={"HX-Request": "true"})
    assert response["HX-Refresh"] == "true"


def test_the_included_fragment_has_its_live_region_from_the_start():
    owner = UserFactory()
    job = make_job(by=owner, status=Status.QUEUED)
    request = RequestFactory().get("/")
    request.user = owner
    page = render_to_string("components/job_progress.html", {"job": job, "reload_when_finished": True}, request=request)
    tree = parse(page)
    (region,) = tree.xpath("//*[@role='status']")
    assert region.get("aria-live") == "polite" and region.text_content().strip() == ""
    assert region.get("hx-swap-oob") is None
    (poll,) = tree.xpath("//*[@hx-get]")
    assert poll.get("hx-get") == status_url(job) + "?reload=1"
    (bar,) = tree.xpath("//*[@role='progressbar']")
    assert bar.get("aria-valuenow") == "0"


def test_another_users_job_is_not_found(client):
    job = make_job(by=UserFactory(), status=Status.RUNNING)
    client.force_login(UserFactory())
    assert client.get(status_url(job)).status_code == 404


def test_staff_see_every_job_only_with_the_permission(client):
    job = make_job(by=UserFactory(), status=Status.RUNNING)
    clerk = StaffUserFactory(is_superuser=False)
    client.force_login(clerk)
    assert client.get(status_url(job)).status_code == 404

    clerk.user_permissions.add(Permission.objects.get(codename="view_backgroundjob", content_type__app_label="portal"))
    client.force_login(type(clerk).objects.get(pk=clerk.pk))
    assert client.get(status_url(job)).status_code == 200


def test_anonymous_is_sent_to_sign_in(client):
    job = make_job(by=UserFactory(), status=Status.RUNNING)
    response = client.get(status_url(job))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_read_jobs_and_their_errors_in_the_administration(client):
    job = make_job(by=UserFactory(), status=Status.FAILED, error="RuntimeError: database went away")
    client.force_login(StaffUserFactory())
    assert "tests.job" in client.get(reverse("admin:portal_backgroundjob_changelist")).content.decode()
    page = client.get(reverse("admin:portal_backgroundjob_change", args=[job.pk])).content.decode()
    assert "RuntimeError: database went away" in page
    assert client.get(reverse("admin:portal_backgroundjob_add")).status_code == 403
