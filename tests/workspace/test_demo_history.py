"""The demo publisher's two years of orders: the agenda and the statistics have something to show, and
running the demo twice adds nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from contacts.models import Account
from figures.models import MonthFigures, ProductYearFigures
from figures.selectors import top_products, year_figures
from orders.models import Order
from quotes.models import Quote
from workspace.demo import load_demo_data

pytestmark = pytest.mark.django_db


def test_demo_history_is_two_years_of_orders_made_once():
    load_demo_data()
    publisher = Account.objects.get(name="Éditions du Phare")
    orders = Order.objects.filter(account=publisher)
    count = orders.count()
    assert count > 250
    this_year = timezone.localdate().year
    figures = year_figures(MonthFigures.objects.filter(account=publisher), years=(this_year - 1, this_year))
    assert figures[this_year - 1].orders_total > 100
    assert all(figures[this_year - 1].orders)  # every month of last year has orders
    assert figures[this_year - 1].copies_total > figures[this_year - 1].orders_total
    assert sum(figures[this_year - 1].amounts) > 0
    assert Quote.objects.filter(account=publisher).count() > count // 2
    assert top_products(ProductYearFigures.objects.filter(account=publisher), year=this_year - 1)
    load_demo_data()
    assert Order.objects.filter(account=publisher).count() == count
