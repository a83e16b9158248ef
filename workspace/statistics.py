"""The statistics' pages: the customer's "My statistics" and the shop-wide figures for staff in admin.

Both build one context with ``statistics_context`` from the month figures the database keeps for each
account (``figures``: rebuilt by grouped queries after every change of an order), for the chosen year
and the year before, in a fixed number of queries. The CSV holds the same figures as the tables.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from contacts.exports import spreadsheet_safe
from figures import selectors
from figures.models import MonthFigures, ProductYearFigures
from orders.models import BasketKind

from . import charts

FIRST_YEAR = 2000


def chosen_year(value: str | None) -> int:
    """The year asked for (``?year=``), this year when missing or out of range."""
    this_year = timezone.localdate().year
    if value and value.isascii() and value.isdigit() and FIRST_YEAR <= int(value) <= this_year + 1:
        return int(value)
    return this_year


@dataclass
class Figure:
    """One statistic: its rows (a label, the previous year's value, the year's value) and its chart."""

    key: str
    title: str
    rows: list[tuple[str, object, object]]
    chart: charts.Chart
    total: tuple[object, object] | None = None
    note: str = ""
    money: bool = False
    svg: str = ""


def _monthly(key: str, title: str, before: list, current: list, *, note: str = "", money: bool = False) -> Figure:
    months = [str(MONTHS_3[number]).capitalize() for number in range(1, 13)]
    return Figure(
        key=key,
        title=title,
        rows=list(zip(months, before, current, strict=True)),
        chart=charts.grouped_bars(months, [before, current]),
        total=(sum(before), sum(current)),
        note=note,
        money=money,
    )


def statistics_context(
    months: QuerySet[MonthFigures], products: QuerySet[ProductYearFigures], *, year: int, one_account: bool = True
) -> dict:
    """The figures of ``year`` beside those of ``year - 1``, read from the month figures the database
    keeps (``figures``): three queries, whatever the number of orders."""
    previous = year - 1
    figures = selectors.year_figures(months, years=(previous, year))
    best = selectors.top_products(products, year=year, one_account=one_account)
    before, current = figures[previous], figures[year]
    kinds = [(kind, str(label)) for kind, label in BasketKind.choices]
    unpriced = current.unpriced_total
    sections = [
        _monthly("orders", _("Orders placed"), before.orders, current.orders),
        _monthly("copies", _("Copies printed"), before.copies, current.copies),
        Figure(
            key="baskets",
            title=_("Baskets sent, by destination type"),
            rows=[(label, before.baskets_total(kind), current.baskets_total(kind)) for kind, label in kinds],
            chart=charts.grouped_bars(
                [label for _kind, label in kinds],
                [
                    [before.baskets_total(kind) for kind, _label in kinds],
                    [current.baskets_total(kind) for kind, _label in kinds],
                ],
            ),
            total=(
                sum(before.baskets_total(kind) for kind, _ in kinds),
                sum(current.baskets_total(kind) for kind, _ in kinds),
            ),
        ),
        _monthly(
            "amount",
            _("Amount ordered (excl. VAT, €)"),
            before.amounts,
            current.amounts,
            note=ngettext(
                "Orders do not keep a price of their own: the amount is that of the last quote made for each order. "
                "%(count)s order of %(year)s has no quote and is not in this amount.",
                "Orders do not keep a price of their own: the amount is that of the last quote made for each order. "
                "%(count)s orders of %(year)s have no quote and are not in this amount.",
                unpriced,
            )
            % {"count": number_format(unpriced), "year": year}
            if unpriced
            else _("The amount is that of the last quote made for each order."),
            money=True,
        ),
        Figure(
            key="products",
            title=_("Top products (copies)"),
            rows=[(product.title, product.copies_before, product.copies) for product in best],
            chart=charts.grouped_bars(
                [str(position) for position in range(1, len(best) + 1)],
                [[product.copies_before for product in best], [product.copies for product in best]],
            ),
        ),
    ]
    for section in sections:
        section.svg = charts.svg(
            section.chart,
            title_id=f"stats-{section.key}-svg-title",
            title=_("%(title)s: chart, %(previous)s and %(year)s (the figures are in the table)")
            % {"title": section.title, "previous": previous, "year": year},
            series_names=(str(previous), str(year)),
        )
    months = [str(MONTHS_3[number]).capitalize() for number in range(1, 13)]
    monthly_baskets = [
        (month, [(before.baskets[kind][index], current.baskets[kind][index]) for kind, _label in kinds])
        for index, month in enumerate(months)
    ]
    return {
        "year": year,
        "previous": previous,
        "sections": sections,
        "kinds": kinds,
        "monthly_baskets": monthly_baskets,
    }


def statistics_csv(context: dict, *, filename: str) -> HttpResponse:
    """The tables of the page, one row per figure and line, safe to open in a spreadsheet."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel reads UTF-8 only with its BOM
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("Figure"), _("Line"), str(context["previous"]), str(context["year"])])
    for section in context["sections"]:
        for label, before, current in section.rows:
            writer.writerow([spreadsheet_safe(str(section.title)), spreadsheet_safe(str(label)), before, current])
        if section.total is not None:
            writer.writerow([spreadsheet_safe(str(section.title)), _("Total"), *section.total])
    monthly_title = _("Baskets by destination type, month by month")
    for month, cells in context["monthly_baskets"]:
        for (_kind, label), (before, current) in zip(context["kinds"], cells, strict=True):
            writer.writerow([spreadsheet_safe(monthly_title), spreadsheet_safe(f"{month} — {label}"), before, current])
    return response
