"""Forms of the contact pages (sign-up, terms, fresh link) and of the contact admin."""

from __future__ import annotations

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.contrib.auth import password_validation
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from .models import TermsOfService, User
from .selectors import establishment_login
from .services import validate_pdf
from .validators import UAI_PATTERN, is_valid_uai, normalise_uai


class LoginForm(AllauthLoginForm):
    """The one sign-in page: an e-mail address, or a school's UAI code for its establishment login.

    A UAI is normalised (spaces, case) and its check letter verified before any password is tried;
    an unknown UAI fails like a wrong password (no telling which codes have an account)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"] = forms.CharField(
            label=_("E-mail or UAI code"),
            help_text=_("Schools: your UAI code (7 digits and a letter, e.g. 0750655E) signs in the establishment."),
            widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
            max_length=254,
        )
        self.order_fields(["login", "password", "remember"])

    def clean_login(self) -> str:
        login = self.cleaned_data["login"].strip()
        if "@" in login:
            validate_email(login)
            return login
        uai = normalise_uai(login)
        if UAI_PATTERN.match(uai):
            if not is_valid_uai(uai):
                raise forms.ValidationError(
                    _("The check letter of the UAI code “%(value)s” does not match its 7 digits: check the code."),
                    code="uai_check_letter",
                    params={"value": uai},
                )
            user = establishment_login(uai)
            return user.email if user is not None else uai
        raise forms.ValidationError(
            _("Enter an e-mail address, or a UAI code: 7 digits followed by a letter, e.g. 0750655E."),
            code="invalid_login",
        )


class SignUpForm(forms.Form):
    """Create a login from the invitation link: the password twice, and the terms when there are some."""

    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 10 characters; not only digits, not a common password, not too close to your name or e-mail."
        ),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    accept_terms = forms.BooleanField(label=_("I accept the terms of service"), required=True)

    def __init__(self, *args, contact: User, terms: TermsOfService | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.contact = contact
        if terms is None:
            del self.fields["accept_terms"]

    def clean_password2(self) -> str:
        password1 = self.cleaned_data.get("password1")
        password2 = self.cleaned_data.get("password2")
        if password1 and password2 and password1 != password2:
            raise forms.ValidationError(_("The two passwords do not match."), code="password_mismatch")
        return password2

    def _post_clean(self) -> None:
        super()._post_clean()
        password = self.cleaned_data.get("password2")
        if password:
            try:
                password_validation.validate_password(password, self.contact)
            except forms.ValidationError as error:
                self.add_error("password1", error)


class TermsAcceptForm(forms.Form):
    accept_terms = forms.BooleanField(label=_("I accept the terms of service"), required=True)


class FreshLinkForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class ContactAddForm(forms.ModelForm):
    """The admin's "add a contact": the person and its account; no password (they choose it)."""

    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "account", "language")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].required = True

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("A user with this e-mail address already exists."), code="unique")
        return email


class TermsPublishForm(forms.ModelForm):
    class Meta:
        model = TermsOfService
        fields = ("version_label", "document")
        widgets = {"document": forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # An empty file too is judged by the PDF intake, so it gets the intake's message, not Django's.
        self.fields["document"].allow_empty_file = True

    def clean_document(self):
        document = self.cleaned_data["document"]
        if document:
            validate_pdf(document)
        return document
