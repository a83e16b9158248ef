"""Import and export of contacts, mixed into the contact list's admin (``contacts.admin.UserAdmin``).

The admin only parses input and presents results: the import's steps and their rules are in
:mod:`contacts.importing.workflow`, the work in :mod:`contacts.importing` and :mod:`contacts.exports`,
run by the tasks of :mod:`contacts.tasks` (in the ``imports`` worker; in-process in the embedded default).
The job pages serve other kinds of contact jobs too: a mixin above adds its kinds through ``job_kinds``,
``job_titles`` and ``job_page`` (the backups of ``workspace.admin``, which read orders and files).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.validators import FileExtensionValidator
from django.http import (
    FileResponse,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404
from django.template.loader import select_template
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.jobs import job_live
from portal.jobs.views import job_status_response
from portal.models import BackgroundJob

from . import exports, tasks
from .importing import COLUMNS, TEMPLATE_HEADINGS, workflow
from .importing.parsing import MAX_FILE_BYTES, MAX_LINES

MAX_IMPORT_BYTES = MAX_FILE_BYTES
IMPORT_KINDS = (tasks.KIND_IMPORT_PREVIEW, tasks.KIND_IMPORT, tasks.KIND_IMPORT_ACTIVATIONS)

COLUMN_HELP = [
    (COLUMNS["email"][0], gettext_lazy("E-mail address (required). Its case and surrounding spaces do not matter.")),
    (COLUMNS["first_name"][0], gettext_lazy("First name.")),
    (COLUMNS["last_name"][0], gettext_lazy("Last name.")),
    (
        COLUMNS["company"][0],
        gettext_lazy(
            "Company: the customer account with this name (whatever its case), created if there is none. "
            "Empty: a new contact gets an individual account in their own name."
        ),
    ),
    (COLUMNS["language"][0], gettext_lazy("Language of the e-mails: fr or en (French when empty).")),
    (COLUMNS["customer_since"][0], gettext_lazy("Customer since, day first: 05/03/2024 is 5 March 2024.")),
]


class ContactImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=format_lazy(
            gettext_lazy(
                "Saved from a spreadsheet as CSV (comma or semicolon separated), {megabytes} MB and {lines} lines "
                "at most."
            ),
            megabytes=MAX_FILE_BYTES // (1024 * 1024),
            lines=MAX_LINES,
        ),
        validators=[FileExtensionValidator(["csv", "txt"])],
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(max)s MB: split it into several files.")
                % {"max": MAX_IMPORT_BYTES // (1024 * 1024)}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload


class ContactImportExportAdminMixin:
    """Buttons on the contact list (import, template, export), export actions, job pages."""

    # Rendered around the list's own template (``contacts.admin.UserAdmin.change_list_template``),
    # which it extends: both sets of buttons show, neither class has to know the other's template.
    import_export_change_list_template = "admin/contacts/user/change_list_importexport.html"

    # --- URLs ---------------------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        urls = [
            path("import/", wrap(self.contact_import_view), name=f"{prefix}_import"),
            path("import/template/", wrap(self.contact_import_template_view), name=f"{prefix}_import_template"),
            path("export/", wrap(self.contact_export_view), name=f"{prefix}_export"),
            path("jobs/<int:job_id>/", wrap(self.contact_job_view), name=f"{prefix}_job"),
            path("jobs/<int:job_id>/status/", wrap(self.contact_job_status_view), name=f"{prefix}_job_status"),
            path("jobs/<int:job_id>/confirm/", wrap(self.contact_import_confirm_view), name=f"{prefix}_import_confirm"),
            path(
                "jobs/<int:job_id>/activations/",
                wrap(self.contact_import_activations_view),
                name=f"{prefix}_import_activations",
            ),
        ]
        return urls + super().get_urls()

    def _url(self, name: str, *args) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}", args=args)

    # --- Permissions --------------------------------------------------------------------------

    def has_import_permission(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request) -> bool:
        return self.has_view_or_change_permission(request)

    def _job_for(self, request, job_id: int, kinds) -> BackgroundJob:
        job = get_object_or_404(BackgroundJob, pk=job_id, kind__in=kinds)
        allowed = (
            self.has_import_permission(request) if job.kind in IMPORT_KINDS else self.has_export_permission(request)
        )
        if not allowed:
            raise PermissionDenied
        return job

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_import_permission": self.has_import_permission(request),
            "has_export_permission": self.has_export_permission(request),
            "import_url": self._url("import"),
            "import_template_url": self._url("import_template"),
            "export_url": self._url("export"),
        }
        response = super().changelist_view(request, extra_context=extra_context)
        if isinstance(response, TemplateResponse) and not response.is_rendered:
            base = response.template_name
            response.context_data["base_change_list_template"] = (
                base if isinstance(base, str) else select_template(base, using=None)
            )
            response.template_name = self.import_export_change_list_template
        return response

    def _context(self, request, title: str, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "changelist_url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"),
            **extra,
        }

    # --- Import -------------------------------------------------------------------------------

    def contact_import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = ContactImportForm(request.POST, request.FILES)
            if form.is_valid():
                preview = workflow.contact_import_upload(file=form.cleaned_data["file"], by=request.user)
                return HttpResponseRedirect(self._url("job", preview.pk))
        else:
            form = ContactImportForm()
        context = self._context(
            request,
            _("Import contacts"),
            form=form,
            columns=COLUMN_HELP,
            template_url=self._url("import_template"),
        )
        return TemplateResponse(request, "admin/contacts/import_form.html", context)

    @staticmethod
    def contact_import_template_view(request):
        line = ";".join(TEMPLATE_HEADINGS)
        response = HttpResponse(f"\ufeff{line}\r\n", content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="users_template.csv"'
        return response

    def contact_job_view(self, request, job_id: int):
        job = job_live(self._job_for(request, job_id, self.job_kinds()))
        context = self._context(
            request,
            self._job_title(job),
            job=job,
            finished=job.is_finished,
            job_status_url=self._url("job_status", job.pk),
            report=job.result,
            samples=self._samples(job),
        )
        if job.kind == tasks.KIND_IMPORT_PREVIEW:
            context["confirm_url"] = self._url("import_confirm", job.pk)
            context["can_confirm"] = workflow.preview_can_be_imported(job)
            context["import_job"] = workflow.import_job_of_preview(job)
        elif job.kind == tasks.KIND_IMPORT:
            context["activations_url"] = self._url("import_activations", job.pk)
            context["activations_job"] = workflow.activations_job_of_import(job)
            context["not_registered_url"] = context["changelist_url"] + "?state__exact=not_registered"
        elif job.kind not in IMPORT_KINDS:
            return self.job_page(request, job, context)
        return TemplateResponse(request, "admin/contacts/import_job.html", context)

    # --- Other kinds of jobs: what a mixin above adds (``workspace.admin``) --------------------------

    def job_kinds(self) -> tuple[str, ...]:
        return IMPORT_KINDS

    def job_titles(self) -> dict[str, str]:
        return {
            tasks.KIND_IMPORT_PREVIEW: _("Import contacts: preview"),
            tasks.KIND_IMPORT: _("Import contacts: result"),
            tasks.KIND_IMPORT_ACTIVATIONS: _("Invitations to the imported contacts"),
        }

    def job_page(self, request, job: BackgroundJob, context: dict) -> TemplateResponse:
        """The page of a job of a kind added above; ``context`` holds the progress and the report."""
        raise PermissionDenied

    @staticmethod
    def _samples(job: BackgroundJob) -> list[tuple[list, str]]:
        result = job.result or {}
        if job.kind == tasks.KIND_IMPORT and result.get("applied"):
            headings = (_("Contacts created (first lines)"), _("Contacts updated (first lines)"))
        else:
            headings = (_("Contacts to create (first lines)"), _("Contacts to update (first lines)"))
        return list(zip((result.get("created_sample"), result.get("updated_sample")), headings, strict=True))

    def _job_title(self, job: BackgroundJob) -> str:
        return self.job_titles()[job.kind]

    def contact_job_status_view(self, request, job_id: int):
        """The kernel's progress fragment, for staff allowed to see the job's page."""
        job = self._job_for(request, job_id, self.job_kinds())
        return job_status_response(request, job)

    def contact_import_confirm_view(self, request, job_id: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        preview = self._job_for(request, job_id, (tasks.KIND_IMPORT_PREVIEW,))
        return self._take_step(request, workflow.contact_import_start, preview_id=preview.pk, refused_page=preview)

    def contact_import_activations_view(self, request, job_id: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        import_job = self._job_for(request, job_id, (tasks.KIND_IMPORT,))
        return self._take_step(
            request, workflow.contact_import_invite, import_id=import_job.pk, refused_page=import_job
        )

    def _take_step(self, request, step, *, refused_page: BackgroundJob, **arguments):
        """Take a step of the import and show its job; a step already taken shows the job it started."""
        try:
            job = step(by=request.user, **arguments)
        except workflow.ContactImportAlreadyStarted as already:
            messages.info(request, already.message)
            job = already.job
        except workflow.ContactImportRefused as refused:
            messages.error(request, refused.message)
            job = refused_page
        return HttpResponseRedirect(self._url("job", job.pk))

    # --- Export -------------------------------------------------------------------------------

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.has_export_permission(request):
            for name in ("export_selected_csv", "export_selected_xlsx"):
                actions[name] = self.get_action(name)
        return actions

    def _export_queryset(self, queryset):
        return queryset.filter(is_staff=False).select_related(None)

    @admin.action(description=gettext_lazy("Export the selected contacts (CSV)"))
    def export_selected_csv(self, request, queryset):
        return self._export_response(self._export_queryset(queryset), "csv")

    @admin.action(description=gettext_lazy("Export the selected contacts (Excel)"))
    def export_selected_xlsx(self, request, queryset):
        return self._export_response(self._export_queryset(queryset), "xlsx")

    def contact_export_view(self, request):
        """Every contact the list shows with its current filters and search, as CSV or XLSX."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        export_format = request.GET.get("format", "csv")
        if export_format not in ("csv", "xlsx"):
            export_format = "csv"
        request.GET = request.GET.copy()
        request.GET.pop("format", None)
        changelist = self.get_changelist_instance(request)
        return self._export_response(self._export_queryset(changelist.get_queryset(request)), export_format)

    @staticmethod
    def _export_response(queryset, export_format: str):
        if export_format == "xlsx":
            return FileResponse(
                exports.xlsx_temporary_file(queryset),
                as_attachment=True,
                filename=exports.export_filename("xlsx"),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response = StreamingHttpResponse(exports.csv_chunks(queryset), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{exports.export_filename("csv")}"'
        return response
