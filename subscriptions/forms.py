"""Forms of the shop's pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Offer
from .services import MAX_QUANTITY


class AddToCartForm(forms.Form):
    offer = forms.ModelChoiceField(
        queryset=Offer.objects.active(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("This offer is no longer available.")},
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY, initial=1)


class QuantityForm(forms.Form):
    offer = forms.ModelChoiceField(
        queryset=Offer.objects.all(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("This offer is not in your cart.")},
    )
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=0,
        max_value=MAX_QUANTITY,
        help_text=_("0 removes the offer from the cart."),
    )


class RemoveForm(forms.Form):
    offer = forms.ModelChoiceField(queryset=Offer.objects.all(), widget=forms.HiddenInput)
