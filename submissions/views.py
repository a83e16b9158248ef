"""Public pages of the generic link: no account, every limit enforced by the server."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render as django_render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from portal.pdf_intake import install_pdf_upload_handler

from .forms import SubmissionForm
from .models import SubmissionLink
from .selectors import (
    Unavailable,
    submission_bytes_allowed,
    submission_link_by_token,
    submission_link_unavailable_reason,
    submission_usage_today,
)
from .services import Refusal, SubmissionRefused, submission_create

THANKS_SESSION_KEY = "submission_number"


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def submission_create_view(request: HttpRequest, token: str) -> HttpResponse:
    """Django's documented pattern for custom upload handlers: this outer view is CSRF-exempt so
    that it can put the size-limited handler first before anything reads the body; the inner view
    is CSRF-protected as usual."""
    link = submission_link_by_token(token)
    reason = submission_link_unavailable_reason(link)
    if reason:
        return _unavailable(request, reason)
    usage = submission_usage_today()
    handler = None
    if request.method == "POST":
        # The kernel's PDF intake streams the file to disk under both quotas (the job's first, so it
        # names itself when both are the same); the content is judged in its child process.
        handler = install_pdf_upload_handler(
            request,
            field_name="pdf",
            caps={
                Refusal.BYTES_PER_JOB: link.max_bytes_per_job,
                Refusal.BYTES_PER_DAY: link.max_bytes_per_day - usage.bytes,
            },
        )
    return _submission_form_view(request, link=link, usage=usage, handler=handler)


@csrf_protect
def _submission_form_view(request: HttpRequest, *, link: SubmissionLink, usage, handler) -> HttpResponse:
    max_bytes = submission_bytes_allowed(link, usage)
    if usage.jobs >= link.max_jobs_per_day or max_bytes <= 0:
        return render(request, "submissions/full.html", {"link": link}, status=200)

    form_kwargs = {"link": link, "max_bytes": max_bytes}
    if request.method != "POST":
        return render(request, "submissions/form.html", {"form": SubmissionForm(**form_kwargs), "link": link})

    form = SubmissionForm(request.POST, request.FILES, upload_handler=handler, **form_kwargs)
    if form.is_valid():
        try:
            order = submission_create(
                token=link.token,
                submitter_name=form.cleaned_data["name"],
                submitter_email=form.cleaned_data["email"],
                upload=form.cleaned_data["pdf"],
                job=form.job(),
                language=translation.get_language(),
            )
        except SubmissionRefused as refused:
            if refused.unavailable:
                return _unavailable(request, refused.reason)
            form.add_error(refused.field, refused.message)
        else:
            request.session[THANKS_SESSION_KEY] = order.number
            return redirect("submission:thanks", token=link.token)
    return render(request, "submissions/form.html", {"form": form, "link": link})


@never_cache
@require_GET
def submission_thanks_view(request: HttpRequest, token: str) -> HttpResponse:
    if submission_link_by_token(token) is None:
        return _unavailable(request, Unavailable.UNKNOWN)
    number = request.session.get(THANKS_SESSION_KEY)
    if not number:
        return redirect("submission:submit", token=token)
    return render(request, "submissions/thanks.html", {"number": number, "token": token})


def render(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    return django_render(request, template, {"shop_email": settings.SHOP_EMAIL, **context}, status=status)


def _unavailable(request: HttpRequest, reason: str) -> HttpResponse:
    """Unknown or replaced links are a 404; a link that exists but is off or expired is gone (410)."""
    status = 404 if reason == Unavailable.UNKNOWN else 410
    return render(request, "submissions/unavailable.html", {"reason": reason}, status=status)
