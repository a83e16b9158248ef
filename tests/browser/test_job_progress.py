"""A page follows a background job through the kernel's fragment: the bar moves, the page shows the result."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import timezone

from portal.jobs import runner
from portal.models import BackgroundJob
from tests.factories import PASSWORD, StaffUserFactory, UserFactory
from workspace.tasks import KIND_BACKUP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_follow_a_backup_until_its_archive_is_ready(
    page, live_server, login, assert_no_axe_violations, screenshot
):
    staff = StaffUserFactory(email="atelier@example.fr")
    contact = UserFactory(first_name="Ana", last_name="Lopez")
    job = BackgroundJob.objects.create(
        kind=KIND_BACKUP,
        created_by=staff,
        status=BackgroundJob.Status.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        total=10,
        payload={"user_id": contact.pk, "contact": str(contact)},
    )
    login(page, "atelier@example.fr", PASSWORD)
    page.goto(f"{live_server.url}/admin/contacts/user/jobs/{job.pk}/")
    bar = page.get_by_role("progressbar", name="Avancement")
    assert bar.get_attribute("aria-valuenow") == "0"
    assert_no_axe_violations(page)

    # The worker moves on: the bar follows without a reload.
    cache.set(runner._live_key(job.pk), {"progress": 4, "total": 10, "heartbeat_at": timezone.now()})
    page.wait_for_function(
        "() => document.querySelector('[role=progressbar]').getAttribute('aria-valuenow') === '40'", timeout=5_000
    )
    screenshot(page, "running")
    assert_no_axe_violations(page)

    # The job ends: the page reloads and shows its result.
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=BackgroundJob.Status.SUCCEEDED,
        progress=10,
        result={"orders": 0, "files": 0, "missing": [], "filename": "ana-lopez.zip"},
        finished_at=timezone.now(),
    )
    page.get_by_role("link", name="Télécharger ana-lopez.zip").wait_for(timeout=5_000)
    assert page.get_by_role("progressbar").count() == 0
    screenshot(page, "finished")
    assert_no_axe_violations(page)


def test_a_customer_page_hears_the_final_message_in_its_live_region(page, live_server, login):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    owner = UserFactory(email="ana@example.fr")
    job = BackgroundJob.objects.create(
        kind="tests.job", created_by=owner, status=BackgroundJob.Status.RUNNING, started_at=timezone.now(), total=4
    )
    login(page, "ana@example.fr", PASSWORD)
    page.goto(f"{live_server.url}/")
    request = RequestFactory().get("/")
    request.user = owner
    fragment = render_to_string("components/job_progress.html", {"job": job}, request=request)
    page.evaluate(
        """(fragment) => {
            const main = document.querySelector("main");
            main.insertAdjacentHTML("afterbegin", fragment);
            htmx.process(main.firstElementChild);
        }""",
        fragment,
    )
    assert page.locator(f"#job-{job.pk}-message").inner_text() == ""
    page.evaluate(f"() => {{ window.jobRegion = document.getElementById('job-{job.pk}-message'); }}")

    BackgroundJob.objects.filter(pk=job.pk).update(
        status=BackgroundJob.Status.SUCCEEDED, progress=4, message="4 lignes importées.", finished_at=timezone.now()
    )
    message = page.locator(f"#job-{job.pk}-message")
    message.filter(has_text="4 lignes importées.").wait_for(timeout=5_000)
    assert message.get_attribute("role") == "status"
    # The same node, filled in place: a live region replaced by a new one may go unannounced.
    assert page.evaluate(f"() => window.jobRegion === document.getElementById('job-{job.pk}-message')")
    assert page.get_by_role("progressbar").get_attribute("aria-valuenow") == "100"
    assert page.locator(f"#job-{job.pk}-poll").get_attribute("hx-trigger") is None  # polling stopped
