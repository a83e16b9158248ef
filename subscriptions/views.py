"""The shop's public pages: the catalogue of offers and the cart (anyone, signed in or not)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import pricing, services
from .forms import AddToCartForm, QuantityForm, RemoveForm
from .selectors import active_offers, cart_lines
from .views_print import cart_document, session_quotes


@require_GET
def catalogue_view(request: HttpRequest) -> HttpResponse:
    return render(request, "subscriptions/catalogue.html", {"offers": active_offers()})


def _cart_page(request: HttpRequest, *, errors: dict | None = None, status: int = 200) -> HttpResponse:
    cart = services.find_cart(reader=request.scope, session=request.session)
    lines = cart_lines(cart)
    errors = errors or {}
    for line in lines:
        line.errors = errors.get(str(line.offer_id))
    context = {
        "cart": cart,
        "lines": lines,
        "valid_until": services.valid_until(cart) if cart else None,
        "totals": pricing.totals(line.price for line in lines),
        "cart_document": cart_document(cart, lines),
        "cart_pdf_url": reverse("subscriptions:cart_pdf"),
        "cart_pdf_status_url": reverse("subscriptions:cart_pdf_status"),
        "quotes": session_quotes(request) if lines else [],
    }
    return render(request, "subscriptions/cart.html", context, status=status)


@require_GET
def cart_view(request: HttpRequest) -> HttpResponse:
    return _cart_page(request)


@require_POST
def cart_add_view(request: HttpRequest) -> HttpResponse:
    form = AddToCartForm(request.POST)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, error)
        return redirect("subscriptions:catalogue")
    offer = form.cleaned_data["offer"]
    services.add_offer(
        reader=request.scope, session=request.session, offer=offer, quantity=form.cleaned_data["quantity"]
    )
    messages.success(request, _("“%(offer)s” is in your cart.") % {"offer": offer.name})
    return redirect("subscriptions:cart")


@require_POST
def cart_update_view(request: HttpRequest) -> HttpResponse:
    form = QuantityForm(request.POST)
    if not form.is_valid():
        if "offer" in form.errors:
            messages.error(request, form.errors["offer"][0])
            return redirect("subscriptions:cart")
        return _cart_page(request, errors={request.POST["offer"]: form.errors["quantity"]}, status=400)
    cart = services.set_quantity(
        reader=request.scope,
        session=request.session,
        offer=form.cleaned_data["offer"],
        quantity=form.cleaned_data["quantity"],
    )
    if cart is None:
        messages.error(request, _("Your cart has expired or is empty."))
    else:
        messages.success(request, _("Your cart is up to date."))
    return redirect("subscriptions:cart")


@require_POST
def cart_remove_view(request: HttpRequest) -> HttpResponse:
    form = RemoveForm(request.POST)
    if form.is_valid():
        services.remove_offer(reader=request.scope, session=request.session, offer=form.cleaned_data["offer"])
        messages.success(request, _("The offer was removed from your cart."))
    return redirect("subscriptions:cart")
