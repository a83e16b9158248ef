"""Staff keep the shop's offers here."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.jobs import job_live
from portal.jobs.views import job_status_response
from portal.models import BackgroundJob

from . import pricing, school_access, tasks
from .directory.workflow import directory_import_upload
from .models import (
    AccessLetter,
    Cart,
    CartLine,
    CartQuote,
    Establishment,
    EstablishmentRequest,
    FaqEntry,
    Offer,
    SupportContact,
    SupportQuestion,
)
from .selectors import establishment_of


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


#: The published directory is about 40 MB; a file far larger is not it.
DIRECTORY_MAX_BYTES = 200 * 1024 * 1024


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
        if file.size > DIRECTORY_MAX_BYTES:
            raise forms.ValidationError(_("This file is larger than 200 MB: it is not the directory."))
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


class AnsweredFilter(admin.SimpleListFilter):
    title = _("answered")
    parameter_name = "answered"
    field = "answered_at"

    def lookups(self, request, model_admin):
        return [("no", _("To answer")), ("yes", _("Answered"))]

    def queryset(self, request, queryset):
        if self.value() in ("no", "yes"):
            return queryset.filter(**{f"{self.field}__isnull": self.value() == "no"})
        return queryset


class ResolvedFilter(AnsweredFilter):
    title = _("resolved")
    parameter_name = "resolved"
    field = "resolved_at"

    def lookups(self, request, model_admin):
        return [("no", _("To resolve")), ("yes", _("Resolved"))]


@admin.register(EstablishmentRequest)
class EstablishmentRequestAdmin(admin.ModelAdmin):
    """Establishments outside the directory asking for their account; staff create it and answer."""

    list_display = ("name", "city", "uai", "contact_name", "email", "created_at", "answered_at")
    list_filter = (AnsweredFilter,)
    search_fields = ("name", "city", "uai", "email", "contact_name")
    readonly_fields = ("created_at",)
    actions = ["mark_answered"]

    @admin.action(description=_("Mark as answered"))
    def mark_answered(self, request, queryset):
        count = queryset.filter(answered_at__isnull=True).update(answered_at=timezone.now())
        messages.success(request, _("%(count)d requests marked as answered.") % {"count": count})


@admin.register(AccessLetter)
class AccessLetterAdmin(admin.ModelAdmin):
    """The heads' written requests for access: once the signed letter is received, "resolve" sets the
    account's address to the one asked and sends a reset link there."""

    list_display = ("uai", "establishment_name", "head_name", "email", "created_at", "received_at", "resolved_at")
    list_filter = (ResolvedFilter,)
    search_fields = ("uai", "establishment_name", "head_name", "email")
    readonly_fields = (
        "token",
        "uai",
        "establishment_name",
        "head_name",
        "email",
        "phone",
        "language",
        "created_at",
        "resolved_at",
        "resolved_by",
    )
    fields = (*readonly_fields, "received_at", "staff_note")
    actions = ["resolve"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Signed letter received: give the access (reset link to the address asked)"))
    def resolve(self, request, queryset):
        count = 0
        for letter in queryset.filter(resolved_at__isnull=True)[:100]:
            school_access.access_letter_resolve(letter=letter, by=request.user)
            count += 1
        messages.success(request, _("%(count)d requests resolved.") % {"count": count})


@admin.register(CartQuote)
class CartQuoteAdmin(admin.ModelAdmin):
    list_display = ("number", "account", "establishment", "total_incl_tax", "issued_at", "valid_until")
    list_select_related = ("account",)
    search_fields = ("number", "account__name", "account__uai", "establishment")
    readonly_fields = [field.name for field in CartQuote._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SupportContact)
class SupportContactAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "email", "phone", "position")
    list_editable = ("position",)
    list_filter = ("kind",)


@admin.register(FaqEntry)
class FaqEntryAdmin(admin.ModelAdmin):
    list_display = ("question_fr", "question_en", "position", "published")
    list_editable = ("position", "published")
    fieldsets = (
        (_("French"), {"fields": ("question_fr", "answer_fr")}),
        (_("English"), {"fields": ("question_en", "answer_en")}),
        (None, {"fields": ("position", "published")}),
    )


@admin.register(SupportQuestion)
class SupportQuestionAdmin(admin.ModelAdmin):
    """The schools' questions, with their establishment (from the directory) beside them."""

    list_display = ("subject", "account", "uai", "topic", "asked_by", "created_at", "answered_at")
    list_select_related = ("account", "asked_by")
    list_filter = (AnsweredFilter, "topic")
    search_fields = ("subject", "account__name", "account__uai")
    readonly_fields = ("account", "establishment", "asked_by", "topic", "subject", "message", "created_at")
    fields = (*readonly_fields, "answered_at")
    actions = ["mark_answered"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("UAI code"), ordering="account__uai")
    def uai(self, question) -> str:
        return question.account.uai

    @admin.display(description=_("establishment"))
    def establishment(self, question) -> str:
        row = establishment_of(question.account)
        if row is None:
            return "—"
        return f"{row} · {row.street}, {row.postcode} {row.city} · {row.get_status_display()} · {row.email}"

    @admin.action(description=_("Mark as answered"))
    def mark_answered(self, request, queryset):
        count = queryset.filter(answered_at__isnull=True).update(answered_at=timezone.now())
        messages.success(request, _("%(count)d questions marked as answered.") % {"count": count})
