"""The shop's PDFs, issued through ``portal.documents`` (rendered in the ``documents`` worker, stored,
streamed): the printable cart (keyed by its content), the formal quote made from a cart, and the head
of an establishment's written request for its access. WeasyPrint loads nothing: no network, no file."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from portal import documents

from . import pricing
from .models import AccessLetter, Cart, CartLine, CartQuote, Establishment
from .services import valid_until

CART_DOCUMENT = "subscriptions.cart"
CART_QUOTE_DOCUMENT = "subscriptions.cart_quote"
ACCESS_LETTER_DOCUMENT = "subscriptions.access_letter"


class ResourceRefused(ValueError):
    """The document asked for an outside resource; the shop's PDFs use none."""


def _refuse(url, *args, **kwargs):
    raise ResourceRefused(url)


@lru_cache(maxsize=1)
def _stylesheet():
    import weasyprint

    return weasyprint.CSS(string=render_to_string("pdf/subscriptions/shop.css"))


def render_pdf(template: str, context: dict, *, language: str) -> bytes:
    import weasyprint

    with translation.override(language):
        html = render_to_string(template, {**shop_identity(), **context})
    return weasyprint.HTML(string=html, base_url="https://portal.invalid/", url_fetcher=_refuse).write_pdf(
        stylesheets=[_stylesheet()]
    )


def shop_identity() -> dict:
    return {
        "shop_name": settings.SHOP_NAME,
        "shop_email": settings.SHOP_EMAIL,
        "shop_phone": getattr(settings, "SHOP_PHONE", ""),
        "shop_address_lines": getattr(settings, "SHOP_ADDRESS_LINES", ()),
        "portal_url": settings.PORTAL_BASE_URL,
    }


# --- The printable cart --------------------------------------------------------------------------------


def cart_reference(cart: Cart) -> str:
    return f"P-{cart.token.hex[:8].upper()}"


def load_cart(pk: int) -> Cart:
    cart = Cart.objects.select_related("account").get(pk=pk)
    cart.printed_lines = list(
        CartLine.objects.filter(cart=cart).select_related("offer").order_by("offer__name_fr", "pk")
    )
    cart.establishment = Establishment.objects.filter(uai=cart.account.uai).first() if cart.account_id else None
    return cart


def cart_content_key(cart: Cart) -> str:
    """Same lines, prices, validity and establishment: same key, one render."""
    lines = getattr(cart, "printed_lines", None)
    if lines is None:
        lines = list(CartLine.objects.filter(cart=cart).select_related("offer").order_by("offer__name_fr", "pk"))
    content = {
        "expires": cart.expires_at.isoformat(),
        "account": [cart.account_id, cart.account.name if cart.account_id else ""],
        "lines": [
            [
                line.offer_id,
                line.quantity,
                str(line.offer.price_excl_tax),
                line.offer.vat_rate,
                line.offer.name_fr,
                line.offer.name_en,
            ]
            for line in lines
        ],
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def render_cart(cart: Cart, language: str) -> bytes:
    lines = cart.printed_lines
    context = {
        "cart": cart,
        "reference": cart_reference(cart),
        "valid_until": valid_until(cart),
        "lines": lines,
        "totals": pricing.totals(line.price for line in lines),
        "account": cart.account,
        "establishment": cart.establishment,
    }
    return render_pdf("pdf/subscriptions/cart.html", context, language=language)


# --- The formal quote ------------------------------------------------------------------------------------


def render_cart_quote(quote: CartQuote, language: str) -> bytes:
    return render_pdf("pdf/subscriptions/cart_quote.html", {"quote": quote}, language=language)


# --- The written access request --------------------------------------------------------------------------


def render_access_letter(letter: AccessLetter, language: str) -> bytes:
    establishment = Establishment.objects.filter(uai=letter.uai).first()
    return render_pdf(
        "pdf/subscriptions/access_letter.html", {"letter": letter, "establishment": establishment}, language=language
    )


def register_documents() -> None:
    documents.register(
        CART_DOCUMENT,
        render_cart,
        model=Cart,
        load=load_cart,
        content_key=cart_content_key,
        filename=lambda cart: f"panier-{cart_reference(cart)}.pdf",
        download_url=lambda cart: reverse("subscriptions:cart_pdf"),
    )
    documents.register(
        CART_QUOTE_DOCUMENT,
        render_cart_quote,
        model=CartQuote,
        filename=lambda quote: quote.pdf_filename,
        download_url=lambda quote: reverse("subscriptions:cart_quote_pdf", args=[quote.pk]),
    )
    documents.register(
        ACCESS_LETTER_DOCUMENT,
        render_access_letter,
        model=AccessLetter,
        filename=lambda letter: letter.pdf_filename,
        download_url=lambda letter: reverse("subscriptions:access_letter_pdf", args=[letter.token]),
    )
