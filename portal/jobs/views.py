"""The progress fragment of a job, polled by the page that shows it (``components/job_progress.html``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.models import BackgroundJob

from .runner import job_live

#: Staff holding this permission follow every job; anyone else only the jobs they started.
VIEW_ALL_PERMISSION = "portal.view_backgroundjob"


def jobs_visible_to(request: HttpRequest):
    if request.user.is_staff and request.user.has_perm(VIEW_ALL_PERMISSION):
        return BackgroundJob.objects.all()
    return BackgroundJob.objects.visible_to(request.scope)


def job_status_response(
    request: HttpRequest, job: BackgroundJob, *, status_url: str | None = None, label: str = ""
) -> HttpResponse:
    """The polled part of ``components/job_progress.html`` for ``job`` (its live figures), and its
    final message for the page's live region once it has ended.

    ``?reload=1`` (the fragment was included with ``reload_when_finished``) asks htmx to reload the
    page when the job has ended, for pages whose content is the job's result.
    """
    job = job_live(job)
    reload = request.GET.get("reload") == "1"
    context = {
        "job": job,
        "job_status_url": status_url or request.path,
        "reload_when_finished": reload,
        "label": label,
        "polled": True,
    }
    html = render_to_string("components/job_progress.html#poll", context, request=request)
    if job.is_finished:
        html += render_to_string("components/job_progress.html#message", context, request=request)
    response = HttpResponse(html)
    if job.is_finished and reload and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@require_GET
@never_cache
@login_required
def job_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The fragment of a job its reader may follow; another user's job is not found."""
    job = get_object_or_404(jobs_visible_to(request), pk=pk)
    return job_status_response(request, job)
