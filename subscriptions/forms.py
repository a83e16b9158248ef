"""Forms of the shop's pages."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from portal.ids import parse_id
from portal.pdf_intake import inspect_upload, problem_message

from .models import Offer, PaymentMethod
from .ordering import siret_error
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


#: A client with more subscribers than this gives a subscriber's number instead of choosing it in a list.
MAX_SUBSCRIBER_CHOICES = 300


def purchase_order_max_bytes() -> int:
    return int(getattr(settings, "PURCHASE_ORDER_MAX_BYTES", 20 * 1024**2))


class CheckoutForm(forms.Form):
    """The order's last step: who receives each line (a school's own is chosen for it), the purchase order,
    the payment method and, for a public establishment, the Chorus Pro references."""

    cart_version = forms.CharField(widget=forms.HiddenInput, max_length=64)
    purchase_order = forms.FileField(
        label=_("Purchase order (PDF)"),
        allow_empty_file=True,  # a file of zero bytes gets the intake's own message
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        error_messages={
            "required": _(
                "Attach your purchase order (PDF): validating the order commits your establishment to pay it."
            )
        },
    )
    payment_method = forms.ChoiceField(
        label=_("Payment method"),
        choices=PaymentMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you will pay.")},
    )
    siret = forms.CharField(
        label=_("SIRET of the establishment"),
        max_length=20,
        help_text=_("14 digits; Chorus Pro needs it to receive the invoice."),
        error_messages={"required": _("A public establishment gives its SIRET: Chorus Pro needs it.")},
    )
    engagement_number = forms.CharField(
        label=_("Engagement number"),
        max_length=50,
        help_text=_("The number of your purchase order (bon d’engagement), as Chorus Pro will ask for it."),
        error_messages={"required": _("Give the engagement number of your purchase order.")},
    )
    service_code = forms.CharField(
        label=_("Service code"),
        max_length=100,
        required=False,
        help_text=_("Only if your establishment’s buyer requires one on Chorus Pro."),
    )

    def __init__(self, *args, lines, subscribers=None, is_public=False, checker=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        self.checker = checker
        self.is_public = is_public
        self.subscriber_field_names: dict[int, str] = {}
        self.fields["purchase_order"].help_text = _(
            "Your business manager’s signed purchase order, as a PDF of up to %(max)s. Validating the order "
            "commits your establishment to pay it: we activate the subscriptions once we have checked it."
        ) % {"max": filesizeformat(purchase_order_max_bytes())}
        if checker is not None and checker.problem:
            self.fields["purchase_order"].required = False  # say why the file was refused, not "required"
        if not is_public:
            for name in ("siret", "engagement_number", "service_code"):
                del self.fields[name]
        else:
            self.fields["siret"].widget.attrs.update(inputmode="numeric", autocomplete="off")
        if subscribers is None:  # a school: its own subscriber receives every line
            return
        for line in lines:
            name = f"subscriber_{line.pk}"
            label = _("Subscriber for “%(offer)s”") % {"offer": line.offer.name}
            if len(subscribers) <= MAX_SUBSCRIBER_CHOICES:
                choices = [("", _("Choose a subscriber")), *((str(s.pk), s.display_name) for s in subscribers)]
                field = forms.ChoiceField(label=label, choices=choices)
            else:
                field = forms.CharField(label=label, max_length=20, help_text=_("The subscriber’s number."))
            field.error_messages["required"] = _("Choose who receives this subscription.")
            field.error_messages["invalid_choice"] = _("Choose who receives this subscription.")
            if line.subscriber_id:
                field.initial = str(line.subscriber_id)
            self.fields[name] = field
            self.subscriber_field_names[line.pk] = name

    def subscriber_fields(self):
        return [self[name] for name in self.subscriber_field_names.values()]

    def clean_purchase_order(self):
        upload = self.cleaned_data.get("purchase_order")
        checker = self.checker
        if upload is None and not (checker is not None and checker.problem):
            return upload
        result = inspect_upload(upload, handler=checker)
        if result.problem:
            raise forms.ValidationError(
                problem_message(result.problem, max=purchase_order_max_bytes()), code=result.problem
            )
        return upload

    def clean_siret(self):
        value = "".join(self.cleaned_data.get("siret", "").split())
        problem = siret_error(value)
        if problem:
            raise forms.ValidationError(problem, code="siret")
        return value

    def chosen_subscribers(self) -> dict[int, int]:
        chosen = {}
        for line_id, name in self.subscriber_field_names.items():
            subscriber_id = parse_id(str(self.cleaned_data.get(name) or ""))
            if subscriber_id is not None:
                chosen[line_id] = subscriber_id
        return chosen
