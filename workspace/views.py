"""The pages that gather several apps: the dashboard, "My digital warehouse", the search placeholder."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from library.models import Product
from orders.models import Order
from portal.access import customer_required
from quotes.models import Quote


@customer_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    draft = Order.objects.visible_to(request.scope).drafts().order_by("-updated_at").first()
    return render(request, "workspace/dashboard.html", {"account": request.user.account, "draft": draft})


@customer_required
def warehouse_view(request: HttpRequest) -> HttpResponse:
    """ "My digital warehouse": the account's orders, products and quotes, one click away."""
    scope = request.scope
    counts = {
        "orders": Order.objects.visible_to(scope).exclude(status=Order.Status.DRAFT).count(),
        "drafts": Order.objects.visible_to(scope).drafts().count(),
        "products": Product.objects.visible_to(scope).count(),
        "quotes": Quote.objects.visible_to(scope).count(),
    }
    return render(request, "workspace/warehouse.html", {"counts": counts})


@customer_required
def placeholder_view(request: HttpRequest, *, title: str) -> HttpResponse:
    return render(request, "workspace/placeholder.html", {"title": title})
