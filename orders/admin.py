"""Staff side of orders: the lifecycle actions call the same services as the customer's pages."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import Q
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export import resources
from import_export.admin import ImportExportModelAdmin

from portal.address import PostalAddressFormMixin
from portal.admin import AuditedAdminMixin
from portal.admin_autocomplete import AccountAutocompleteMixin, AccountAutocompleteSelect, narrow_to_account
from portal.ids import parse_id

from . import services
from .forms import ChangesForm, TrackingForm
from .models import (
    Address,
    BasketLine,
    Bookseller,
    IllegalTransition,
    Order,
    OrderStatus,
    ShippingBasket,
)


class ShippingBasketInlineFormSet(forms.BaseInlineFormSet):
    """Tabular rows have column headers, not labels: name each input for screen readers (axe: "label")."""

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if index is None:
            return
        number = index + 1
        if "position" in form.fields:
            form.fields["position"].widget.attrs["aria-label"] = _("Position of basket %(number)d") % {"number": number}
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = _("Delete basket %(number)d") % {"number": number}


class ShippingBasketInline(admin.TabularInline):
    model = ShippingBasket
    formset = ShippingBasketInlineFormSet
    fields = ("position", "kind", "destination", "edit_link")
    readonly_fields = ("kind", "destination", "edit_link")
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("bookseller")

    @admin.display(description=_("destination"))
    def destination(self, basket: ShippingBasket) -> str:
        return ", ".join([basket.recipient, *basket.address_lines])

    @admin.display(description=_("lines"))
    def edit_link(self, basket: ShippingBasket) -> str:
        url = reverse("admin:orders_shippingbasket_change", args=[basket.pk])
        return format_html('<a href="{}">{}</a>', url, _("Lines and files"))


class AccountFilter(admin.SimpleListFilter):
    """A text box rather than a list: there are thousands of accounts."""

    title = _("account")
    parameter_name = "account"
    template = "orders/admin_input_filter.html"

    def lookups(self, request, model_admin):
        return (("", ""),)

    def choices(self, changelist):
        yield {"query_string": changelist.get_query_string(remove=[self.parameter_name]), "value": self.value() or ""}

    def queryset(self, request, queryset):
        value = (self.value() or "").strip()
        if not value:
            return queryset
        account_id = parse_id(value)
        if account_id is not None:
            return queryset.filter(Q(account_id=account_id) | Q(account__name__icontains=value))
        return queryset.filter(account__name__icontains=value)


class OrderAdminForm(forms.ModelForm):
    """The creator's search offers the users of the order's account (the account as saved)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.account_id:
            narrow_to_account(self.fields.get("created_by"), self.instance.account_id)


@admin.register(Order)
class OrderAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = OrderAdminForm
    list_display = ("__str__", "number", "account", "status", "submitted_at", "created_at")
    list_filter = (
        "status",
        "source",
        AccountFilter,
        ("submitted_at", admin.DateFieldListFilter),
        ("created_at", admin.DateFieldListFilter),
    )
    list_select_related = ("account",)
    search_fields = ("name", "number", "account__name", "customer_reference", "submitter_name", "submitter_email")
    autocomplete_fields = ("account", "created_by")
    readonly_fields = ("number", "status", "submitted_at", "created_at", "updated_at", "tracking_reference", "contents")
    fieldsets = (
        (None, {"fields": ("account", "created_by", "name", "number", "status", "source")}),
        (
            _("Customer's details"),
            {"fields": ("customer_reference", "wished_delivery_date", "submitter_name", "submitter_email")},
        ),
        (_("Follow-up"), {"fields": ("tracking_reference", "submitted_at", "created_at", "updated_at")}),
        (_("Baskets, lines and files"), {"fields": ("contents",)}),
    )
    inlines = [ShippingBasketInline]
    actions = ["accept", "start_production", "ship", "ready_for_pickup", "complete", "request_changes", "cancel"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("account")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "created_by":
            kwargs["widget"] = AccountAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("contents"))
    def contents(self, order: Order) -> str:
        if not order.pk:
            return "—"
        baskets = order.baskets.select_related("bookseller").prefetch_related(
            "lines__product__binding", "lines__product__paper_format", "lines__product__files"
        )
        return render_to_string("orders/admin_order_contents.html", {"baskets": baskets})

    def _move(
        self,
        request,
        queryset,
        *,
        to_status: str,
        action: Callable[[Order], object],
    ) -> None:
        done, skipped = [], []
        for order in queryset.order_by("pk"):
            if not order.can_move_to(to_status):
                skipped.append(order)
                continue
            try:
                action(order)
            except (IllegalTransition, services.OrderError):
                skipped.append(order)
            else:
                done.append(order)
        label = OrderStatus(to_status).label
        if done:
            self.message_user(
                request,
                _("%(count)d order(s) moved to “%(status)s”.") % {"count": len(done), "status": label},
                messages.SUCCESS,
            )
        if skipped:
            names = ", ".join(f"{order} ({order.get_status_display()})" for order in skipped)
            self.message_user(
                request,
                _("Not moved to “%(status)s”, their status does not allow it: %(orders)s")
                % {"status": label, "orders": names},
                messages.WARNING,
            )

    def _form_step(self, request, queryset, *, form_class: type[forms.Form], title, action_name: str):
        """An intermediate page asking for the action's input; returns (form or None when valid, response)."""
        if "apply" in request.POST:
            form = form_class(request.POST)
            if form.is_valid():
                return form, None
        else:
            form = form_class()
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "orders": queryset,
            "action_name": action_name,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
        }
        return None, TemplateResponse(request, "orders/admin_action_form.html", context)

    @admin.action(description=_("Accept"))
    def accept(self, request, queryset):
        self._move(
            request,
            queryset,
            to_status=OrderStatus.ACCEPTED,
            action=lambda order: services.order_accept(order_id=order.pk, by=request.user),
        )

    @admin.action(description=_("Start production"))
    def start_production(self, request, queryset):
        self._move(
            request,
            queryset,
            to_status=OrderStatus.IN_PRODUCTION,
            action=lambda order: services.order_start_production(order_id=order.pk, by=request.user),
        )

    @admin.action(description=_("Ship (with a tracking reference)"))
    def ship(self, request, queryset):
        form, response = self._form_step(
            request, queryset, form_class=TrackingForm, title=_("Ship the orders"), action_name="ship"
        )
        if response:
            return response
        reference = form.cleaned_data["tracking_reference"]
        self._move(
            request,
            queryset,
            to_status=OrderStatus.SHIPPED,
            action=lambda order: services.order_ship(order_id=order.pk, by=request.user, tracking_reference=reference),
        )
        return None

    @admin.action(description=_("Ready for pick-up"))
    def ready_for_pickup(self, request, queryset):
        self._move(
            request,
            queryset,
            to_status=OrderStatus.READY_FOR_PICKUP,
            action=lambda order: services.order_mark_ready_for_pickup(order_id=order.pk, by=request.user),
        )

    @admin.action(description=_("Complete"))
    def complete(self, request, queryset):
        self._move(
            request,
            queryset,
            to_status=OrderStatus.COMPLETED,
            action=lambda order: services.order_complete(order_id=order.pk, by=request.user),
        )

    @admin.action(description=_("Request changes (with a message)"))
    def request_changes(self, request, queryset):
        form, response = self._form_step(
            request, queryset, form_class=ChangesForm, title=_("Request changes"), action_name="request_changes"
        )
        if response:
            return response
        message = form.cleaned_data["message"]
        self._move(
            request,
            queryset,
            to_status=OrderStatus.CHANGES_REQUESTED,
            action=lambda order: services.order_request_changes(order_id=order.pk, by=request.user, message=message),
        )
        return None

    @admin.action(description=_("Cancel"))
    def cancel(self, request, queryset):
        self._move(
            request,
            queryset,
            to_status=OrderStatus.CANCELLED,
            action=lambda order: services.order_cancel(order_id=order.pk, by=request.user),
        )


class LoadedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that labels its selected object from the row already loaded with the formset.

    Django's AutocompleteSelect looks the selected value up again to print its label: one query per
    row of an inline. `loaded` holds the objects the formset has already fetched, by primary key.
    """

    loaded: dict[str, object]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.loaded = {}

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if not selected or not selected <= self.loaded.keys():
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        for key in sorted(selected):
            obj = self.loaded[key]
            label = self.choices.field.label_from_instance(obj)
            options.append(self.create_option(name, obj.pk, label, selected, len(options)))
        return [(None, options, 0)]


class BasketProductSelect(LoadedAutocompleteSelect, AccountAutocompleteSelect):
    """A basket line's product autocomplete: labelled from the loaded lines, offers the basket's account's products."""


class BasketLineInlineFormSet(forms.BaseInlineFormSet):
    """Hands each row's product widget the line's product, fetched with the lines, and the basket's account."""

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        line = form.instance
        field = form.fields.get("product")
        widget = getattr(field.widget, "widget", None) if field else None
        if not isinstance(widget, BasketProductSelect):
            return
        if line.pk and line.product_id:
            widget.loaded = {str(line.product_id): line.product}
        if self.instance.order_id:
            widget.account_id = self.instance.order.account_id


class BasketLineInline(admin.TabularInline):
    model = BasketLine
    formset = BasketLineInlineFormSet
    fields = ("product", "quantity", "files")
    readonly_fields = ("files",)
    autocomplete_fields = ("product",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product").prefetch_related("product__files")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "product":
            kwargs["widget"] = BasketProductSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("files"))
    def files(self, line: BasketLine) -> str:
        if not line.pk:
            return "—"
        return (
            ", ".join(
                f"{file.get_kind_display()}: {file.original_name} ({file.get_preflight_status_display()})"
                for file in line.product.files.all()
            )
            or "—"
        )


class ShippingBasketAdminForm(PostalAddressFormMixin, forms.ModelForm):
    """The address-book search offers the entries of the order's account (the order as saved). Which
    address fields are required depends on the destination type: the model's ``clean()`` says so."""

    address_required = False

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.order_id:
            narrow_to_account(self.fields.get("address"), self.instance.order.account_id)


@admin.register(ShippingBasket)
class ShippingBasketAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = ShippingBasketAdminForm
    list_display = ("__str__", "order", "kind", "position")
    list_filter = ("kind",)
    list_select_related = ("order", "bookseller")
    search_fields = ("order__number", "order__name", "company", "last_name", "city")
    autocomplete_fields = ("order", "bookseller", "address")
    inlines = [BasketLineInline]

    def audit_account_id(self, obj: ShippingBasket) -> int | None:
        return obj.order.account_id

    def get_queryset(self, request):
        # The change page's line and address widgets read the order's account. A queryset that already
        # joins makes the changelist skip list_select_related, so it joins those too.
        return super().get_queryset(request).select_related(*self.list_select_related)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "address":
            kwargs["widget"] = AccountAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class BooksellerResource(resources.ModelResource):
    class Meta:
        model = Bookseller
        import_id_fields = ("network_code",)
        fields = ("network_code", "name", *Bookseller.ADDRESS_FIELDS, "is_active")
        skip_unchanged = True
        report_skipped = True


class BooksellerAdminForm(PostalAddressFormMixin, forms.ModelForm):
    class Meta:
        model = Bookseller
        fields = ("name", "network_code", *Bookseller.ADDRESS_FIELDS, "is_active")


@admin.register(Bookseller)
class BooksellerAdmin(ImportExportModelAdmin):
    form = BooksellerAdminForm
    resource_classes = [BooksellerResource]
    list_display = ("name", "network_code", "postcode", "city", "is_active")
    list_filter = ("is_active",)
    list_editable = ("is_active",)
    search_fields = ("name", "network_code", "city", "postcode")


class AddressAdminForm(PostalAddressFormMixin, forms.ModelForm):
    class Meta:
        model = Address
        fields = ("account", *Address.ADDRESS_FIELDS, "is_hidden", "use_count", "last_used_at", "created_at")


@admin.register(Address)
class AddressAdmin(AuditedAdminMixin, AccountAutocompleteMixin, admin.ModelAdmin):
    form = AddressAdminForm
    list_display = ("__str__", "account", "use_count", "last_used_at", "is_hidden")
    list_filter = ("is_hidden",)
    list_select_related = ("account",)
    search_fields = ("company", "last_name", "city", "postcode", "account__name")
    autocomplete_fields = ("account",)
