"""The forms of the subscribers' space; the address rules are the kernel's (``portal.address``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.address import PostalAddressFormMixin
from subscriptions.models import Subscriber, Subscription

from .models import REASONS_WITH_ISSUE, ClaimReason

YES_NO = [("yes", _("yes")), ("no", _("no"))]


class SubscriberForm(PostalAddressFormMixin, forms.ModelForm):
    """Create or modify a subscriber. ``grant_login`` is offered once the subscriber has an e-mail."""

    grant_login = forms.ChoiceField(
        label=_("Create an access for this subscriber"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
        help_text=_("The subscriber receives an e-mail with their identifier and a link to choose their password."),
    )

    class Meta:
        model = Subscriber
        fields = [
            "title",
            "first_name",
            "last_name",
            "company",
            "department",
            "building",
            "line1",
            "line2",
            "locality",
            "postcode",
            "city",
            "cedex",
            "country",
            "email",
            "phone",
            "fax",
        ]

    def __init__(self, *args, has_login: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grant_login"].initial = "yes" if has_login else "no"
        # A new subscriber types its e-mail in the same form (refused without one); an existing one needs it saved.
        self.can_grant = self.instance.pk is None or bool(self.instance.email)
        if "fax" in self.fields:
            self.fields["fax"].widget.attrs.setdefault("type", "tel")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("grant_login") == "yes" and not cleaned.get("email"):
            self.add_error("email", _("An access needs the subscriber’s e-mail address."))
        return cleaned

    def wants_login(self) -> bool:
        return self.cleaned_data.get("grant_login") == "yes" and bool(self.cleaned_data.get("email"))


class ClaimForm(forms.Form):
    subscription = forms.ModelChoiceField(label=_("Subscription"), queryset=Subscription.objects.none())
    reason = forms.ChoiceField(label=_("Reason"), choices=ClaimReason.choices)
    issue = forms.CharField(
        label=_("Issue concerned"), max_length=60, required=False, help_text=_("Its number or its date.")
    )
    body = forms.CharField(label=_("Message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, subscriptions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subscription"].queryset = subscriptions
        self.fields["subscription"].label_from_instance = lambda s: f"{s.offer} — {s.subscriber}"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") in REASONS_WITH_ISSUE and not (cleaned.get("issue") or "").strip():
            self.add_error("issue", _("Say which issue: its number or its date."))
        return cleaned


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
