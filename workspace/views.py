"""The pages that gather several apps: the dashboard, "My digital warehouse", the full-screen search."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from library.models import Product
from orders import selectors as order_selectors
from orders import services as order_services
from orders.models import Address, BasketLine, Order, ShippingBasket
from portal import search
from portal.access import customer_required
from portal.ids import parse_id
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
#: what the full-screen search lists: a basket carries its order's number, name and reference, its
#: destination and its products, so an order's own document would only repeat its baskets
SEARCH_KINDS = ("basket", "product")


@dataclass
class SearchRow:
    """One result in the three columns: the product(s), the recipient (a basket), the order; and what
    its actions copy: ``source`` (the basket whose destination and lines "new basket from this" copies;
    None for a product never ordered) restricted to ``product`` when the row is a product's."""

    kind: str
    last_ordered_at: object
    url: str
    lines: list = field(default_factory=list)
    product: Product | None = None
    source: ShippingBasket | None = None

    @property
    def order(self) -> Order | None:
        return self.source.order if self.source else None


def _search_rows(scope, hits) -> list[SearchRow]:
    """The rows of a page of hits; the products' last lines in one query for the whole page."""
    product_ids = [hit.object_id for hit in hits if hit.kind == "product"]
    last = order_selectors.last_lines(scope=scope, product_ids=product_ids) if product_ids else {}
    rows = []
    for hit in hits:
        if hit.kind == "product":
            product, line = hit.object, last.get(hit.object_id)
            rows.append(
                SearchRow(
                    kind="product",
                    last_ordered_at=hit.last_ordered_at,
                    url=reverse("library:detail", args=[product.pk]),
                    lines=[(line.quantity if line else product.quantity_to_print, product)],
                    product=product,
                    source=line.basket if line else None,
                )
            )
        else:
            basket = hit.object
            rows.append(
                SearchRow(
                    kind="basket",
                    last_ordered_at=hit.last_ordered_at,
                    url=reverse("orders:detail", args=[basket.order_id]),
                    lines=[(line.quantity, line.product) for line in basket.lines.all()],
                    source=basket,
                )
            )
    return rows


@customer_required
def search_view(request: HttpRequest) -> HttpResponse:
    """The full-screen search: every word typed must match a product or a destination (with its order)
    of the account; results newest order first. Works as a plain GET form; htmx asks for the results
    only, or for the whole screen without the layout when the header opens it as an overlay."""
    query = request.GET.get("q", "").strip()[:200]
    overlay = request.GET.get("overlay") == "1"
    context = {
        "query": query,
        "page": None,
        "count": 0,
        "too_many": False,
        "max_results": SEARCH_MAX_RESULTS,
        "overlay": overlay,
    }
    documents = search.matching(request.scope, query, kinds=SEARCH_KINDS)
    if query:
        count = documents[: SEARCH_MAX_RESULTS + 1].count()
        paginator = Paginator(documents[:SEARCH_MAX_RESULTS], SEARCH_PER_PAGE)
        paginator.count = min(count, SEARCH_MAX_RESULTS)  # counted above, once
        page = paginator.get_page(request.GET.get("page"))
        page.hits = search.load(request.scope, page.object_list)
        page.rows = _search_rows(request.scope, page.hits)
        context.update(page=page, count=count, too_many=count > SEARCH_MAX_RESULTS)
    template = "workspace/search.html"
    if request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request"):
        template += "#screen" if request.headers.get("HX-Target") == "search-dialog-body" else "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def _search_source(request: HttpRequest, data) -> tuple[ShippingBasket | None, Product | None]:
    """The result a search action names: ``basket`` (its destination and lines) and/or ``product``
    (only that product's line), each read through the reader's scope; another account's is a 404."""
    basket_id, product_id = parse_id(data.get("basket", "")), parse_id(data.get("product", ""))
    if basket_id is None and product_id is None:
        raise Http404
    basket = product = None
    if basket_id is not None:
        basket = get_object_or_404(
            ShippingBasket.objects.visible_to(request.scope)
            .select_related("order", "bookseller")
            .prefetch_related(Prefetch("lines", queryset=BasketLine.objects.select_related("product").order_by("id"))),
            pk=basket_id,
        )
    if product_id is not None:
        product = get_object_or_404(Product.objects.visible_to(request.scope), pk=product_id)
    return basket, product


def _copies(basket: ShippingBasket | None, product: Product | None) -> list[tuple[Product, int]]:
    """The products and quantities a result puts in a basket: the basket's lines (only the product's
    when one is named), or a product never ordered at its quantity to print."""
    if basket is None:
        return [(product, product.quantity_to_print)]
    return [(line.product, line.quantity) for line in basket.lines.all() if product is None or line.product == product]


@customer_required
@require_POST
def search_new_basket_view(request: HttpRequest) -> HttpResponse:
    """ "New basket from this": the result's destination and products in a new basket of the current draft."""
    basket, product = _search_source(request, request.POST)
    if basket is None:
        raise Http404  # a product never ordered has no destination to copy
    try:
        created = order_services.basket_new_from(
            user=request.user, source=basket, product_ids=[product.pk] if product else None
        )
    except order_services.OrderError as error:
        messages.error(request, str(error))
        return redirect("portal:search")
    messages.success(request, _("New basket added to your current order: %(basket)s.") % {"basket": created})
    return redirect("orders:baskets", pk=created.order_id)


@customer_required
def search_add_view(request: HttpRequest) -> HttpResponse:
    """ "Add to a basket": choose one of the current draft's baskets, then the result's products go in it."""
    data = request.POST if request.method == "POST" else request.GET
    basket, product = _search_source(request, data)
    copies = _copies(basket, product)
    draft = order_selectors.current_draft(scope=request.scope)
    baskets = list(draft.baskets.all()) if draft else []
    error = ""
    if request.method == "POST":
        into = next((b for b in baskets if b.pk == parse_id(request.POST.get("into", ""))), None)
        if into is None:
            error = _("Choose one of the baskets of your current order.")
        else:
            try:
                order_services.lines_add(basket=into, lines=copies)
            except order_services.OrderError as refusal:
                error = str(refusal)
            else:
                messages.success(request, _("Added to the basket “%(basket)s”.") % {"basket": into})
                return redirect("orders:baskets", pk=into.order_id)
    context = {"source": basket, "product": product, "copies": copies, "draft": draft, "baskets": baskets}
    context["error"] = error
    return render(request, "workspace/search_add.html", context, status=400 if error else 200)
