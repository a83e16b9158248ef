"""The cart on paper: its PDF (for the business manager's purchase order) and a formal quote made from it."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from portal.access import as_scope
from portal.audit import Action, audit_record
from portal.documents.services import document_issue
from portal.models import Document
from portal.numbering import number_next

from . import pricing
from .documents import CART_DOCUMENT, CART_QUOTE_DOCUMENT, load_cart
from .models import Cart, CartQuote
from .selectors import cart_lines, establishment_of
from .services import SHOP_TIME_ZONE


class EmptyCart(Exception):
    """There is nothing to print: the cart is empty or has expired."""


def cart_issue_document(*, cart: Cart, language: str, user=None) -> Document:
    """The cart's current PDF, issued again only when its content changed (content-keyed)."""
    return document_issue(kind=CART_DOCUMENT, obj=load_cart(cart.pk), language=language, user=user)


def _establishment_label(account) -> str:
    if account is None:
        return ""
    row = establishment_of(account)
    parts = [account.name, f"UAI {account.uai}" if account.uai else ""]
    if row is not None:
        parts += [row.street, f"{row.postcode} {row.city}".strip()]
    return "\n".join(part for part in parts if part)


@transaction.atomic
def cart_quote_create(*, reader, cart: Cart, language: str, user=None) -> CartQuote:
    """A numbered quote of the cart as it is now, valid 30 days, and its PDF issued."""
    lines = cart_lines(cart)
    if not lines:
        raise EmptyCart
    scope = as_scope(reader)
    if not scope.is_member and cart.account_id:
        raise EmptyCart
    account = cart.account if cart.account_id else None
    totals = pricing.totals(line.price for line in lines)
    now = timezone.now()
    number = number_next(sequence="quote", at=now)
    quote = CartQuote.objects.create(
        number=number,
        account=account,
        establishment=_establishment_label(account),
        lines=[
            {
                "name": line.offer.name,
                "kind": line.offer.get_kind_display(),
                "duration": line.offer.get_duration_display(),
                "quantity": line.quantity,
                "unit_excl_tax": str(line.offer.price_excl_tax),
                "vat_rate": line.offer.vat_rate,
                "excl_tax": str(line.price.excl_tax),
                "incl_tax": str(line.price.incl_tax),
            }
            for line in lines
        ],
        total_excl_tax=totals.excl_tax,
        total_vat=totals.vat,
        total_incl_tax=totals.incl_tax,
        tax_lines=[
            {"rate": str(row.rate), "excl_tax": str(row.excl_tax), "vat": str(row.vat), "incl_tax": str(row.incl_tax)}
            for row in totals.by_rate
        ],
        language=language,
        issued_at=now,
        valid_until=timezone.localtime(now, SHOP_TIME_ZONE).date() + datetime.timedelta(days=CartQuote.VALID_DAYS),
    )
    audit_record(
        actor=user if getattr(user, "pk", None) else None,
        actor_label="" if scope.is_member else "visitor",
        action=Action.CREATED,
        obj=quote,
        account_id=quote.account_id,
        message=f"Quote {number} made from the cart ({len(lines)} lines).",
    )
    document_issue(kind=CART_QUOTE_DOCUMENT, obj=quote, language=language, user=user)
    return quote
