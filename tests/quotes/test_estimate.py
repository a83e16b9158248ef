"""The estimated unit price the product form shows while the customer types."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.quotes.factories import BindingFactory, PaperFormatFactory, PriceBreakFactory, PriceRuleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def grid():
    a5 = PaperFormatFactory()
    binding = BindingFactory()
    rule = PriceRuleFactory(paper_format=a5, binding=binding)
    PriceBreakFactory(rule=rule, min_quantity=1, price_per_copy=Decimal("2.00"), price_per_page=Decimal("0.0119"))
    return {"paper_format": a5.pk, "binding": binding.pk}


def test_estimate_of_a_priced_product(customer_client, grid):
    response = customer_client.get(
        reverse("quotes:estimate"), {**grid, "page_count": "120", "quantity_to_print": "50", "width_mm": ""}
    )
    assert response.status_code == 200
    assert "3,43" in response.text  # 2 + 120 × 0,0119 = 3,428


def test_estimate_without_a_fitting_rule_is_on_request(customer_client, grid):
    response = customer_client.get(
        reverse("quotes:estimate"),
        {"paper_format": grid["paper_format"], "page_count": "120", "quantity_to_print": "5"},
    )
    assert response.status_code == 200
    assert "3,43" not in response.text
    assert 'class="price-estimate on-request"' in response.text


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"page_count": "abc", "quantity_to_print": "-3"},
        {"page_count": "1e9999", "quantity_to_print": "99999999999999999999999"},
        {"binding": "999999", "paper_format": "x", "page_count": "12", "quantity_to_print": "1"},
        {"binding": ["1", "2"], "isbn": "\x00" * 50, "page_count": "0", "quantity_to_print": "0"},
    ],
)
def test_junk_never_fails(customer_client, grid, query):
    response = customer_client.get(reverse("quotes:estimate"), query)
    assert response.status_code == 200
    assert "on-request" in response.text


def test_estimate_needs_a_customer(client, grid):
    assert client.get(reverse("quotes:estimate")).status_code == 302
