"""Staff keep the shop's offers here."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.admin_index import IndexNotice
from portal.jobs import job_live
from portal.jobs.views import job_status_response
from portal.models import BackgroundJob

from . import pricing, school_access, tasks
from .directory.workflow import directory_import_upload
from .invoicing.admin import issue_invoices
from .models import (
    AccessLetter,
    Cart,
    CartLine,
    CartQuote,
    Establishment,
    EstablishmentRequest,
    FaqEntry,
    IllegalTransition,
    Offer,
    Subscriber,
    Subscription,
    SubscriptionOrder,
    SubscriptionOrderLine,
    SupportContact,
    SupportQuestion,
)
from .ordering import ActivationError, subscription_cancel, subscription_order_activate, subscription_order_cancel
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


# Orders, subscriptions and subscribers --------------------------------------------------------------------------


class OverdueFilter(admin.SimpleListFilter):
    title = _("activation")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Waiting for more than 72 hours"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=SubscriptionOrder.objects.overdue().values("pk"))
        return queryset


class SubscriptionOrderLineInline(admin.TabularInline):
    model = SubscriptionOrderLine
    fields = ("offer_name_fr", "subscriber", "quantity", "price_excl_tax", "vat_rate", "subscription_status")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("subscriber", "subscription")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("subscription"))
    def subscription_status(self, line: SubscriptionOrderLine) -> str:
        subscription = getattr(line, "subscription", None)
        if subscription is None:
            return "—"
        if subscription.starts_on:
            period = f"{subscription.starts_on:%d/%m/%Y}–{subscription.ends_on:%d/%m/%Y}"
            return f"{subscription.get_status_display()} ({period})"
        return subscription.get_status_display()


@admin.register(SubscriptionOrder)
class SubscriptionOrderAdmin(admin.ModelAdmin):
    """New orders with their purchase order: staff check them and activate them within 72 hours."""

    list_display = (
        "number",
        "account",
        "placed_at",
        "status",
        "waiting",
        "payment_method",
        "is_public",
        "total_incl_tax",
    )
    list_filter = (OverdueFilter, "status", "payment_method", "is_public")
    list_select_related = ("account",)
    search_fields = ("number", "account__name", "account__uai", "engagement_number", "siret")
    date_hierarchy = "placed_at"
    readonly_fields = (
        "number",
        "account",
        "status",
        "placed_at",
        "placed_by",
        "contact_email",
        "language",
        "payment_method",
        "purchase_order_link",
        "is_public",
        "siret",
        "engagement_number",
        "service_code",
        "total_excl_tax",
        "total_vat",
        "total_incl_tax",
        "activated_at",
        "cancelled_at",
    )
    exclude = ("purchase_order", "purchase_order_name", "purchase_order_sha256")
    inlines = [SubscriptionOrderLineInline]
    actions = ["activate_selected", "cancel_selected", issue_invoices]
    change_form_template = "admin/subscriptions/subscriptionorder/change_form.html"

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("waiting"), ordering="placed_at")
    def waiting(self, order: SubscriptionOrder) -> str:
        if order.is_overdue():
            hours = int((timezone.now() - order.placed_at).total_seconds() // 3600)
            return format_html(
                '<strong class="overdue" style="color:#b91c1c">⚠ {}</strong>', _("%(hours)s h") % {"hours": hours}
            )
        return "—"

    @admin.display(description=_("purchase order (PDF)"))
    def purchase_order_link(self, order: SubscriptionOrder) -> str:
        if not order.purchase_order:
            return "—"
        url = reverse("admin:subscriptions_subscriptionorder_purchase_order", args=[order.pk])
        return format_html('<a href="{}">{}</a>', url, order.purchase_order_name or _("Download"))

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/purchase-order/",
                wrap(self.purchase_order_view),
                name="subscriptions_subscriptionorder_purchase_order",
            ),
            path("<int:pk>/activate/", wrap(self.activate_view), name="subscriptions_subscriptionorder_activate"),
            path("<int:pk>/cancel/", wrap(self.cancel_view), name="subscriptions_subscriptionorder_cancel"),
            *super().get_urls(),
        ]

    def _order_or_404(self, request, pk: int) -> SubscriptionOrder:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(SubscriptionOrder, pk=pk)

    def purchase_order_view(self, request, pk: int):
        order = self._order_or_404(request, pk)
        if not order.purchase_order:
            raise Http404
        return FileResponse(
            order.purchase_order.open("rb"),
            as_attachment=True,
            filename=f"bon-de-commande-{order.number}.pdf",
            content_type="application/pdf",
        )

    def _confirm(self, request, order, *, action: str, question: str, button: str, service):
        if not self.has_change_permission(request, order):
            raise PermissionDenied
        change_url = reverse("admin:subscriptions_subscriptionorder_change", args=[order.pk])
        if request.method == "POST":
            try:
                service(order=order, actor=request.user)
            except ActivationError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                done = (
                    _("Order %(number)s is activated.") if action == "activate" else _("Order %(number)s is cancelled.")
                )
                self.message_user(request, done % {"number": order.number}, messages.SUCCESS)
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": question,
            "object": order,
            "opts": self.model._meta,
            "question": question,
            "button": button,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/subscriptions/subscriptionorder/confirm.html", context)

    def activate_view(self, request, pk: int):
        order = self._order_or_404(request, pk)
        return self._confirm(
            request,
            order,
            action="activate",
            question=_(
                "Activate order %(number)s? Its subscriptions become active and the school is e-mailed "
                "its access details."
            )
            % {"number": order.number},
            button=_("Yes, activate"),
            service=subscription_order_activate,
        )

    def cancel_view(self, request, pk: int):
        order = self._order_or_404(request, pk)
        return self._confirm(
            request,
            order,
            action="cancel",
            question=_("Cancel order %(number)s? Its subscriptions are cancelled. This cannot be undone.")
            % {"number": order.number},
            button=_("Yes, cancel the order"),
            service=subscription_order_cancel,
        )

    def _run(self, request, queryset, service, done_message):
        done, refused = 0, []
        for order in queryset.order_by("pk"):
            try:
                service(order=order, actor=request.user)
                done += 1
            except ActivationError as error:
                refused.append(str(error))
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.WARNING)

    @admin.action(description=_("Activate the selected orders"), permissions=["change"])
    def activate_selected(self, request, queryset):
        self._run(request, queryset, subscription_order_activate, _("%(count)d order(s) activated."))

    @admin.action(description=_("Cancel the selected orders"), permissions=["change"])
    def cancel_selected(self, request, queryset):
        if "apply" not in request.POST:
            context = {
                **self.admin_site.each_context(request),
                "title": _("Cancel these orders?"),
                "orders": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/subscriptions/subscriptionorder/cancel_selected.html", context)
        self._run(request, queryset, subscription_order_cancel, _("%(count)d order(s) cancelled."))


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("offer", "subscriber", "account", "status", "starts_on", "ends_on", "quantity")
    list_filter = ("status", "offer")
    list_select_related = ("offer", "subscriber", "account")
    search_fields = ("account__name", "account__uai", "subscriber__company", "subscriber__last_name")
    readonly_fields = (
        "account",
        "subscriber",
        "offer",
        "order_line",
        "quantity",
        "status",
        "starts_on",
        "ends_on",
        "access_code",
        "created_at",
        "activated_at",
        "expired_at",
        "cancelled_at",
    )
    actions = ["cancel_selected"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Cancel the selected subscriptions"), permissions=["change"])
    def cancel_selected(self, request, queryset):
        if "apply" not in request.POST:
            context = {
                **self.admin_site.each_context(request),
                "title": _("Cancel these subscriptions?"),
                "subscriptions": queryset.select_related("offer", "subscriber"),
                "opts": self.model._meta,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/subscriptions/subscription/cancel_selected.html", context)
        done, refused = 0, []
        for subscription in queryset.order_by("pk"):
            try:
                subscription_cancel(subscription=subscription, actor=request.user)
                done += 1
            except IllegalTransition:
                refused.append(str(subscription))
        if done:
            self.message_user(request, _("%(count)d subscription(s) cancelled.") % {"count": done}, messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                _("Not cancelled (already expired or cancelled): %(names)s") % {"names": ", ".join(refused)},
                messages.WARNING,
            )


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ("__str__", "account", "kind", "postcode", "city", "email")
    list_filter = ("kind",)
    list_select_related = ("account",)
    search_fields = ("company", "last_name", "first_name", "email", "account__name", "account__uai")
    raw_id_fields = ("account",)


def late_activations_notice(request) -> list[IndexNotice]:
    """The admin index says how many orders wait for more than 72 hours (one query)."""
    if request is None or not request.user.has_perm("subscriptions.view_subscriptionorder"):
        return []
    count = SubscriptionOrder.objects.overdue().count()
    if not count:
        return []
    message = ngettext(
        "%(count)d school order waits for activation for more than 72 hours.",
        "%(count)d school orders wait for activation for more than 72 hours.",
        count,
    ) % {"count": count}
    return [
        IndexNotice(message=message, url=reverse("admin:subscriptions_subscriptionorder_changelist") + "?overdue=yes")
    ]


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
