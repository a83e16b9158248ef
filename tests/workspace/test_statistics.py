"""My statistics: sums per month in the shop's time zone, the year before beside it, the amount from the
orders' quotes, the CSV, scoping and a query count that does not grow with the orders."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from figures.models import MonthFigures, ProductYearFigures
from figures.selectors import top_products, year_figures
from figures.services import figures_refresh
from orders.models import Order, ShippingBasket
from quotes.models import Quote
from tests.factories import AccountFactory, OrderFactory
from tests.library.factories import ProductFactory
from tests.orders.factories import BasketFactory, BooksellerFactory, LineFactory
from workspace import charts

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def placed(account, at, *, status=Order.Status.SUBMITTED, lines=(), kind=ShippingBasket.Kind.ADDRESS, **kwargs):
    order = OrderFactory(account=account, status=status, submitted_at=at, **kwargs)
    extra = {"bookseller": BooksellerFactory()} if kind == ShippingBasket.Kind.BOOKSELLER else {}
    basket = BasketFactory(order=order, kind=kind, **extra)
    for product, quantity in lines:
        LineFactory(basket=basket, product=product, quantity=quantity)
    return order


def quote(order, total: str, *, at: datetime.datetime) -> Quote:
    return Quote.objects.create(
        number=f"D-{Quote.objects.count() + 1}",
        account=order.account,
        order=order,
        valid_until=at.date(),
        created_at=at,
        total_excl_tax=Decimal(total),
    )


@pytest.fixture
def books(account):
    return ProductFactory(account=account, title="Le Gardien du phare"), ProductFactory(account=account, title="Marées")


def test_months_sums_and_the_year_before(account, books):
    phare, marees = books
    # 31 January 2026 23:30 UTC is 1 February 00:30 in Paris: a February order.
    placed(account, datetime.datetime(2026, 1, 31, 23, 30, tzinfo=UTC), lines=[(phare, 100), (marees, 20)])
    placed(account, datetime.datetime(2026, 1, 10, 9, tzinfo=UTC), lines=[(phare, 5)], kind=ShippingBasket.Kind.PICKUP)
    placed(account, datetime.datetime(2025, 1, 10, 9, tzinfo=UTC), lines=[(marees, 7)])
    placed(account, datetime.datetime(2026, 3, 1, 9, tzinfo=UTC), lines=[(phare, 1000)], status=Order.Status.CANCELLED)
    OrderFactory(account=account, status=Order.Status.DRAFT)
    placed(AccountFactory(), datetime.datetime(2026, 1, 10, 9, tzinfo=UTC))
    figures_refresh()
    figures = year_figures(MonthFigures.objects.filter(account=account), years=(2025, 2026))
    this, before = figures[2026], figures[2025]
    assert this.orders[:3] == [1, 1, 0]
    assert this.copies[:3] == [5, 120, 0]
    assert this.baskets["pickup"][0] == 1 and this.baskets["address"][1] == 1
    assert (this.orders_total, this.copies_total) == (2, 125)
    assert (before.orders_total, before.copies_total, before.orders[0]) == (1, 7, 1)
    best = top_products(ProductYearFigures.objects.filter(account=account), year=2026)
    assert [(p.title, p.copies, p.copies_before) for p in best] == [("Le Gardien du phare", 105, 0), ("Marées", 20, 7)]


def test_amount_is_the_last_quote_of_each_order_and_orders_without_one_are_counted_apart(account):
    at = datetime.datetime(2026, 4, 10, 9, tzinfo=UTC)
    first = placed(account, at)
    quote(first, "100.00", at=at - datetime.timedelta(days=3))
    quote(first, "80.50", at=at - datetime.timedelta(days=1))  # the last one counts
    second = placed(account, at)
    quote(second, "19.50", at=at)
    placed(account, at)  # no quote
    figures_refresh(account_ids=[account.pk])
    figures = year_figures(MonthFigures.objects.filter(account=account), years=(2025, 2026))
    assert figures[2026].amounts[3] == Decimal("100.00")
    assert (figures[2026].priced[3], figures[2026].unpriced_total) == (2, 1)
    assert sum(figures[2025].amounts) == 0


def test_page_shows_the_figures_in_tables_beside_their_charts(customer_client, account, books):
    placed(account, datetime.datetime(2026, 5, 10, 9, tzinfo=UTC), lines=[(books[0], 321)])
    placed(AccountFactory(), datetime.datetime(2026, 5, 10, 9, tzinfo=UTC), lines=[])
    figures_refresh()
    response = customer_client.get(reverse("portal:statistics"), {"year": "2026"})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<svg") == 5
    assert '<td class="num">321</td>' in page
    assert "Le Gardien du phare" in page
    assert reverse("portal:statistics_csv") + "?year=2026" in page


@pytest.mark.parametrize("year", ["1999", "junk", "²⁰²⁶", "99999", ""])
def test_bad_years_give_this_year(customer_client, year):
    assert customer_client.get(reverse("portal:statistics"), {"year": year}).status_code == 200


def test_csv_holds_the_figures_and_no_formula(customer_client, account):
    product = ProductFactory(account=account, title='=HYPERLINK("http://evil")')
    placed(account, datetime.datetime(2026, 5, 10, 9, tzinfo=UTC), lines=[(product, 12)])
    figures_refresh()
    response = customer_client.get(reverse("portal:statistics_csv"), {"year": "2026"})
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="statistiques-2026.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][2:] == ["2025", "2026"]
    assert rows[[r[1] for r in rows].index('\'=HYPERLINK("http://evil")')][1:] == [
        '\'=HYPERLINK("http://evil")',
        "0",
        "12",
    ]
    may = [row for row in rows if row[1] == "Mai"]
    assert may and may[0][2:] == ["0", "1"]  # orders placed in May
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_another_accounts_orders_are_never_counted(customer_client, account):
    other = AccountFactory()
    placed(
        other, datetime.datetime(2026, 5, 10, 9, tzinfo=UTC), lines=[(ProductFactory(account=other, title="Secret"), 9)]
    )
    page = customer_client.get(reverse("portal:statistics"), {"year": "2026"}).content.decode()
    assert "Secret" not in page
    response = customer_client.get(reverse("portal:statistics_csv"), {"year": "2026"})
    assert "Secret" not in response.content.decode("utf-8-sig")


def test_statistics_query_count_does_not_grow_with_orders(
    customer_client, account, books, django_assert_max_num_queries, django_assert_num_queries
):
    placed(account, datetime.datetime(2026, 5, 10, 9, tzinfo=UTC), lines=[(books[0], 3)])
    figures_refresh()
    customer_client.get(reverse("portal:statistics"), {"year": "2026"})
    with django_assert_max_num_queries(14) as one:
        customer_client.get(reverse("portal:statistics"), {"year": "2026"})
    for month in range(1, 13):
        placed(account, datetime.datetime(2026, month, 3, 9, tzinfo=UTC), lines=[(books[0], 3), (books[1], 4)])
        placed(account, datetime.datetime(2025, month, 3, 9, tzinfo=UTC), lines=[(books[1], 4)])
    figures_refresh()
    with django_assert_num_queries(len(one.captured_queries)):
        customer_client.get(reverse("portal:statistics"), {"year": "2026"})


def test_the_figures_follow_the_orders_once_committed(account, books, django_capture_on_commit_callbacks):
    """Placing, moving and cancelling an order rebuilds the months it was and is in (signals → task)."""
    with django_capture_on_commit_callbacks(execute=True):
        order = placed(account, datetime.datetime(2026, 5, 10, 9, tzinfo=UTC), lines=[(books[0], 30)])
    may = MonthFigures.objects.get(account=account, month=datetime.date(2026, 5, 1))
    assert (may.orders, may.copies, may.baskets_address) == (1, 30, 1)
    order = Order.objects.get(pk=order.pk)
    with django_capture_on_commit_callbacks(execute=True):
        order.submitted_at = datetime.datetime(2026, 6, 2, 9, tzinfo=UTC)  # resubmitted in June
        order.save()
    assert not MonthFigures.objects.filter(account=account, month=datetime.date(2026, 5, 1)).exists()
    assert MonthFigures.objects.get(account=account, month=datetime.date(2026, 6, 1)).copies == 30
    with django_capture_on_commit_callbacks(execute=True):
        LineFactory(basket=order.baskets.get(), product=books[1], quantity=5)
    assert MonthFigures.objects.get(account=account, month=datetime.date(2026, 6, 1)).copies == 35
    assert ProductYearFigures.objects.filter(account=account, year=2026).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        Order.objects.get(pk=order.pk).delete()
    assert not MonthFigures.objects.filter(account=account).exists()
    assert not ProductYearFigures.objects.filter(account=account).exists()


def test_refreshing_some_products_keeps_the_others(account, books):
    placed(account, datetime.datetime(2026, 5, 10, 9, tzinfo=UTC), lines=[(books[0], 3), (books[1], 8)])
    figures_refresh()
    ProductYearFigures.objects.filter(product=books[1]).update(copies=999)  # stands for rows left as they were
    placed(account, datetime.datetime(2026, 5, 11, 9, tzinfo=UTC), lines=[(books[0], 4)])
    figures_refresh(account_ids=[account.pk], month=datetime.date(2026, 5, 1), product_ids=[books[0].pk])
    copies = dict(ProductYearFigures.objects.filter(account=account).values_list("product__title", "copies"))
    assert copies == {books[0].title: 7, books[1].title: 999}


def test_refreshing_one_month_keeps_the_others(account, books):
    placed(account, datetime.datetime(2026, 5, 10, 9, tzinfo=UTC), lines=[(books[0], 3)])
    placed(account, datetime.datetime(2026, 7, 10, 9, tzinfo=UTC), lines=[(books[0], 4)])
    figures_refresh()
    placed(account, datetime.datetime(2026, 7, 11, 9, tzinfo=UTC), lines=[(books[0], 6)])
    figures_refresh(account_ids=[account.pk], month=datetime.date(2026, 7, 1))
    copies = dict(MonthFigures.objects.filter(account=account).values_list("month__month", "copies"))
    assert copies == {5: 3, 7: 10}


def test_chart_bars_are_scaled_to_a_round_top():
    chart = charts.grouped_bars(["a", "b"], [[0, 50], [100, 25]])
    heights = {(bar.group, bar.series): bar.height for bar in chart.bars}
    plot = charts.HEIGHT - charts.TOP - charts.BOTTOM
    assert heights[("b", 1)] == round(plot / 4, 1)  # 25 of 100
    assert heights[("a", 0)] == 0
    assert [tick.label for tick in chart.ticks] == ["0", "25", "50", "75", "100"]
    assert charts.nice_ceiling(0) == 1 and charts.nice_ceiling(130) == 200 and charts.nice_ceiling(2400) == 2500
