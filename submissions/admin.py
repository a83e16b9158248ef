"""Administration of the generic submission link: one link, its settings, e-mailing and regenerating it."""

from __future__ import annotations

import copy

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .forms import SubmissionLinkAdminForm, SubmissionLinkSendForm
from .models import SubmissionLink
from .selectors import (
    submission_link_current,
    submission_link_unavailable_reason,
    submission_link_url,
    submission_usage_today,
)
from .services import LinkNotSendable, submission_link_regenerate, submission_link_send


@admin.register(SubmissionLink)
class SubmissionLinkAdmin(admin.ModelAdmin):
    """A singleton: the list goes straight to the one link, created (turned off) on the first visit."""

    form = SubmissionLinkAdminForm
    change_form_template = "admin/submissions/submissionlink/change_form.html"
    autocomplete_fields = ("account",)
    readonly_fields = ("created_at", "regenerated_at")
    fieldsets = (
        (None, {"fields": ("is_enabled", "expires_at", "account")}),
        (gettext_lazy("Limits"), {"fields": ("max_jobs_per_day", "max_mb_per_job", "max_mb_per_day")}),
        (gettext_lazy("History"), {"fields": ("created_at", "regenerated_at")}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/regenerate/",
                self.admin_site.admin_view(self.regenerate_view),
                name="{}_{}_regenerate".format(*info),
            ),
            path(
                "<path:object_id>/send/",
                self.admin_site.admin_view(self.send_view),
                name="{}_{}_send".format(*info),
            ),
            *super().get_urls(),
        ]

    def _change_url(self, link: SubmissionLink) -> str:
        return reverse("admin:submissions_submissionlink_change", args=[link.pk])

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return redirect(self._change_url(submission_link_current()))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            send_form = context.get("send_form") or SubmissionLinkSendForm()
            context.update(
                {
                    "public_url": submission_link_url(obj),
                    "usage": submission_usage_today(),
                    "unavailable_reason": submission_link_unavailable_reason(obj),
                    "send_form": send_form,
                    "can_send": self.has_change_permission(request, obj),
                    "can_regenerate": request.user.is_superuser,
                    "media": context["media"] + send_form.media,
                }
            )
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def _get_link(self, request: HttpRequest, object_id: str) -> SubmissionLink:
        link = self.get_object(request, unquote(object_id))
        if link is None:
            raise Http404
        return link

    def regenerate_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """GET asks for confirmation; POST replaces the token. Administrators (superusers) only."""
        link = self._get_link(request, object_id)
        if not request.user.is_superuser:
            raise PermissionDenied
        if request.method == "POST":
            link = submission_link_regenerate(link=link, by=request.user)
            self.log_change(request, link, _("Regenerated the link; the previous one no longer works."))
            self.message_user(
                request, _("The generic link was regenerated: the previous link no longer works."), messages.SUCCESS
            )
            return redirect(self._change_url(link))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Regenerate the generic link?"),
            "opts": self.opts,
            "object": link,
            "public_url": submission_link_url(link),
        }
        return TemplateResponse(request, "admin/submissions/submissionlink/regenerate_confirmation.html", context)

    def send_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return require_POST(self._send)(request, object_id)

    def _send(self, request: HttpRequest, object_id: str) -> HttpResponse:
        link = self._get_link(request, object_id)
        if not self.has_change_permission(request, link):
            raise PermissionDenied
        form = SubmissionLinkSendForm(request.POST)
        if not form.is_valid():
            return self._change_page_with_send_errors(request, link, form)
        recipient = form.cleaned_data["recipient"]
        try:
            submission_link_send(link=link, to=recipient)
        except LinkNotSendable:
            self.message_user(
                request,
                _("The link does not accept jobs at the moment (turned off, expired or without an account): not sent."),
                messages.ERROR,
            )
        else:
            self.message_user(
                request, _("The link was sent to %(email)s.") % {"email": recipient.email}, messages.SUCCESS
            )
        return redirect(self._change_url(link))

    def _change_page_with_send_errors(
        self, request: HttpRequest, link: SubmissionLink, send_form: SubmissionLinkSendForm
    ) -> HttpResponse:
        """The link's page again, its sending form showing the refused contact's error next to the field.

        The page is rendered as on a GET (the link's settings form is not read from this POST), and its
        settings form still posts to the change page, not here.
        """
        as_get = copy.copy(request)
        as_get.method = "GET"
        return self.change_view(
            as_get, str(link.pk), form_url=self._change_url(link), extra_context={"send_form": send_form}
        )
