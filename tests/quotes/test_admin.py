"""Staff keep the price grid and read quotes in the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quotes.models import PriceRule
from quotes.services import quote_create_from_order
from tests.quotes.factories import PriceBreakFactory, PriceRuleFactory, order_with_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_price_grid_pages(staff_client):
    PriceBreakFactory(rule=PriceRuleFactory(name="Broché A5"))
    assert "Broché A5" in staff_client.get(reverse("admin:quotes_pricerule_changelist")).text
    rule = PriceRule.objects.get()
    page = staff_client.get(reverse("admin:quotes_pricerule_change", args=[rule.pk]))
    assert page.status_code == 200 and "breaks-TOTAL_FORMS" in page.text
    assert staff_client.get(reverse("admin:quotes_shippingprice_add")).status_code == 200


def test_staff_create_a_rule_with_its_breaks(staff_client):
    response = staff_client.post(
        reverse("admin:quotes_pricerule_add"),
        {
            "name": "Tout livre",
            "is_active": "on",
            "position": "0",
            "min_pages": "1",
            "vat_rate": "20.00",
            "isbn_vat_rate": "5.50",
            "breaks-TOTAL_FORMS": "2",
            "breaks-INITIAL_FORMS": "0",
            "breaks-MIN_NUM_FORMS": "1",
            "breaks-MAX_NUM_FORMS": "1000",
            "breaks-0-min_quantity": "1",
            "breaks-0-price_per_copy": "2.5",
            "breaks-0-price_per_page": "0.012",
            "breaks-1-min_quantity": "500",
            "breaks-1-price_per_copy": "1.5",
            "breaks-1-price_per_page": "0.008",
        },
    )
    assert response.status_code == 302, response.text
    assert PriceRule.objects.get().breaks.count() == 2


def test_quotes_are_read_only_in_admin(staff_client, customer):
    quote = quote_create_from_order(order=order_with_lines(account=customer.account), user=customer)
    assert quote.number in staff_client.get(reverse("admin:quotes_quote_changelist")).text
    page = staff_client.get(reverse("admin:quotes_quote_change", args=[quote.pk]))
    assert page.status_code == 200
    assert quote.lines.first().title in page.text
    assert staff_client.get(reverse("admin:quotes_quote_add")).status_code == 403
