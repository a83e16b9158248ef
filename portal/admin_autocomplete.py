"""Admin autocompletes that keep to one account: the widget asks for it, the target admin narrows to it.

A field whose value must belong to the same account as the object being edited (a basket line's
product, a basket's address-book entry, an order's creator) gets an ``AccountAutocompleteSelect``
given that account; the admin of the model it searches uses ``AccountAutocompleteMixin``. They only
narrow the choices offered: the rule itself is the model's ``clean()``.
"""

from __future__ import annotations

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.utils.http import urlencode

from .ids import parse_id

AUTOCOMPLETE_ACCOUNT_PARAM = "account"


class AccountAutocompleteMixin:
    """A model admin whose autocomplete search, asked with ?account=<id>, offers that account's objects only."""

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        account_id = parse_id(request.GET.get(AUTOCOMPLETE_ACCOUNT_PARAM))
        match = request.resolver_match
        # Only on the autocomplete request: the changelist's filters read the same query string.
        if match is not None and match.url_name == "autocomplete" and account_id is not None:
            queryset = queryset.filter(account_id=account_id)
        return queryset, may_have_duplicates


class AccountAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that offers one account's objects only, once given ``account_id``."""

    account_id: int | None = None

    def get_url(self) -> str:
        url = super().get_url()
        if self.account_id is None:
            return url
        return f"{url}?{urlencode({AUTOCOMPLETE_ACCOUNT_PARAM: self.account_id})}"


def narrow_to_account(field: forms.Field | None, account_id: int | None) -> None:
    """Give a form field's account autocomplete (bare, or wrapped by the admin's related-object links) its account."""
    widget = getattr(field, "widget", None)
    widget = getattr(widget, "widget", widget)
    if isinstance(widget, AccountAutocompleteSelect):
        widget.account_id = account_id
