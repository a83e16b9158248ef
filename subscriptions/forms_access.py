"""Forms of the school's way in: finding the establishment, creating its account, a lost password,
the head's written request, an account request, a question to the shop."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from contacts.validators import UAI_PATTERN, is_valid_uai, normalise_uai

from .models import EstablishmentRequest, SupportContactKind


def clean_uai_value(value: str) -> str:
    """A UAI normalised, with a message for a wrong check letter and one for a malformed code."""
    uai = normalise_uai(value)
    if not UAI_PATTERN.match(uai):
        raise forms.ValidationError(
            _("A UAI code is 7 digits followed by a letter, e.g. 0750655E."), code="invalid_uai"
        )
    if not is_valid_uai(uai):
        raise forms.ValidationError(
            _("The check letter of the UAI code “%(value)s” does not match its 7 digits: check the code."),
            code="uai_check_letter",
            params={"value": uai},
        )
    return uai


class UaiField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("UAI code"))
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return clean_uai_value(value) if value else value


class FindEstablishmentForm(forms.Form):
    """Find the establishment in the directory: by its UAI, or by its name and town."""

    uai = UaiField(required=False, help_text=_("7 digits and a letter, e.g. 0750655E."))
    name = forms.CharField(label=_("Name of the establishment"), max_length=100, required=False)
    town = forms.CharField(label=_("Town"), max_length=100, required=False)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not data.get("uai") and not (data.get("name") and data.get("town")):
            raise forms.ValidationError(_("Give the UAI code, or the name and the town of the establishment."))
        return data


class SchoolSignUpForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("The establishment’s address (it receives the activation link, the orders and the invoices)."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password (again)"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean_password2(self) -> str:
        password1 = self.cleaned_data.get("password1")
        password2 = self.cleaned_data.get("password2")
        if password1 and password2 and password1 != password2:
            raise forms.ValidationError(_("The two passwords differ."))
        if password2:
            password_validation.validate_password(password2)
        return password2


class SchoolPasswordResetForm(forms.Form):
    uai = UaiField()
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("The address the establishment’s account uses, if you know it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class AccessLetterForm(forms.Form):
    uai = UaiField()
    establishment_name = forms.CharField(label=_("Name of the establishment"), max_length=200)
    head_name = forms.CharField(label=_("Name of the head of the establishment"), max_length=200)
    email = forms.EmailField(label=_("Address to send the access to"))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)


class EstablishmentRequestForm(forms.ModelForm):
    uai = UaiField(required=False, label=_("UAI code (if the establishment has one)"))

    class Meta:
        model = EstablishmentRequest
        fields = ["name", "uai", "street", "postcode", "city", "contact_name", "email", "phone", "message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 4, "maxlength": 2000})}


class ActivationResendForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the account"))


class SupportQuestionForm(forms.Form):
    topic = forms.ChoiceField(label=_("About"), choices=SupportContactKind.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(
        label=_("Your question"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6, "maxlength": 4000})
    )
