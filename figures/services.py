"""Rebuilding the month figures from the orders: grouped queries in the database, then the rows of the
months rebuilt replaced in one transaction (a reader sees the old rows or the new ones)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, DecimalField, F, OuterRef, QuerySet, Subquery, Sum
from django.utils import timezone

from orders.agenda import counted_orders, day_start, year_month
from orders.models import BasketKind, BasketLine, Order, ShippingBasket
from quotes.models import Quote

from .models import MonthFigures, ProductYearFigures

BATCH = 2000


def month_of(at: datetime.datetime) -> datetime.date:
    """The first day of the shop's month ``at`` falls in."""
    return timezone.localtime(at, timezone.get_default_timezone()).date().replace(day=1)


def _next_month(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1)


def _orders(account_ids: list[int] | None, first: datetime.date | None, end: datetime.date | None) -> QuerySet[Order]:
    """The counted orders of these accounts placed from ``first`` (included) to ``end`` (excluded)."""
    orders = counted_orders(Order.objects.all())
    if account_ids is not None:
        orders = orders.filter(account_id__in=account_ids)
    if first is not None:
        orders = orders.filter(submitted_at__gte=day_start(first), submitted_at__lt=day_start(end))
    return orders


def _key(row: dict) -> tuple[int, datetime.date]:
    return row["account_id"], datetime.date(int(row["y"]), int(row["m"]), 1)


@transaction.atomic
def figures_refresh(
    *,
    account_ids: Iterable[int] | None = None,
    month: datetime.date | None = None,
    product_ids: Iterable[int] | None = None,
) -> int:
    """Rebuild the figures of these accounts (all when None) for ``month`` and its products' figures for
    the month's year (everything when None); ``product_ids``: only these products' year rows (the products
    of the order that changed; none: ``[]``). Return the rows written. Four grouped queries, whatever
    the number of orders."""
    product_ids = None if product_ids is None else sorted(set(product_ids))
    account_ids = None if account_ids is None else sorted(set(account_ids))
    orders = _orders(account_ids, month, month and _next_month(month))
    year = None if month is None else month.year
    year_orders = _orders(account_ids, month and datetime.date(year, 1, 1), month and datetime.date(year + 1, 1, 1))
    months: dict[tuple[int, datetime.date], MonthFigures] = {}

    def figures(key) -> MonthFigures:
        if key not in months:
            months[key] = MonthFigures(account_id=key[0], month=key[1])
        return months[key]

    last_quote = Quote.objects.filter(order=OuterRef("pk")).order_by("-created_at", "-id").values("total_excl_tax")[:1]
    rows = (
        orders.annotate(quoted=Subquery(last_quote, output_field=DecimalField(max_digits=12, decimal_places=2)))
        .order_by()
        .values("account_id", **year_month("submitted_at"))
        .annotate(n=Count("pk"), amount=Sum("quoted"), priced=Count("quoted"))
    )
    for row in rows:
        entry = figures(_key(row))
        entry.orders, entry.amount, entry.priced = row["n"], row["amount"] or 0, row["priced"]
    lines = BasketLine.objects.filter(basket__order__in=orders).order_by()
    for row in lines.values(
        account_id=F("basket__order__account_id"), **year_month("basket__order__submitted_at")
    ).annotate(n=Sum("quantity")):
        figures(_key(row)).copies = row["n"] or 0
    baskets = ShippingBasket.objects.filter(order__in=orders).order_by()
    fields = {
        BasketKind.ADDRESS: "baskets_address",
        BasketKind.BOOKSELLER: "baskets_bookseller",
        BasketKind.PICKUP: "baskets_pickup",
    }
    for row in baskets.values("kind", account_id=F("order__account_id"), **year_month("order__submitted_at")).annotate(
        n=Count("pk")
    ):
        setattr(figures(_key(row)), fields[row["kind"]], row["n"])
    year_lines = BasketLine.objects.filter(basket__order__in=year_orders).order_by()
    if product_ids is not None:
        year_lines = year_lines.filter(product_id__in=product_ids)
    products = [
        ProductYearFigures(account_id=row["account_id"], product_id=row["product_id"], year=row["y"], copies=row["n"])
        for row in year_lines.values(
            "product_id",
            account_id=F("basket__order__account_id"),
            y=year_month("basket__order__submitted_at")["y"],
        ).annotate(n=Sum("quantity"))
    ]

    stale_months = MonthFigures.objects.all()
    stale_products = ProductYearFigures.objects.all()
    if account_ids is not None:
        stale_months = stale_months.filter(account_id__in=account_ids)
        stale_products = stale_products.filter(account_id__in=account_ids)
    if month is not None:
        stale_months = stale_months.filter(month=month)
        stale_products = stale_products.filter(year=year)
    if product_ids is not None:
        stale_products = stale_products.filter(product_id__in=product_ids)
    stale_months.delete()
    stale_products.delete()
    MonthFigures.objects.bulk_create(months.values(), batch_size=BATCH)
    ProductYearFigures.objects.bulk_create(products, batch_size=BATCH)
    return len(months) + len(products)
