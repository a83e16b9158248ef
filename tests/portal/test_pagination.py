"""Keyset pagination: following "Next" then "Previous" walks every row once, in order, whatever the
directions of the ordering's columns; a cursor that cannot be read is the first page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone

from orders.models import Address, Order
from portal.pagination import keyset_page
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def walk(queryset, ordering, per_page):
    pages, params = [], QueryDict(mutable=True)
    while True:
        page = keyset_page(queryset, params=params, ordering=ordering, per_page=per_page)
        pages.append(page)
        if not page.has_next:
            return pages
        params = QueryDict(page.next_url.lstrip("?"))


def test_descending_dates_with_ties_walk_every_row_once_and_back():
    account = AccountFactory()
    at = timezone.now()
    Order.objects.bulk_create(
        Order(account=account, name=f"C{n}", status="submitted", created_at=at - timedelta(days=n // 3))
        for n in range(23)
    )
    orders = Order.objects.filter(account=account)
    ordering = ("-created_at", "-id")
    pages = walk(orders, ordering, 5)
    seen = [o.pk for page in pages for o in page.object_list]
    assert seen == list(orders.order_by(*ordering).values_list("pk", flat=True))
    assert [len(p.object_list) for p in pages] == [5, 5, 5, 5, 3]
    back = keyset_page(orders, params=QueryDict(pages[2].previous_url.lstrip("?")), ordering=ordering, per_page=5)
    assert [o.pk for o in back.object_list] == [o.pk for o in pages[1].object_list]
    assert back.has_next and back.has_previous


def test_ascending_texts_and_the_other_parameters_are_kept():
    account = AccountFactory()
    Address.objects.bulk_create(
        Address(account=account, company=f"Client {n % 4}", last_name=f"N{n:02}") for n in range(12)
    )
    ordering = ("company", "last_name", "id")
    params = QueryDict("q=client&status=x")
    page = keyset_page(Address.objects.filter(account=account), params=params, ordering=ordering, per_page=5)
    assert "q=client" in page.next_url and "status=x" in page.next_url and "after=" in page.next_url
    seen = [a.pk for p in walk(Address.objects.filter(account=account), ordering, 5) for a in p.object_list]
    assert seen == list(Address.objects.filter(account=account).order_by(*ordering).values_list("pk", flat=True))


@pytest.mark.parametrize("cursor", ["x", "!!", "W10", "WzEsMiwzXQ", "a" * 500, "eyJhIjoxfQ"])
def test_a_cursor_that_cannot_be_read_is_the_first_page(cursor):
    account = AccountFactory()
    Address.objects.bulk_create(Address(account=account, company=f"Client {n}") for n in range(3))
    page = keyset_page(Address.objects.filter(account=account), params={"after": cursor}, ordering=("company", "id"))
    assert [a.company for a in page.object_list] == ["Client 0", "Client 1", "Client 2"]
    assert not page.has_previous


def test_the_count_stops_at_its_cap(monkeypatch):
    from portal import pagination

    monkeypatch.setattr(pagination, "COUNT_CAP", 4)
    account = AccountFactory()
    Address.objects.bulk_create(Address(account=account, company=f"Client {n}") for n in range(6))
    page = keyset_page(Address.objects.filter(account=account), params={}, ordering=("company", "id"), with_count=True)
    assert (page.count, page.count_capped) == (4, True)
    page = keyset_page(
        Address.objects.filter(account=account, company="Client 1"),
        params={},
        ordering=("company", "id"),
        with_count=True,
    )
    assert (page.count, page.count_capped) == (1, False)
