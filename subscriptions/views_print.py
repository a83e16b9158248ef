"""The cart on paper: its PDF and a formal quote made from it (anyone with a cart, signed in or not)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from portal.documents.responses import StoredFileMissing, stored_document_response
from portal.documents.services import document_current, document_issue, document_restore

from . import printing, services
from .documents import CART_DOCUMENT, CART_QUOTE_DOCUMENT, cart_content_key, cart_reference, load_cart
from .models import CartQuote

#: The quotes a visitor made, kept in their session (tokens), so the cart page can list them.
QUOTES_SESSION_KEY = "subscriptions_quotes"
MAX_SESSION_QUOTES = 10


def _language() -> str:
    return (get_language() or "fr")[:2]


def _cart_or_none(request: HttpRequest):
    return services.find_cart(reader=request.scope, session=request.session)


def cart_document(cart, lines) -> object | None:
    """The cart's current PDF if it matches the cart as it is now (nothing is issued here)."""
    if cart is None or not lines:
        return None
    document = document_current(kind=CART_DOCUMENT, obj=cart, language=_language())
    cart.printed_lines = lines
    if document is None or document.content_key != cart_content_key(cart):
        return None
    return document


@require_POST
def cart_pdf_prepare_view(request: HttpRequest) -> HttpResponse:
    cart = _cart_or_none(request)
    if cart is None or not cart.lines.exists():
        messages.error(request, _("Your cart has expired or is empty."))
        return redirect("subscriptions:cart")
    printing.cart_issue_document(cart=cart, language=_language(), user=request.user)
    return redirect("subscriptions:cart")


@require_GET
def cart_pdf_view(request: HttpRequest) -> HttpResponse:
    """The stored PDF of the cart as it is now; not stored yet: back to the cart, which says so."""
    cart = _cart_or_none(request)
    if cart is None:
        messages.error(request, _("Your cart has expired or is empty."))
        return redirect("subscriptions:cart")
    loaded = load_cart(cart.pk)
    document = cart_document(loaded, loaded.printed_lines)
    if document is not None and document.is_ready:
        try:
            return stored_document_response(request, document, filename=f"panier-{cart_reference(cart)}.pdf")
        except StoredFileMissing:
            document_restore(document=document)
    return redirect("subscriptions:cart")


@never_cache
@require_GET
def cart_pdf_status_view(request: HttpRequest) -> HttpResponse:
    cart = _cart_or_none(request)
    if cart is None:
        raise Http404
    loaded = load_cart(cart.pk)
    document = cart_document(loaded, loaded.printed_lines)
    if document is None:
        raise Http404
    return render(
        request,
        "subscriptions/_document_status.html",
        {"document": document, "download_url": reverse("subscriptions:cart_pdf"), "status_url": request.path},
    )


def _remember_quote(request: HttpRequest, quote: CartQuote) -> None:
    tokens = [str(quote.token), *request.session.get(QUOTES_SESSION_KEY, [])]
    request.session[QUOTES_SESSION_KEY] = tokens[:MAX_SESSION_QUOTES]


def session_quotes(request: HttpRequest) -> list[CartQuote]:
    """The quotes of the reader's account, or those its session made (newest first, bounded)."""
    if request.scope.is_member:
        rows = CartQuote.objects.visible_to(request.scope)
    else:
        rows = CartQuote.objects.filter(account__isnull=True, token__in=request.session.get(QUOTES_SESSION_KEY, []))
    return list(rows.order_by("-issued_at", "-pk")[:MAX_SESSION_QUOTES])


@require_POST
def cart_quote_create_view(request: HttpRequest) -> HttpResponse:
    cart = _cart_or_none(request)
    if cart is None:
        messages.error(request, _("Your cart has expired or is empty."))
        return redirect("subscriptions:cart")
    try:
        quote = printing.cart_quote_create(reader=request.scope, cart=cart, language=_language(), user=request.user)
    except printing.EmptyCart:
        messages.error(request, _("Your cart has expired or is empty."))
        return redirect("subscriptions:cart")
    _remember_quote(request, quote)
    messages.success(request, _("Quote %(number)s is made.") % {"number": quote.number})
    return redirect("subscriptions:cart_quote", token=quote.token)


def _quote_document(quote: CartQuote):
    return document_issue(kind=CART_QUOTE_DOCUMENT, obj=quote, language=quote.language)


@require_GET
def cart_quote_view(request: HttpRequest, token) -> HttpResponse:
    quote = get_object_or_404(CartQuote, token=token)
    document = _quote_document(quote)
    return render(
        request,
        "subscriptions/cart_quote.html",
        {
            "quote": quote,
            "document": document,
            "download_url": quote_pdf_url(quote),
            "status_url": quote_status_url(quote),
        },
    )


def quote_pdf_url(quote: CartQuote) -> str:
    return reverse("subscriptions:cart_quote_pdf", args=[quote.token])


def quote_status_url(quote: CartQuote) -> str:
    return reverse("subscriptions:cart_quote_status", args=[quote.token])


@require_GET
def cart_quote_pdf_view(request: HttpRequest, token) -> HttpResponse:
    quote = get_object_or_404(CartQuote, token=token)
    document = _quote_document(quote)
    if document.is_ready:
        try:
            return stored_document_response(request, document, filename=quote.pdf_filename)
        except StoredFileMissing:
            document_restore(document=document)
    return redirect("subscriptions:cart_quote", token=quote.token)


@never_cache
@require_GET
def cart_quote_status_view(request: HttpRequest, token) -> HttpResponse:
    quote = get_object_or_404(CartQuote, token=token)
    return render(
        request,
        "subscriptions/_document_status.html",
        {"document": _quote_document(quote), "download_url": quote_pdf_url(quote), "status_url": request.path},
    )
