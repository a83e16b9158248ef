from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from portal.fields import NameFormField

from .models import LINE_QUANTITY_MAX, MESSAGE_MAX_LENGTH, Bookseller, Order, ShippingBasket

COUNTRIES = [
    ("FR", _("France")),
    ("BE", _("Belgium")),
    ("CH", _("Switzerland")),
    ("LU", _("Luxembourg")),
    ("MC", _("Monaco")),
    ("DE", _("Germany")),
    ("ES", _("Spain")),
    ("IT", _("Italy")),
    ("NL", _("Netherlands")),
    ("PT", _("Portugal")),
    ("GB", _("United Kingdom")),
    ("CA", _("Canada")),
    ("US", _("United States")),
]


class AddressBasketForm(forms.ModelForm):
    country = forms.ChoiceField(label=capfirst(_("country")), choices=COUNTRIES, initial="FR")

    class Meta:
        model = ShippingBasket
        fields = list(ShippingBasket.ADDRESS_FIELDS)
        widgets = {
            "company": forms.TextInput(attrs={"autocomplete": "organization"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "line1": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "line2": forms.TextInput(attrs={"autocomplete": "address-line2"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("line1", "postcode", "city"):
            self.fields[name].required = True
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
