from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.address import PostalAddressFormMixin
from portal.fields import NameFormField

from .models import LINE_QUANTITY_MAX, MESSAGE_MAX_LENGTH, Address, Bookseller, Order, ShippingBasket


class AddressBasketForm(PostalAddressFormMixin, forms.ModelForm):
    """An address basket's destination. Its rules are the orders' (``services.basket_destination_errors``,
    which the view applies on save) and the kernel's address rules, which the model's ``clean()`` shows
    here already, each next to its field."""

    class Meta:
        model = ShippingBasket
        fields = list(ShippingBasket.ADDRESS_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].help_text = _("A company name, or a last name below (at least one).")


class BooksellerBasketForm(forms.Form):
    bookseller = forms.ModelChoiceField(
        label=_("bookseller"),
        queryset=Bookseller.objects.filter(is_active=True),
        error_messages={"required": _("Choose a bookseller in the directory.")},
    )


class PickupBasketForm(forms.Form):
    pickup_name = NameFormField(
        label=_("Who will collect the order"), max_length=ShippingBasket._meta.get_field("pickup_name").max_length
    )
    phone = forms.CharField(
        label=_("phone"), max_length=30, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})
    )


BASKET_FORMS = {
    ShippingBasket.Kind.ADDRESS: AddressBasketForm,
    ShippingBasket.Kind.BOOKSELLER: BooksellerBasketForm,
    ShippingBasket.Kind.PICKUP: PickupBasketForm,
}


class QuantityForm(forms.Form):
    quantity = forms.IntegerField(label=_("quantity"), min_value=1, max_value=LINE_QUANTITY_MAX, initial=1)


class OrderNameForm(forms.ModelForm):
    class Meta:
        model = Order
        fields = ["name", "customer_reference", "wished_delivery_date"]
        widgets = {"wished_delivery_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        self.fields["name"].help_text = _("So you can find it again, e.g. “Spring poetry reprint”.")

    def clean_wished_delivery_date(self):
        value = self.cleaned_data.get("wished_delivery_date")
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("The wished delivery date cannot be in the past."))
        return value


class TrackingForm(forms.Form):
    tracking_reference = NameFormField(
        label=_("tracking reference"), max_length=Order._meta.get_field("tracking_reference").max_length
    )


class ChangesForm(forms.Form):
    message = forms.CharField(
        label=_("What should the customer change?"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AddressBookForm(PostalAddressFormMixin, forms.ModelForm):
    """An entry of the address book, as "My shipping addresses" edits it (the rules of an address basket,
    applied by ``services.address_update``, each message next to its field)."""

    class Meta:
        model = Address
        fields = list(Address.ADDRESS_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].help_text = _("A company name, or a last name below (at least one).")
