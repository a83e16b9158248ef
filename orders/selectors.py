"""Scoped reads of orders, baskets and the address book: tenancy is enforced by ``visible_to`` here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from contacts.models import User
from library.hooks import BackLink, ProductHighlights
from library.models import Product
from portal import search
from portal.access import Scope
from portal.audit import Action, audit_entries_of
from portal.ids import parse_id
from portal.pagination import KeysetPage, keyset_page

from .models import Address, BasketLine, Bookseller, Order, OrderStatus, ShippingBasket

#: the orders lists' order, which ``portal.pagination`` pages by (index ``order_account_created_idx``)
ORDER_LIST_ORDERING = ("-created_at", "-id")


def order_list(*, scope: Scope, status: str = "", query: str = "") -> QuerySet[Order]:
    """The placed orders of the reader's account; ``query``: every word must match the order (its name,
    number, reference, recipients or products), through the search documents. Its totals are
    subqueries of the select list: paged by keyset, they are computed for the rows shown only."""
    orders = Order.objects.visible_to(scope).placed().with_totals()
    if status:
        orders = orders.filter(status=status)
    if query:
        orders = orders.filter(pk__in=search.matching_ids(scope, "order", query))
    return orders.order_by(*ORDER_LIST_ORDERING)


def product_orders(*, scope: Scope, product: Product) -> QuerySet[Order]:
    """The placed orders of the reader's account that had ``product`` in one of their baskets (read from
    the product's lines, through their ``product_id`` index), with the copies of it each had."""
    with_product = BasketLine.objects.filter(product=product).values("basket__order_id")
    copies = (
        BasketLine.objects.filter(product=product, basket__order=OuterRef("pk"))
        .order_by()
        .values("basket__order")
        .annotate(n=Sum("quantity"))
        .values("n")
    )
    orders = Order.objects.visible_to(scope).placed().filter(pk__in=with_product)
    return orders.annotate(product_copies=Subquery(copies)).order_by(*ORDER_LIST_ORDERING)


def drafts(*, scope: Scope) -> QuerySet[Order]:
    return Order.objects.visible_to(scope).drafts().with_totals().order_by("-updated_at", "-id")


def _baskets_prefetch(*, with_files: bool) -> Prefetch:
    product_related = ["product__binding", "product__paper_format", "product__interior_print_type"]
    lines = BasketLine.objects.select_related(*product_related).order_by("id")
    if with_files:
        lines = lines.prefetch_related("product__files")
    return Prefetch(
        "baskets",
        queryset=ShippingBasket.objects.select_related("bookseller").prefetch_related(
            Prefetch("lines", queryset=lines)
        ),
    )


def order_with_baskets(*, scope: Scope, pk: int, with_files: bool = False) -> QuerySet[Order]:
    """The order, its baskets, lines and products (and files) in a fixed number of queries."""
    return Order.objects.visible_to(scope).filter(pk=pk).prefetch_related(_baskets_prefetch(with_files=with_files))


@dataclass(frozen=True)
class StatusMove:
    """One step of an order's timeline, read from the audit log."""

    at: datetime
    from_status: str
    to_status: str
    by: User | None
    message: str

    def get_to_status_display(self) -> str:
        return OrderStatus(self.to_status).label if self.to_status in OrderStatus.values else self.to_status


def order_timeline(*, order: Order) -> list[StatusMove]:
    """Every status move of an order (an order the reader may see), oldest first, in one query."""
    moves = []
    for entry in audit_entries_of(order).filter(action=Action.STATUS):
        from_status, to_status = (entry.changes.get("status") or ["", ""])[:2]
        moves.append(
            StatusMove(at=entry.at, from_status=from_status, to_status=to_status, by=entry.actor, message=entry.message)
        )
    return moves


def basket_for(*, scope: Scope, pk: int) -> QuerySet[ShippingBasket]:
    return ShippingBasket.objects.visible_to(scope).select_related("order", "bookseller").filter(pk=pk)


def line_for(*, scope: Scope, pk: int) -> QuerySet[BasketLine]:
    return BasketLine.objects.visible_to(scope).filter(pk=pk).select_related("basket__order", "product")


#: the address book's order (``portal.pagination`` pages by it)
ADDRESS_BOOK_ORDERING = ("company", "last_name", "first_name", "id")


def address_book(*, scope: Scope, text: str = "") -> QuerySet[Address]:
    """The entries of the reader's address book (not the deleted ones), those matching ``text`` when given."""
    addresses = Address.objects.visible_to(scope).in_book()
    if text.strip():
        addresses = addresses.matching(text)
    return addresses.order_by(*ADDRESS_BOOK_ORDERING)


def address_for(*, scope: Scope, pk: int) -> QuerySet[Address]:
    return Address.objects.visible_to(scope).in_book().filter(pk=pk)


def current_draft(*, scope: Scope) -> Order | None:
    """The account's current draft (the one changed last, as the dashboard leads back to it) with its
    baskets, or None."""
    baskets = Prefetch(
        "baskets", queryset=ShippingBasket.objects.select_related("bookseller").order_by("position", "id")
    )
    return Order.objects.visible_to(scope).drafts().prefetch_related(baskets).order_by("-updated_at", "-id").first()


def last_lines(*, scope: Scope, product_ids: Sequence[int]) -> dict[int, BasketLine]:
    """``{product id: the line that last ordered it}`` (a draft orders nothing), for the products of a
    page of search results: one query, each line found through the ``basketline_product_recent`` index."""
    latest = (
        BasketLine.objects.filter(product_id=OuterRef("pk"))
        .exclude(basket__order__status=OrderStatus.DRAFT)
        .order_by("-id")
        .values("id")[:1]
    )
    line_ids = Product.objects.visible_to(scope).filter(pk__in=product_ids).annotate(last=Subquery(latest))
    lines = (
        BasketLine.objects.visible_to(scope)
        .filter(pk__in=line_ids.values("last"))
        .select_related("basket__order", "basket__bookseller")
    )
    return {line.product_id: line for line in lines}


def addresses_matching(*, scope: Scope, text: str, limit: int = 20) -> list[Address]:
    return list(Address.objects.visible_to(scope).in_book().matching(text).order_by("-use_count", "-id")[:limit])


def addresses_recent(*, scope: Scope, limit: int = 10) -> list[Address]:
    """My 10 last addresses: the entries a basket was last made with (index ``address_account_recent_idx``)."""
    addresses = Address.objects.visible_to(scope).in_book().filter(last_used_at__isnull=False)
    return list(addresses.order_by("-last_used_at", "-id")[:limit])


def addresses_most_used(*, scope: Scope, limit: int = 20) -> list[Address]:
    """My 20 best addresses: the entries most baskets went to (``use_count``, index ``address_account_best_idx``)."""
    addresses = Address.objects.visible_to(scope).in_book().filter(use_count__gt=0)
    return list(addresses.order_by("-use_count", "-id")[:limit])


def booksellers_matching(*, text: str, limit: int = 20) -> list[Bookseller]:
    booksellers = Bookseller.objects.filter(is_active=True)
    if text.strip():
        booksellers = booksellers.matching(text)
    return list(booksellers.order_by("name", "id")[:limit])


# --- What the library's pages show of the orders (registered in orders.apps) -------------------


def products_recent(*, scope: Scope, limit: int = 10) -> list[Product]:
    """My 10 last products: those of the orders placed last (the counter ``last_order_at``, kept by
    ``orders.counters``; index ``product_account_lastorder_idx``), never an aggregate of the lines."""
    products = Product.objects.visible_to(scope).filter(last_order_at__isnull=False)
    return list(products.order_by("-last_order_at", "-id")[:limit])


def products_most_ordered(*, scope: Scope, limit: int = 20) -> list[Product]:
    """My 20 best products: the most copies ordered (the counter ``copies_ordered``; index
    ``product_account_copies_idx``)."""
    products = Product.objects.visible_to(scope).filter(copies_ordered__gt=0)
    return list(products.order_by("-copies_ordered", "-id")[:limit])


def product_highlights(*, scope: Scope) -> ProductHighlights:
    return ProductHighlights(recent=products_recent(scope=scope), best=products_most_ordered(scope=scope))


#: orders shown per page on a product's page
PRODUCT_ORDERS_PER_PAGE = 10


def product_orders_page(*, request: HttpRequest, product: Product) -> KeysetPage:
    """The page of the product's orders its page shows (``library.hooks.register_product_orders``)."""
    orders = product_orders(scope=request.scope, product=product)
    return keyset_page(orders, params=request.GET, ordering=ORDER_LIST_ORDERING, per_page=PRODUCT_ORDERS_PER_PAGE)


def product_back_to_order(*, request: HttpRequest, value: str) -> BackLink | None:
    """A product page opened from one of the reader's orders (``?order=<id>``) links back to its baskets."""
    order_id = parse_id(value)
    if order_id is None:
        return None
    order = Order.objects.visible_to(request.scope).filter(pk=order_id).only("pk").first()
    if order is None:
        return None
    return BackLink(url=reverse("orders:baskets", args=[order.pk]), label=_("Back to my order"))
