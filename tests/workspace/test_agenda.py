"""My agenda: orders counted on the day they were placed in Paris, scoped to the account, a page whose
number of queries does not grow with the orders."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from orders import agenda
from orders.models import Order
from tests.factories import AccountFactory, OrderFactory
from tests.orders.factories import AddressFactory, BasketFactory, LineFactory

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
PARIS = ZoneInfo("Europe/Paris")


def placed(account, at: datetime.datetime, **kwargs) -> Order:
    return OrderFactory(account=account, status=Order.Status.SUBMITTED, submitted_at=at, number=None, **kwargs)


def test_an_order_placed_late_in_utc_counts_on_the_next_day_in_paris(account):
    placed(account, datetime.datetime(2026, 6, 30, 22, 30, tzinfo=UTC))  # 00:30 on 1 July in Paris (UTC+2)
    placed(account, datetime.datetime(2026, 6, 30, 21, 59, tzinfo=UTC))  # 23:59 on 30 June in Paris
    counts = agenda.day_counts(
        agenda.placed_orders(scope=account_scope(account)),
        first=datetime.date(2026, 6, 1),
        last=datetime.date(2026, 7, 31),
    )
    assert counts == {datetime.date(2026, 6, 30): 1, datetime.date(2026, 7, 1): 1}


def test_midnight_in_winter_is_one_hour_from_utc(account):
    placed(account, datetime.datetime(2026, 1, 14, 23, 0, tzinfo=UTC))  # midnight, 15 January in Paris
    placed(account, datetime.datetime(2026, 1, 14, 22, 59, 59, tzinfo=UTC))  # 23:59:59, 14 January
    counts = agenda.day_counts(
        agenda.placed_orders(scope=account_scope(account)),
        first=datetime.date(2026, 1, 15),
        last=datetime.date(2026, 1, 15),
    )
    assert counts == {datetime.date(2026, 1, 15): 1}


@pytest.mark.parametrize(
    ("day", "first_utc", "last_utc"),
    [
        # 29 March 2026: clocks go forward at 02:00, the Paris day has 23 hours (22:00 UTC → 21:59 UTC).
        (datetime.date(2026, 3, 29), datetime.datetime(2026, 3, 28, 23, 0), datetime.datetime(2026, 3, 29, 21, 59)),
        # 25 October 2026: clocks go back at 03:00, the day has 25 hours (22:00 UTC → 22:59 UTC).
        (datetime.date(2026, 10, 25), datetime.datetime(2026, 10, 24, 22, 0), datetime.datetime(2026, 10, 25, 22, 59)),
    ],
)
def test_days_of_a_clock_change_keep_their_orders(account, day, first_utc, last_utc):
    inside = [first_utc, last_utc]
    outside = [first_utc - datetime.timedelta(minutes=1), last_utc + datetime.timedelta(minutes=1)]
    for at in inside + outside:
        placed(account, at.replace(tzinfo=UTC))
    orders = agenda.placed_orders(scope=account_scope(account))
    counts = agenda.day_counts(orders, first=day, last=day)
    assert counts == {day: 2}
    of_day = list(agenda.orders_of_day(orders, day=day))
    assert [order.submitted_at.astimezone(PARIS).date() for order in of_day] == [day, day]


def test_wished_delivery_layer_counts_by_the_wished_date(account):
    placed(account, datetime.datetime(2026, 5, 2, 10, tzinfo=UTC), wished_delivery_date=datetime.date(2026, 5, 20))
    placed(account, datetime.datetime(2026, 5, 3, 10, tzinfo=UTC))  # no wished date
    counts = agenda.day_counts(
        agenda.placed_orders(scope=account_scope(account)),
        first=datetime.date(2026, 5, 1),
        last=datetime.date(2026, 5, 31),
        layer=agenda.LAYER_WISHED,
    )
    assert counts == {datetime.date(2026, 5, 20): 1}


def test_drafts_and_other_accounts_orders_are_never_in_the_agenda(account):
    at = datetime.datetime(2026, 5, 2, 10, tzinfo=UTC)
    placed(account, at)
    OrderFactory(account=account, status=Order.Status.DRAFT)
    placed(AccountFactory(), at)
    counts = agenda.day_counts(
        agenda.placed_orders(scope=account_scope(account)),
        first=datetime.date(2026, 5, 1),
        last=datetime.date(2026, 5, 31),
    )
    assert counts == {datetime.date(2026, 5, 2): 1}


def account_scope(account):
    from portal.access import MEMBER_AREAS, Reader, Scope

    return Scope(reader=Reader.MEMBER, account_id=account.pk, areas=MEMBER_AREAS)


def test_month_page_shows_the_days_counts_and_the_selected_days_orders(customer_client, account):
    order = placed(account, datetime.datetime(2026, 3, 10, 9, tzinfo=UTC), name="Catalogue de printemps")
    LineFactory(basket=BasketFactory(order=order, company="Librairie Turet"), quantity=40)
    placed(AccountFactory(), datetime.datetime(2026, 3, 10, 9, tzinfo=UTC), name="Pas à moi")
    page = customer_client.get(reverse("portal:agenda"), {"view": "month", "date": "2026-03-10"}).content.decode()
    assert "Mars 2026" in page
    assert "Catalogue de printemps" in page
    assert "Librairie Turet" in page  # in the order's dialog
    assert reverse("orders:detail", args=[order.pk]) in page
    assert "Pas à moi" not in page
    assert 'data-date="2026-03-10" data-count="1"' in page


@pytest.mark.parametrize("view", ["year", "month", "week", "day"])
def test_every_view_renders_with_previous_and_next(customer_client, account, view):
    placed(account, datetime.datetime(2026, 3, 10, 9, tzinfo=UTC), name="Catalogue de printemps")
    response = customer_client.get(reverse("portal:agenda"), {"view": view, "date": "2026-03-10"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'rel="prev"' in page and 'rel="next"' in page
    if view in ("week", "day"):
        assert "Catalogue de printemps" in page


@pytest.mark.parametrize("date", ["2026-02-31", "junk", "99999-01-01", "0001-01-01"])
def test_bad_dates_fall_back_to_today(customer_client, date):
    assert (
        customer_client.get(reverse("portal:agenda"), {"date": date, "view": "nope", "layer": "x"}).status_code == 200
    )


def test_client_view_keeps_the_orders_going_to_one_recipient(customer_client, account):
    turet = AddressFactory(account=account, company="Librairie Turet", use_count=3, last_used_at=timezone.now())
    to_turet = placed(account, datetime.datetime(2026, 3, 10, 9, tzinfo=UTC), name="Pour Turet")
    BasketFactory(order=to_turet, address=turet)
    elsewhere = placed(account, datetime.datetime(2026, 3, 10, 10, tzinfo=UTC), name="Pour ailleurs")
    BasketFactory(order=elsewhere)
    page = customer_client.get(
        reverse("portal:agenda"), {"view": "day", "date": "2026-03-10", "client": str(turet.pk)}
    ).content.decode()
    assert "Pour Turet" in page
    assert "Pour ailleurs" not in page
    assert f'<option value="{turet.pk}" selected>' in page


def test_another_accounts_address_gives_the_global_view(customer_client, account):
    foreign = AddressFactory(account=AccountFactory(), company="Pas mon client")
    placed(account, datetime.datetime(2026, 3, 10, 9, tzinfo=UTC), name="La mienne")
    page = customer_client.get(
        reverse("portal:agenda"), {"view": "day", "date": "2026-03-10", "client": str(foreign.pk)}
    ).content.decode()
    assert "La mienne" in page
    assert "Pas mon client" not in page


@pytest.mark.parametrize("view", ["year", "month", "week", "day"])
def test_agenda_query_count_does_not_grow_with_orders(
    customer_client, account, view, django_assert_max_num_queries, django_assert_num_queries
):
    params = {"view": view, "date": "2026-03-10"}
    first = placed(account, datetime.datetime(2026, 3, 10, 9, tzinfo=UTC))
    BasketFactory(order=first)
    customer_client.get(reverse("portal:agenda"), params)  # the session's first request does more
    with django_assert_max_num_queries(20) as one:
        customer_client.get(reverse("portal:agenda"), params)
    for hour in range(30):
        order = placed(account, datetime.datetime(2026, 3, 9 + hour % 3, 8, hour, tzinfo=UTC))
        BasketFactory(order=order)
        BasketFactory(order=order)
    with django_assert_num_queries(len(one.captured_queries)):
        customer_client.get(reverse("portal:agenda"), params)


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("portal:agenda"))
    assert response.status_code == 302
