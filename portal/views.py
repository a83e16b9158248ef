from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from orders.models import Order

from . import health, services
from .access import customer_required


@customer_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    draft = Order.objects.visible_to(request.user).drafts().order_by("-updated_at").first()
    return render(request, "portal/dashboard.html", {"account": request.user.account, "draft": draft})


@customer_required
def warehouse_view(request: HttpRequest) -> HttpResponse:
    """ "My digital warehouse": the account's orders, products and quotes, one click away."""
    from library.models import Product
    from quotes.models import Quote

    user = request.user
    counts = {
        "orders": Order.objects.visible_to(user).exclude(status=Order.Status.DRAFT).count(),
        "drafts": Order.objects.visible_to(user).drafts().count(),
        "products": Product.objects.visible_to(user).count(),
        "quotes": Quote.objects.visible_to(user).count(),
    }
    return render(request, "portal/warehouse.html", {"counts": counts})


@customer_required
def placeholder_view(request: HttpRequest, *, title: str) -> HttpResponse:
    return render(request, "portal/placeholder.html", {"title": title})


@require_POST
def language_switch_view(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie), and the user's profile so e-mails follow the choice too."""
    response = set_language(request)
    if request.user.is_authenticated:
        services.user_language_set(user=request.user, language=request.POST.get("language", ""))
    return response


@never_cache
@require_GET
def healthz_view(request: HttpRequest) -> JsonResponse:
    database = "ok" if health.database_ok() else "unreachable"
    broker = health.broker_status()
    healthy = database == "ok" and broker in {"ok", "in-process"}
    return JsonResponse(
        {"status": "ok" if healthy else "error", "database": database, "broker": broker},
        status=200 if healthy else 503,
    )
