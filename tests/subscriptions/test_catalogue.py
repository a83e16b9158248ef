"""The public catalogue: active offers, in the visitor's language, prices before and after tax the French way."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.urls import reverse

from subscriptions.models import Offer
from tests.subscriptions.factories import OfferFactory

pytestmark = pytest.mark.django_db


def test_anyone_sees_the_active_offers_with_both_prices(client):
    OfferFactory(name_fr="Revue des sciences", price_excl_tax=Decimal("1234.50"), vat_rate=Offer.Vat.PRESS)
    OfferFactory(name_fr="Ancienne offre", active=False)
    response = client.get(reverse("subscriptions:catalogue"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Revue des sciences" in html
    assert "Ancienne offre" not in html
    assert "1\u00a0234,50\u00a0€" in html  # before tax
    assert "1\u00a0260,42\u00a0€" in html  # after 2.1 % VAT: 25.9245 → 25.92
    assert "2,1\u00a0%" in html


def test_the_english_page_shows_the_english_name_and_french_prices(client):
    OfferFactory(name_fr="Revue des sciences", name_en="Science review", price_excl_tax=Decimal("10"))
    html = client.get(reverse("subscriptions:catalogue"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Science review" in html
    assert "Revue des sciences" not in html
    assert "12,00\u00a0€" in html


def test_the_catalogue_says_when_there_is_nothing(client):
    response = client.get(reverse("subscriptions:catalogue"), HTTP_ACCEPT_LANGUAGE="en")
    assert "No offer is available" in response.content.decode()


def test_only_french_vat_rates_are_stored():
    offer = OfferFactory()
    Offer.objects.filter(pk=offer.pk).update(vat_rate="5.5")
    with pytest.raises(IntegrityError):
        Offer.objects.filter(pk=offer.pk).update(vat_rate="7.0")


def test_staff_add_an_offer_in_admin(staff_client):
    response = staff_client.post(
        reverse("admin:subscriptions_offer_add"),
        {
            "name_fr": "Soutien scolaire en ligne",
            "name_en": "Online tutoring",
            "description_fr": "",
            "description_en": "",
            "kind": "digital",
            "duration": "twelve_months",
            "price_excl_tax": "59.90",
            "vat_rate": "20.0",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    offer = Offer.objects.get()
    assert (offer.name_en, offer.price_excl_tax, offer.vat, offer.price_incl_tax) == (
        "Online tutoring",
        Decimal("59.90"),
        Decimal("20.0"),
        Decimal("71.88"),
    )
    assert staff_client.get(reverse("admin:subscriptions_offer_changelist")).status_code == 200


def test_admin_refuses_a_rate_that_is_not_french(staff_client):
    response = staff_client.post(
        reverse("admin:subscriptions_offer_add"),
        {
            "name_fr": "X",
            "name_en": "X",
            "kind": "digital",
            "duration": "school_year",
            "price_excl_tax": "1",
            "vat_rate": "7.0",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "vat_rate" in response.context["adminform"].form.errors
    assert not Offer.objects.exists()
