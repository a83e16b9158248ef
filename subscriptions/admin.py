"""Staff keep the shop's offers here."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from portal.jobs import job_live
from portal.jobs.views import job_status_response
from portal.models import BackgroundJob

from . import pricing, tasks
from .directory.workflow import directory_import_upload
from .models import Cart, CartLine, Establishment, Offer


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ("name_fr", "name_en", "kind", "duration", "price_excl_tax", "vat_rate", "incl_tax", "active")
    list_filter = ("active", "kind", "duration", "vat_rate")
    list_editable = ("active",)
    search_fields = ("name_fr", "name_en")
    fieldsets = (
        (_("French"), {"fields": ("name_fr", "description_fr")}),
        (_("English"), {"fields": ("name_en", "description_en")}),
        (_("Offer"), {"fields": ("kind", "duration", "price_excl_tax", "vat_rate", "active")}),
    )

    @admin.display(description=_("yearly price after tax"))
    def incl_tax(self, offer: Offer) -> str:
        return pricing.format_money(offer.price_incl_tax)


class CartLineInline(admin.TabularInline):
    model = CartLine
    fields = ("offer", "quantity")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    """Carts are the visitors' own: staff read them (to help on the phone), never edit them."""

    list_display = ("__str__", "changed_at", "expires_at", "line_count")
    list_select_related = ("account",)
    search_fields = ("account__name", "account__uai")
    readonly_fields = ("token", "account", "created_at", "changed_at", "expires_at")
    inlines = [CartLineInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(lines_count=Count("lines"))

    @admin.display(description=_("lines"), ordering="lines_count")
    def line_count(self, cart: Cart) -> int:
        return cart.lines_count

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class DirectoryImportForm(forms.Form):
    file = forms.FileField(
        label=_("Directory file (CSV)"),
        help_text=_(
            "The fr-en-annuaire-education file as published (semicolon-separated, UTF-8). "
            "An establishment already known by its UAI is updated in place."
        ),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if not (file.name or "").lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Upload the directory as a .csv file."))
        return file


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):
    """The national directory: reference data, imported from its CSV file, read by the shop."""

    list_display = ("uai", "name", "city", "status", "academy", "email", "open")
    list_filter = ("status", "open", "academy")
    search_fields = ("uai", "name", "city")
    show_full_result_count = False
    change_list_template = "admin/subscriptions/establishment/change_list.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.directory_import_view), name="subscriptions_establishment_import"),
            path("import/<int:job_id>/", wrap(self.directory_job_view), name="subscriptions_establishment_job"),
            path(
                "import/<int:job_id>/status/",
                wrap(self.directory_job_status_view),
                name="subscriptions_establishment_job_status",
            ),
            *super().get_urls(),
        ]

    def _require_import(self, request) -> None:
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied

    def _context(self, request, title, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "changelist_url": reverse("admin:subscriptions_establishment_changelist"),
            **extra,
        }

    def directory_import_view(self, request):
        self._require_import(request)
        form = DirectoryImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            job = directory_import_upload(file=form.cleaned_data["file"], by=request.user)
            return HttpResponseRedirect(reverse("admin:subscriptions_establishment_job", args=[job.pk]))
        context = self._context(request, _("Import the establishment directory"), form=form)
        return TemplateResponse(request, "admin/subscriptions/establishment/import_form.html", context)

    def _job(self, request, job_id: int) -> BackgroundJob:
        self._require_import(request)
        return get_object_or_404(BackgroundJob, pk=job_id, kind=tasks.KIND_DIRECTORY_IMPORT)

    def directory_job_view(self, request, job_id: int):
        job = job_live(self._job(request, job_id))
        context = self._context(
            request,
            _("Import of the establishment directory"),
            job=job,
            report=job.result,
            job_status_url=reverse("admin:subscriptions_establishment_job_status", args=[job.pk]),
        )
        return TemplateResponse(request, "admin/subscriptions/establishment/import_job.html", context)

    def directory_job_status_view(self, request, job_id: int):
        return job_status_response(request, self._job(request, job_id), label=_("Establishments imported"))
