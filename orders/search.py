"""Orders' part of the search: a document per order and one per basket destination.

- An order's words: its number, name, customer reference, tracking reference and submitter, the
  recipients of its baskets and the products of its lines (so "gravit lille" finds the order that
  sent *Gravitations* to Lille, and "My orders" filters on any of them).
- A basket's words: its recipient (company, names, address, city; a bookseller's name and city; who
  collects a pick-up), its order's number, name and reference, and its lines' products.
Both are dated by the order's submission (a draft by its creation).

Kept current by signals connected here (``connect``), in the transaction of the change: an order,
basket or line saved or deleted rebuilds the documents of its order, its baskets and its products.
The two services that ``bulk_create`` (no signal) call ``basket_changes_indexed`` on one line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import Prefetch
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save

from library.models import Product
from portal import search
from portal.access import Area
from portal.search import registry
from portal.search.text import document_text

from .models import BasketLine, Order, ShippingBasket

CHUNK = 1000


def _basket_words(basket: ShippingBasket) -> list[str]:
    words = [basket.company, basket.first_name, basket.last_name, basket.line1, basket.line2, basket.building]
    words += [basket.locality, basket.postcode, basket.city, basket.pickup_name]
    if basket.bookseller_id:
        words += [basket.bookseller.name, basket.bookseller.postcode, basket.bookseller.city]
    for line in basket.lines.all():
        words += [line.product.title, line.product.isbn, line.product.doc_number]
    return words


def _lines_prefetch() -> Prefetch:
    lines = (
        BasketLine.objects.order_by("id")
        .select_related("product")
        .only("id", "basket_id", "product__title", "product__isbn", "product__doc_number")
    )
    return Prefetch("lines", queryset=lines)


def order_documents(ids: Sequence[int] | None) -> Iterable[registry.Document]:
    orders = Order.objects.all() if ids is None else Order.objects.filter(pk__in=ids)
    orders = orders.order_by().prefetch_related(
        Prefetch(
            "baskets",
            queryset=ShippingBasket.objects.select_related("bookseller").prefetch_related(_lines_prefetch()),
        )
    )
    for order in orders.iterator(chunk_size=CHUNK):
        words = [order.number, order.name, order.customer_reference, order.tracking_reference, order.submitter_name]
        for basket in order.baskets.all():
            words += _basket_words(basket)
        yield registry.Document(
            account_id=order.account_id,
            object_id=order.pk,
            text=document_text(*words),
            last_ordered_at=order.submitted_at or order.created_at,
        )


def basket_documents(ids: Sequence[int] | None) -> Iterable[registry.Document]:
    baskets = ShippingBasket.objects.all() if ids is None else ShippingBasket.objects.filter(pk__in=ids)
    baskets = (
        baskets.order_by()
        .select_related("order", "bookseller")
        .prefetch_related(_lines_prefetch())
        .annotate(ordered_at=Coalesce("order__submitted_at", "order__created_at"))
    )
    for basket in baskets.iterator(chunk_size=CHUNK):
        order = basket.order
        yield registry.Document(
            account_id=order.account_id,
            object_id=basket.pk,
            text=document_text(order.number, order.name, order.customer_reference, *_basket_words(basket)),
            last_ordered_at=basket.ordered_at,
        )


def load_orders(scope, ids: Sequence[int]) -> dict[int, Order]:
    return {order.pk: order for order in Order.objects.visible_to(scope).filter(pk__in=ids)}


def load_baskets(scope, ids: Sequence[int]) -> dict[int, ShippingBasket]:
    baskets = (
        ShippingBasket.objects.visible_to(scope)
        .filter(pk__in=ids)
        .select_related("order", "bookseller")
        .prefetch_related(
            Prefetch("lines", queryset=BasketLine.objects.select_related("product__paper_format").order_by("id"))
        )
    )
    return {basket.pk: basket for basket in baskets}


# Keeping the documents current -----------------------------------------------------------------------------


def orders_changed(order_ids: Iterable[int]) -> None:
    """Rebuild the documents of these orders, of their baskets and of their products."""
    order_ids = list(order_ids)
    search.reindex("order", order_ids)
    search.reindex("basket", ShippingBasket.objects.filter(order_id__in=order_ids).values_list("pk", flat=True))
    search.reindex(
        "product", BasketLine.objects.filter(basket__order_id__in=order_ids).values_list("product_id", flat=True)
    )


def basket_changes_indexed(order: Order) -> None:
    """For the services that add baskets and lines with ``bulk_create`` (which sends no signal)."""
    orders_changed([order.pk])


def _order_saved(sender, instance, **kwargs) -> None:
    orders_changed([instance.pk])


def _order_deleted(sender, instance, **kwargs) -> None:
    search.forget("order", [instance.pk])


def _basket_saved(sender, instance, **kwargs) -> None:
    search.reindex("basket", [instance.pk])
    search.reindex("order", [instance.order_id])


def _basket_deleted(sender, instance, **kwargs) -> None:
    search.forget("basket", [instance.pk])
    search.reindex("order", [instance.order_id])


def _line_changed(sender, instance, **kwargs) -> None:
    search.reindex("basket", [instance.basket_id])
    search.reindex("order", ShippingBasket.objects.filter(pk=instance.basket_id).values_list("order_id", flat=True))
    search.reindex("product", [instance.product_id])


def _product_saved(sender, instance, created, **kwargs) -> None:
    if created:
        return
    baskets = ShippingBasket.objects.filter(lines__product=instance)
    search.reindex("basket", baskets.values_list("pk", flat=True))
    search.reindex("order", baskets.values_list("order_id", flat=True))


def connect() -> None:
    registry.register("order", area=Area.ORDERS, documents=order_documents, load=load_orders)
    registry.register("basket", area=Area.ORDERS, documents=basket_documents, load=load_baskets)
    post_save.connect(_order_saved, sender=Order, dispatch_uid="search_order_saved")
    post_delete.connect(_order_deleted, sender=Order, dispatch_uid="search_order_deleted")
    post_save.connect(_basket_saved, sender=ShippingBasket, dispatch_uid="search_basket_saved")
    post_delete.connect(_basket_deleted, sender=ShippingBasket, dispatch_uid="search_basket_deleted")
    post_save.connect(_line_changed, sender=BasketLine, dispatch_uid="search_line_saved")
    post_delete.connect(_line_changed, sender=BasketLine, dispatch_uid="search_line_deleted")
    post_save.connect(_product_saved, sender=Product, dispatch_uid="search_product_words_in_orders")
