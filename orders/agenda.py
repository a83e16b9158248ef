"""What the agenda and the statistics read of the orders: counts per day and figures per month,
aggregated by the database (never a Python loop over orders), with day boundaries in the shop's time
zone (``settings.TIME_ZONE``, Europe/Paris): an order placed at 23:30 UTC on 31 March is counted on
1 April in Paris, and the day of a clock change has 23 or 25 hours.

Every function takes the orders it reads as a queryset the caller has already scoped
(``placed_orders(scope=...)`` for a customer, ``Order.objects.all()`` for staff in admin), so tenancy
stays in ``visible_to``; baskets and lines are reached through ``order__in=`` that queryset.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, F, Max, Min, OuterRef, QuerySet, Sum, Window
from django.db.models.functions import ExtractMonth, ExtractYear, RowNumber, TruncDate
from django.utils import timezone

from portal.access import Scope

from .models import Address, BasketKind, BasketLine, Order, OrderStatus, ShippingBasket

#: The date an order is "placed" on: its submission (resubmitting after changes moves it).
PLACED_AT = "submitted_at"
#: The agenda's layers: by the day the order was placed, or by the delivery date the customer wished.
LAYER_PLACED = "placed"
LAYER_WISHED = "wished"
LAYERS = (LAYER_PLACED, LAYER_WISHED)
#: A day's or a week day's list shows at most this many orders (the day view paginates the rest).
DAY_PREVIEW_LIMIT = 8
TOP_PRODUCTS = 10


def shop_timezone() -> datetime.tzinfo:
    return timezone.get_default_timezone()


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight of ``day`` in the shop's time zone, as an aware datetime."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=shop_timezone())


def placed_orders(*, scope: Scope) -> QuerySet[Order]:
    """The reader's orders that were placed (submitted at least once), cancelled ones included."""
    return Order.objects.visible_to(scope).filter(submitted_at__isnull=False)


def going_to(orders: QuerySet[Order], address: Address) -> QuerySet[Order]:
    """The "client view": orders with a basket made from this address-book entry."""
    baskets = ShippingBasket.objects.filter(order=OuterRef("pk"), address=address)
    return orders.filter(Exists(baskets))


def recipient_for(*, scope: Scope, pk: int | None) -> Address | None:
    """The address-book entry the client view is about, if it is one of the reader's."""
    if pk is None:
        return None
    return Address.objects.visible_to(scope).filter(pk=pk).first()


def _in_days(orders: QuerySet[Order], first: datetime.date, last: datetime.date, layer: str) -> QuerySet[Order]:
    if layer == LAYER_WISHED:
        return orders.filter(wished_delivery_date__gte=first, wished_delivery_date__lte=last)
    return orders.filter(
        **{f"{PLACED_AT}__gte": day_start(first), f"{PLACED_AT}__lt": day_start(last + datetime.timedelta(days=1))}
    )


def day_counts(
    orders: QuerySet[Order], *, first: datetime.date, last: datetime.date, layer: str = LAYER_PLACED
) -> dict[datetime.date, int]:
    """How many orders fall on each day from ``first`` to ``last`` (days without one are absent); one query."""
    rows = _in_days(orders, first, last, layer)
    if layer == LAYER_WISHED:
        grouped = rows.order_by().values("wished_delivery_date").annotate(n=Count("pk"))
        return {row["wished_delivery_date"]: row["n"] for row in grouped}
    grouped = (
        rows.annotate(day=TruncDate(PLACED_AT, tzinfo=shop_timezone())).order_by().values("day").annotate(n=Count("pk"))
    )
    return {row["day"]: row["n"] for row in grouped}


def orders_of_day(orders: QuerySet[Order], *, day: datetime.date, layer: str = LAYER_PLACED) -> QuerySet[Order]:
    """The orders of one day, with their totals, in the order they were placed."""
    return _in_days(orders, day, day, layer).with_totals().order_by(PLACED_AT, "id")


def first_orders_per_day(
    orders: QuerySet[Order], *, first: datetime.date, last: datetime.date, layer: str = LAYER_PLACED, limit: int
) -> QuerySet[Order]:
    """The first ``limit`` orders of each day from ``first`` to ``last``, in one query (a window numbers
    each day's orders); each order carries its ``agenda_day``."""
    day = F("wished_delivery_date") if layer == LAYER_WISHED else TruncDate(PLACED_AT, tzinfo=shop_timezone())
    numbered = _in_days(orders, first, last, layer).annotate(
        agenda_day=day,
        rank_in_day=Window(RowNumber(), partition_by=[day], order_by=[F(PLACED_AT).asc(), F("id").asc()]),
    )
    return numbered.filter(rank_in_day__lte=limit).with_totals().order_by("agenda_day", PLACED_AT, "id")


# --- Statistics ---------------------------------------------------------------------------------


@dataclass
class YearFigures:
    """One year's figures, month by month (index 0 is January)."""

    year: int
    orders: list[int]
    copies: list[int]
    baskets: dict[str, list[int]]  # destination type → baskets per month

    @property
    def orders_total(self) -> int:
        return sum(self.orders)

    @property
    def copies_total(self) -> int:
        return sum(self.copies)

    def baskets_total(self, kind: str) -> int:
        return sum(self.baskets[kind])


def counted_orders(orders: QuerySet[Order]) -> QuerySet[Order]:
    """The statistics count placed orders that were not cancelled."""
    return orders.filter(submitted_at__isnull=False).exclude(status=OrderStatus.CANCELLED)


def orders_in_years(orders: QuerySet[Order], first_year: int, last_year: int) -> QuerySet[Order]:
    return counted_orders(orders).filter(
        **{
            f"{PLACED_AT}__gte": day_start(datetime.date(first_year, 1, 1)),
            f"{PLACED_AT}__lt": day_start(datetime.date(last_year + 1, 1, 1)),
        }
    )


def year_month(path: str) -> dict:
    tz = shop_timezone()
    return {"y": ExtractYear(path, tzinfo=tz), "m": ExtractMonth(path, tzinfo=tz)}


def year_figures(orders: QuerySet[Order], *, years: tuple[int, ...]) -> dict[int, YearFigures]:
    """Orders placed, copies ordered and baskets by destination type, per month of each year: three
    grouped queries whatever the number of orders."""
    first, last = min(years), max(years)
    chosen = orders_in_years(orders, first, last)
    figures = {
        year: YearFigures(
            year=year, orders=[0] * 12, copies=[0] * 12, baskets={kind: [0] * 12 for kind in BasketKind.values}
        )
        for year in years
    }

    def add(year: int, month: int, target: str, value: int, kind: str = "") -> None:
        if year not in figures:
            return
        row = getattr(figures[year], target)
        (row[kind] if kind else row)[month - 1] += value or 0

    for row in chosen.order_by().values(**year_month(PLACED_AT)).annotate(n=Count("pk")):
        add(row["y"], row["m"], "orders", row["n"])
    lines = BasketLine.objects.filter(basket__order__in=chosen)
    for row in lines.order_by().values(**year_month(f"basket__order__{PLACED_AT}")).annotate(n=Sum("quantity")):
        add(row["y"], row["m"], "copies", row["n"])
    baskets = ShippingBasket.objects.filter(order__in=chosen)
    for row in baskets.order_by().values("kind", **year_month(f"order__{PLACED_AT}")).annotate(n=Count("pk")):
        add(row["y"], row["m"], "baskets", row["n"], kind=row["kind"])
    return figures


@dataclass(frozen=True)
class TopProduct:
    product_id: int
    title: str
    copies: int
    copies_before: int  # the same product's copies the year before


def top_products(orders: QuerySet[Order], *, year: int, limit: int = TOP_PRODUCTS) -> list[TopProduct]:
    """The products most ordered in ``year`` (copies), with their copies of the year before; two queries."""
    lines = BasketLine.objects.filter(basket__order__in=orders_in_years(orders, year, year))
    best = list(
        lines.order_by()
        .values("product_id", "product__title")
        .annotate(copies=Sum("quantity"))
        .order_by("-copies", "product_id")[:limit]
    )
    before: dict[int, int] = defaultdict(int)
    if best:
        previous = BasketLine.objects.filter(
            basket__order__in=orders_in_years(orders, year - 1, year - 1),
            product_id__in=[row["product_id"] for row in best],
        )
        for row in previous.order_by().values("product_id").annotate(copies=Sum("quantity")):
            before[row["product_id"]] = row["copies"]
    return [
        TopProduct(
            product_id=row["product_id"],
            title=row["product__title"],
            copies=row["copies"],
            copies_before=before[row["product_id"]],
        )
        for row in best
    ]


def placed_years(orders: QuerySet[Order]) -> tuple[int, int] | None:
    """The first and last year an order was placed in (shop's time zone), or None; one query."""
    bounds = counted_orders(orders).aggregate(first=Min(PLACED_AT), last=Max(PLACED_AT))
    if bounds["first"] is None:
        return None
    tz = shop_timezone()
    return bounds["first"].astimezone(tz).year, bounds["last"].astimezone(tz).year
