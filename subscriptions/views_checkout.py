"""The checkout. PLACEHOLDER: the school-orders branch replaces this module with the real checkout
(purchase order, payment method, Chorus Pro references, the order); the gate in ``views_access`` ends here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.access import customer_required

from . import services
from .selectors import cart_lines


@customer_required
@require_GET
def checkout_view(request: HttpRequest) -> HttpResponse:
    cart = services.find_cart(reader=request.scope, session=request.session)
    return render(request, "subscriptions/checkout.html", {"cart": cart, "lines": cart_lines(cart)})
