"""What the agenda reads of the orders (counts per day, a day's orders) and what the statistics' month
figures (``figures``) are built from, aggregated by the database (never a Python loop over orders),
with day and month boundaries in the shop's time zone (``settings.TIME_ZONE``, Europe/Paris): an order
placed at 23:30 UTC on 31 March is counted on 1 April in Paris, and the day of a clock change has 23 or
25 hours.

Every function takes the orders it reads as a queryset the caller has already scoped
(``placed_orders(scope=...)`` for a customer, ``Order.objects.all()`` for staff in admin), so tenancy
stays in ``visible_to``; baskets and lines are reached through ``order__in=`` that queryset.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, F, OuterRef, QuerySet, Window
from django.db.models.functions import ExtractMonth, ExtractYear, RowNumber, TruncDate
from django.utils import timezone

from portal.access import Scope

from .models import Address, Order, OrderStatus, ShippingBasket

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


def counted_orders(orders: QuerySet[Order]) -> QuerySet[Order]:
    """The statistics count placed orders that were not cancelled."""
    return orders.filter(submitted_at__isnull=False).exclude(status=OrderStatus.CANCELLED)


def year_month(path: str) -> dict:
    tz = shop_timezone()
    return {"y": ExtractYear(path, tzinfo=tz), "m": ExtractMonth(path, tzinfo=tz)}
