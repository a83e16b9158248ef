"""The agenda and the statistics in admin: every account's orders, filterable by account, for staff who
may view orders only."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from figures.services import figures_refresh
from orders.models import Order
from tests.factories import AccountFactory, OrderFactory, StaffUserFactory
from tests.orders.factories import BasketFactory, LineFactory

pytestmark = pytest.mark.django_db
AT = datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC)


@pytest.fixture
def staff_client(client):
    staff = StaffUserFactory(is_superuser=False)
    staff.user_permissions.add(Permission.objects.get(codename="view_order", content_type__app_label="orders"))
    client.force_login(staff)
    return client


@pytest.fixture
def two_accounts():
    phare, marees = AccountFactory(name="Éditions du Phare"), AccountFactory(name="Éditions des Marées")
    for account, name, quantity in ((phare, "Commande du Phare", 7), (marees, "Commande des Marées", 11)):
        order = OrderFactory(account=account, name=name, status=Order.Status.SUBMITTED, submitted_at=AT)
        LineFactory(basket=BasketFactory(order=order), quantity=quantity)
    return phare, marees


def test_staff_agenda_shows_every_account_and_filters_by_one(staff_client, two_accounts):
    phare, _marees = two_accounts
    url = reverse("portal:staff_agenda")
    page = staff_client.get(url, {"view": "day", "date": "2026-03-10"}).content.decode()
    assert "Commande du Phare" in page and "Commande des Marées" in page
    assert reverse("admin:orders_order_change", args=[Order.objects.get(name="Commande du Phare").pk]) in page
    page = staff_client.get(url, {"view": "day", "date": "2026-03-10", "account": str(phare.pk)}).content.decode()
    assert "Commande du Phare" in page and "Commande des Marées" not in page


def test_staff_statistics_are_shop_wide_or_one_accounts(staff_client, two_accounts):
    phare, _marees = two_accounts
    figures_refresh()
    url = reverse("portal:staff_statistics")
    page = staff_client.get(url, {"year": "2026"}).content.decode()
    assert '<td class="num">18</td>' in page  # 7 + 11 copies in March
    page = staff_client.get(url, {"year": "2026", "account": str(phare.pk)}).content.decode()
    assert '<td class="num">18</td>' not in page and '<td class="num">7</td>' in page
    csv = staff_client.get(reverse("portal:staff_statistics_csv"), {"year": "2026"})
    assert csv.status_code == 200 and "atelier" in csv["Content-Disposition"]


@pytest.mark.parametrize("name", ["portal:staff_agenda", "portal:staff_statistics", "portal:staff_statistics_csv"])
def test_staff_without_the_permission_and_customers_are_refused(client, name):
    client.force_login(StaffUserFactory(is_superuser=False))
    assert client.get(reverse(name)).status_code == 403
    client.logout()
    assert client.get(reverse(name)).status_code == 302  # to the admin's sign-in


def test_the_order_changelist_links_to_both(admin_client):
    page = admin_client.get(reverse("admin:orders_order_changelist")).content.decode()
    assert reverse("portal:staff_agenda") in page and reverse("portal:staff_statistics") in page
