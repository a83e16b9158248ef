"""Contact backups in the contact list's admin: the action, the job page and the download.

A backup reads the contact's orders and files, so it lives above them; it joins the contacts'
admin by registering it again with ``ContactBackupAdminMixin`` (Django's way of extending another
app's admin), and uses the job pages of ``contacts.admin_importexport`` through their hooks.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import FileResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from contacts.admin import UserAdmin
from contacts.models import User
from portal.models import BackgroundJob

from . import backups, tasks


class ContactBackupAdminMixin:
    """The "Back up the data of the selected contacts (ZIP)" action and its job pages."""

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "jobs/<int:job_id>/download/",
                self.admin_site.admin_view(self.contact_backup_download_view),
                name=f"{prefix}_backup_download",
            ),
            *super().get_urls(),
        ]

    def job_kinds(self) -> tuple[str, ...]:
        return (*super().job_kinds(), tasks.KIND_BACKUP)

    def job_titles(self) -> dict[str, str]:
        return {**super().job_titles(), tasks.KIND_BACKUP: _("Backup of a contact’s data")}

    def job_page(self, request, job: BackgroundJob, context: dict) -> TemplateResponse:
        if job.kind != tasks.KIND_BACKUP:
            return super().job_page(request, job, context)
        context["download_url"] = self._url("backup_download", job.pk)
        return TemplateResponse(request, "admin/workspace/contact_backup_job.html", context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.has_export_permission(request):
            actions["backup_selected"] = self.get_action("backup_selected")
        return actions

    @admin.action(description=gettext_lazy("Back up the data of the selected contacts (ZIP)"))
    def backup_selected(self, request, queryset):
        try:
            jobs = backups.contact_backup_start(contacts=queryset, by=request.user)
        except backups.ContactBackupRefused as refused:
            self.message_user(request, refused.message, messages.ERROR)
            return None
        if len(jobs) == 1:
            return HttpResponseRedirect(self._url("job", jobs[0].pk))
        links = format_html_join(
            ", ", '<a href="{}">{}</a>', ((self._url("job", job.pk), job.payload["contact"]) for job in jobs)
        )
        self.message_user(
            request,
            format_html(
                "{} {}",
                ngettext("%(count)s backup is being prepared:", "%(count)s backups are being prepared:", len(jobs))
                % {"count": len(jobs)},
                links,
            ),
            messages.SUCCESS,
        )
        return None

    def contact_backup_download_view(self, request, job_id: int):
        job = self._job_for(request, job_id, (tasks.KIND_BACKUP,))
        if not job.succeeded or not job.result_file:
            return HttpResponseRedirect(self._url("job", job.pk))
        filename = (job.result or {}).get("filename") or f"{slugify(job.payload.get('contact', 'contact'))}.zip"
        return FileResponse(
            job.result_file.open("rb"), as_attachment=True, filename=filename, content_type="application/zip"
        )


admin.site.unregister(User)


@admin.register(User)
class ContactAdmin(ContactBackupAdminMixin, UserAdmin):
    pass
