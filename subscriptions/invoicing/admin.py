"""Staff's side of invoicing: invoices (read only; a payment or a credit note from their page), and the
Chorus Pro queue "to deposit" where staff download a public school's Factur-X and mark it deposited."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.admin_index import IndexNotice

from .. import pricing
from ..models import PaymentMethod
from ..ordering import shop_today
from . import services
from .chorus import chorus_configured
from .models import ChorusDeposit, CreditNote, DepositStatus, Invoice, InvoiceLine, Payment


class PaymentForm(forms.Form):
    method = forms.ChoiceField(label=_("payment method"), choices=PaymentMethod.choices)
    paid_on = forms.DateField(label=_("paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("reference"), max_length=100, required=False)
    amount = forms.DecimalField(label=_("amount"), max_digits=12, decimal_places=2)


class CreditNoteForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RejectionForm(forms.Form):
    reason = forms.CharField(label=_("reason of the rejection"), max_length=1000, required=False)


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class InvoiceLineInline(_ReadOnlyInline):
    model = InvoiceLine
    fields = ("position", "description_fr", "subscriber", "quantity", "unit_price_excl_tax", "vat_rate")
    readonly_fields = fields


class PaymentInline(_ReadOnlyInline):
    model = Payment
    fields = ("paid_on", "method", "reference", "amount", "recorded_by", "recorded_at")
    readonly_fields = fields


def _form_view(admin_view, request, obj, *, form_class, question, button, initial, apply):
    """A small form page for a service: the service's refusals land next to their field."""
    change_url = reverse(f"admin:subscriptions_{obj._meta.model_name}_change", args=[obj.pk])
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            done = apply(form.cleaned_data)
        except services.InvoiceError as error:
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            admin_view.message_user(request, done, messages.SUCCESS)
            return redirect(change_url)
    context = {
        **admin_view.admin_site.each_context(request),
        "title": question,
        "object": obj,
        "opts": admin_view.model._meta,
        "question": question,
        "button": button,
        "form": form,
        "change_url": change_url,
    }
    return TemplateResponse(request, "admin/subscriptions/invoice/form.html", context)


def _pdf_response(invoice: Invoice) -> HttpResponse:
    response = HttpResponse(services.invoice_pdf_bytes(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.pdf_filename}"'
    return response


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "account",
        "order",
        "issue_date",
        "due_date",
        "total_incl_tax",
        "status_display",
        "is_public",
    )
    list_filter = ("is_public", "payment_method", "issue_date")
    list_select_related = ("account", "order", "credit_note")
    search_fields = ("number", "order__number", "account__name", "account__uai", "engagement_number", "siret")
    date_hierarchy = "issue_date"
    inlines = [InvoiceLineInline, PaymentInline]
    exclude = ("seller", "buyer_address")
    change_form_template = "admin/subscriptions/invoice/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).with_amounts()

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields if field.name not in self.exclude] + [
            "status_display",
            "paid_display",
            "pdf_link",
        ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("status"))
    def status_display(self, invoice: Invoice) -> str:
        return invoice.get_status_display()

    @admin.display(description=_("paid"))
    def paid_display(self, invoice: Invoice) -> str:
        return f"{pricing.format_money(invoice.paid)} / {pricing.format_money(invoice.total_incl_tax)}"

    @admin.display(description=_("PDF"))
    def pdf_link(self, invoice: Invoice) -> str:
        url = reverse("admin:subscriptions_invoice_pdf", args=[invoice.pk])
        return format_html('<a href="{}">{}</a>', url, invoice.pdf_filename)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/pdf/", wrap(self.pdf_view), name="subscriptions_invoice_pdf"),
            path("<int:pk>/payment/", wrap(self.payment_view), name="subscriptions_invoice_payment"),
            path("<int:pk>/credit-note/", wrap(self.credit_note_view), name="subscriptions_invoice_credit_note"),
            *super().get_urls(),
        ]

    def _invoice(self, request, pk: int, *, change: bool = False) -> Invoice:
        allowed = self.has_change_permission(request) if change else self.has_view_permission(request)
        if not allowed:
            raise PermissionDenied
        return get_object_or_404(Invoice.objects.with_amounts(), pk=pk)

    def has_change_permission(self, request, obj=None) -> bool:
        # The invoice itself is never edited; "change" is the right to record payments and credit notes.
        return request.user.has_perm("subscriptions.change_invoice")

    def pdf_view(self, request, pk: int):
        return _pdf_response(self._invoice(request, pk))

    def payment_view(self, request, pk: int):
        invoice = self._invoice(request, pk, change=True)

        def apply(data):
            services.payment_record(invoice=invoice, actor=request.user, **data)
            return _("Payment recorded on invoice %(number)s.") % {"number": invoice.number}

        return _form_view(
            self,
            request,
            invoice,
            form_class=PaymentForm,
            question=_("Record a payment for invoice %(number)s (%(remaining)s due)")
            % {"number": invoice.number, "remaining": pricing.format_money(invoice.remaining)},
            button=_("Record the payment"),
            initial={"method": invoice.payment_method, "paid_on": shop_today(), "amount": invoice.remaining},
            apply=apply,
        )

    def credit_note_view(self, request, pk: int):
        invoice = self._invoice(request, pk, change=True)

        def apply(data):
            credit_note = services.credit_note_issue(invoice=invoice, reason=data["reason"], actor=request.user)
            return _("Credit note %(credit)s cancels invoice %(number)s.") % {
                "credit": credit_note.number,
                "number": invoice.number,
            }

        return _form_view(
            self,
            request,
            invoice,
            form_class=CreditNoteForm,
            question=_(
                "Cancel invoice %(number)s by a credit note? This cannot be undone; the order can then be "
                "invoiced again."
            )
            % {"number": invoice.number},
            button=_("Yes, issue the credit note"),
            initial={},
            apply=apply,
        )


@admin.register(CreditNote)
class CreditNoteAdmin(admin.ModelAdmin):
    list_display = ("number", "invoice", "account", "issue_date", "total_incl_tax", "reason")
    list_select_related = ("invoice", "account")
    search_fields = ("number", "invoice__number", "account__name")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ChorusDeposit)
class ChorusDepositAdmin(admin.ModelAdmin):
    """The queue "to deposit": public schools' Factur-X invoices waiting for Chorus Pro."""

    list_display = ("invoice", "account", "status", "reason", "flow_number", "by_api", "updated_at", "download")
    list_filter = ("status", "by_api")
    list_select_related = ("invoice__account",)
    search_fields = ("invoice__number", "invoice__account__name", "invoice__siret", "flow_number")
    readonly_fields = (
        "invoice",
        "status",
        "reason",
        "flow_number",
        "by_api",
        "attempts",
        "deposited_at",
        "deposited_by",
    )
    actions = ["mark_deposited", "deposit_through_api"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("account"))
    def account(self, deposit: ChorusDeposit) -> str:
        return str(deposit.invoice.account)

    @admin.display(description=_("Factur-X"))
    def download(self, deposit: ChorusDeposit) -> str:
        url = reverse("admin:subscriptions_invoice_pdf", args=[deposit.invoice_id])
        reject = reverse("admin:subscriptions_chorusdeposit_reject", args=[deposit.pk])
        return format_html('<a href="{}">{}</a> · <a href="{}">{}</a>', url, _("Download"), reject, _("Rejected…"))

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/reject/", wrap(self.reject_view), name="subscriptions_chorusdeposit_reject"),
            *super().get_urls(),
        ]

    def reject_view(self, request, pk: int):
        if not self.has_change_permission(request):
            raise PermissionDenied
        deposit = get_object_or_404(ChorusDeposit.objects.select_related("invoice"), pk=pk)

        def apply(data):
            services.chorus_deposit_mark(
                deposit=deposit, status=DepositStatus.REJECTED, reason=data["reason"], actor=request.user
            )
            return _("Deposit of invoice %(number)s marked rejected.") % {"number": deposit.invoice.number}

        return _form_view(
            self,
            request,
            deposit,
            form_class=RejectionForm,
            question=_("Chorus Pro rejected invoice %(number)s: why?") % {"number": deposit.invoice.number},
            button=_("Mark rejected"),
            initial={},
            apply=apply,
        )

    @admin.action(description=_("Mark the selected invoices deposited on Chorus Pro"), permissions=["change"])
    def mark_deposited(self, request, queryset):
        done = 0
        for deposit in queryset.order_by("pk"):
            try:
                services.chorus_deposit_mark(deposit=deposit, status=DepositStatus.DEPOSITED, actor=request.user)
                done += 1
            except services.InvoiceError as error:
                self.message_user(request, str(error), messages.WARNING)
        self.message_user(
            request, ngettext("%(count)d deposit marked.", "%(count)d deposits marked.", done) % {"count": done}
        )

    @admin.action(description=_("Deposit the selected invoices through the Chorus Pro API"), permissions=["change"])
    def deposit_through_api(self, request, queryset):
        if not chorus_configured():
            self.message_user(
                request,
                _("The Chorus Pro API is not configured: deposit by hand, then mark deposited."),
                messages.ERROR,
            )
            return
        count = 0
        for deposit in queryset.exclude(status=DepositStatus.DEPOSITED).order_by("pk"):
            services.chorus_deposit_enqueue(deposit=deposit, actor=request.user)
            count += 1
        self.message_user(
            request, ngettext("%(count)d deposit queued.", "%(count)d deposits queued.", count) % {"count": count}
        )


@admin.action(description=_("Issue the invoice of the selected activated orders"), permissions=["change"])
def issue_invoices(modeladmin, request, queryset):
    """On the orders' list: an order activated without its invoice (or whose invoice was cancelled)."""
    issued = 0
    for order in queryset.order_by("pk"):
        try:
            services.invoice_issue_for_order(order=order, actor=request.user)
            issued += 1
        except services.InvoiceError as error:
            modeladmin.message_user(request, str(error), messages.WARNING)
    if issued:
        modeladmin.message_user(
            request, ngettext("%(count)d order invoiced.", "%(count)d orders invoiced.", issued) % {"count": issued}
        )


def chorus_queue_notice(request) -> list[IndexNotice]:
    """The admin index says how many public schools' invoices wait to be deposited (one query)."""
    if request is None or not request.user.has_perm("subscriptions.view_chorusdeposit"):
        return []
    count = ChorusDeposit.objects.filter(status__in=[DepositStatus.TO_DEPOSIT, DepositStatus.REJECTED]).count()
    if not count:
        return []
    message = ngettext(
        "%(count)d invoice waits to be deposited on Chorus Pro (or was rejected).",
        "%(count)d invoices wait to be deposited on Chorus Pro (or were rejected).",
        count,
    ) % {"count": count}
    return [IndexNotice(message=message, url=reverse("admin:subscriptions_chorusdeposit_changelist"))]
