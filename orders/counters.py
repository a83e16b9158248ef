"""The warehouse's counters: what the "my 10 last" and "my 20 best" lists read instead of adding up
every line of the account on each request.

- A product's ``copies_ordered`` and ``last_order_at``: the copies of it in the orders placed (neither
  draft nor cancelled) and the latest submission among them.
- An address-book entry's ``use_count``: the shipping baskets made with it (``last_used_at`` is set
  when one is made).

The orders' services call ``products_recount`` / ``addresses_recount`` in the transaction that places,
cancels or changes such an order or basket: each is one ``UPDATE`` whose subqueries read only the
lines of the products (or the baskets of the entries) concerned, through their foreign-key indexes,
so its cost follows those products, not the account nor the platform. ``counters_check`` (the
operator's ``integrity_check``) compares every counter with the lines and repairs with ``--fix``; the
migration ``0012`` filled them for the data that existed before.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models.functions import Coalesce

from library.models import Product
from portal.upkeep import CheckResult, Progress, batched

from .models import Address, BasketLine, OrderStatus, ShippingBasket

#: the orders whose lines are "ordered": placed and not cancelled
NOT_ORDERED = (OrderStatus.DRAFT, OrderStatus.CANCELLED)


def _ordered_lines() -> models.QuerySet[BasketLine]:
    return BasketLine.objects.filter(product=models.OuterRef("pk")).exclude(basket__order__status__in=NOT_ORDERED)


def product_copies_expression() -> Coalesce:
    lines = _ordered_lines().order_by().values("product")
    return Coalesce(
        models.Subquery(lines.annotate(n=models.Sum("quantity")).values("n")),
        models.Value(0),
        output_field=models.PositiveBigIntegerField(),
    )


def product_last_order_expression() -> models.Subquery:
    lines = _ordered_lines().order_by().values("product")
    return models.Subquery(lines.annotate(at=models.Max("basket__order__submitted_at")).values("at"))


def address_use_expression() -> Coalesce:
    baskets = ShippingBasket.objects.filter(address=models.OuterRef("pk")).order_by().values("address")
    return Coalesce(
        models.Subquery(baskets.annotate(n=models.Count("pk")).values("n")),
        models.Value(0),
        output_field=models.PositiveIntegerField(),
    )


def products_recount(product_ids: Iterable[int]) -> None:
    """Set the counters of these products from their lines (one statement)."""
    ids = sorted({int(i) for i in product_ids if i is not None})
    if ids:
        Product.objects.filter(pk__in=ids).update(
            copies_ordered=product_copies_expression(), last_order_at=product_last_order_expression()
        )


def order_products_recount(order_id: int) -> None:
    """The counters of every product of an order (placed, cancelled or changed)."""
    products_recount(BasketLine.objects.filter(basket__order_id=order_id).values_list("product_id", flat=True))


def addresses_recount(address_ids: Iterable[int]) -> None:
    ids = sorted({int(i) for i in address_ids if i is not None})
    if ids:
        Address.objects.filter(pk__in=ids).update(use_count=address_use_expression())


def _differ(stored: str, computed: str) -> models.Q:
    """``stored IS DISTINCT FROM computed`` (a NULL equals a NULL; ``~Q(a=F(b))`` would not say so)."""
    return (
        models.Q(**{f"{stored}__lt": models.F(computed)})
        | models.Q(**{f"{stored}__gt": models.F(computed)})
        | (models.Q(**{f"{stored}__isnull": True}) & models.Q(**{f"{computed}__isnull": False}))
        | (models.Q(**{f"{stored}__isnull": False}) & models.Q(**{f"{computed}__isnull": True}))
    )


def counters_check(deep: bool, fix: bool, progress: Progress) -> CheckResult:
    """Every product's and address-book entry's counters against the lines and baskets (``--fix`` sets
    them again). Read in batches of ids, one grouped query each."""
    result = CheckResult()
    products = Product.objects.order_by("pk").values_list("pk", flat=True)
    progress.start("warehouse counters: products", total=products.count())
    for batch in batched(products.iterator(chunk_size=2000)):
        wrong = list(
            Product.objects.filter(pk__in=batch)
            .alias(copies=product_copies_expression(), last=product_last_order_expression())
            .filter(_differ("copies_ordered", "copies") | _differ("last_order_at", "last"))
            .values_list("pk", flat=True)
        )
        progress.advance(len(batch))
        result.problems.extend(f"product {pk}: copies ordered or last order date out of date" for pk in wrong)
        if fix and wrong:
            products_recount(wrong)
            result.fixed += len(wrong)
    addresses = Address.objects.order_by("pk").values_list("pk", flat=True)
    progress.start("warehouse counters: addresses", total=addresses.count())
    for batch in batched(addresses.iterator(chunk_size=2000)):
        wrong = list(
            Address.objects.filter(pk__in=batch)
            .alias(uses=address_use_expression())
            .filter(_differ("use_count", "uses"))
            .values_list("pk", flat=True)
        )
        progress.advance(len(batch))
        result.problems.extend(f"address {pk}: times used out of date" for pk in wrong)
        if fix and wrong:
            addresses_recount(wrong)
            result.fixed += len(wrong)
    return result
