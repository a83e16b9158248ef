"""The amount ordered, for the statistics: orders keep no price of their own (the portal never prices an
order; the shop prices it in its quote), so an order's amount is the total excluding VAT of the last
quote made for it, a snapshot of the price grid at the time. Orders without a quote are counted apart,
never given an invented price."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, QuerySet, Subquery, Sum

from orders.agenda import orders_in_years, year_month
from orders.models import Order

from .models import Quote


@dataclass
class YearAmounts:
    year: int
    amounts: list[Decimal] = field(default_factory=lambda: [Decimal("0")] * 12)
    priced: list[int] = field(default_factory=lambda: [0] * 12)
    unpriced: list[int] = field(default_factory=lambda: [0] * 12)

    @property
    def total(self) -> Decimal:
        return sum(self.amounts, Decimal("0"))

    @property
    def unpriced_total(self) -> int:
        return sum(self.unpriced)


def ordered_amounts(orders: QuerySet[Order], *, years: tuple[int, ...]) -> dict[int, YearAmounts]:
    """Per month of each year: the sum of the orders' last quotes (excl. VAT), how many orders had one and
    how many had none; one grouped query."""
    last_quote = Quote.objects.filter(order=OuterRef("pk")).order_by("-created_at", "-id").values("total_excl_tax")[:1]
    figures = {year: YearAmounts(year=year) for year in years}
    rows = (
        orders_in_years(orders, min(years), max(years))
        .annotate(amount=Subquery(last_quote, output_field=DecimalField(max_digits=12, decimal_places=2)))
        .order_by()
        .values(**year_month("submitted_at"))
        .annotate(total=Sum("amount"), priced=Count("amount"), placed=Count("pk"))
    )
    for row in rows:
        if row["y"] not in figures:
            continue
        month = row["m"] - 1
        figures[row["y"]].amounts[month] = Decimal(row["total"] or 0)
        figures[row["y"]].priced[month] = row["priced"]
        figures[row["y"]].unpriced[month] = row["placed"] - row["priced"]
    return figures
