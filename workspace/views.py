"""The pages that gather several apps: the dashboard, "My digital warehouse", the full-screen search."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from library.models import Product
from orders.models import Address, Order
from portal import search
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
        "addresses": Address.objects.visible_to(scope).in_book().count(),
    }
    return render(request, "workspace/warehouse.html", {"counts": counts})


#: results per page of the full-screen search, and how many are paginated before "refine" is asked
SEARCH_PER_PAGE = 20
SEARCH_MAX_RESULTS = 200


@customer_required
def search_view(request: HttpRequest) -> HttpResponse:
    """The full-screen search: every word typed must match a product, a destination or an order of the
    account; results newest order first. Works as a plain GET form; htmx asks for the results only."""
    query = request.GET.get("q", "").strip()[:200]
    context = {"query": query, "page": None, "count": 0, "too_many": False, "max_results": SEARCH_MAX_RESULTS}
    documents = search.matching(request.scope, query)
    if query:
        count = documents[: SEARCH_MAX_RESULTS + 1].count()
        paginator = Paginator(documents[:SEARCH_MAX_RESULTS], SEARCH_PER_PAGE)
        paginator.count = min(count, SEARCH_MAX_RESULTS)  # counted above, once
        page = paginator.get_page(request.GET.get("page"))
        page.hits = search.load(request.scope, page.object_list)
        context.update(page=page, count=count, too_many=count > SEARCH_MAX_RESULTS)
    partial = request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    response = render(request, "workspace/search.html#results" if partial else "workspace/search.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response
