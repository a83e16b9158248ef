"""A visitor fills a cart from the catalogue, then the school signs in with its UAI and finds it, in Chromium."""

from __future__ import annotations

from decimal import Decimal

import pytest

from subscriptions.models import Offer
from tests.factories import PASSWORD, SchoolFactory, UserFactory
from tests.subscriptions.factories import OfferFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_catalogue_cart_and_uai_sign_in(page, live_server, login, assert_no_axe_violations):
    school = SchoolFactory(uai="0750655E", email="ce.0750655e@ac-paris.fr")
    UserFactory(account=school, email="ce.0750655e@ac-paris.fr")
    OfferFactory(name_fr="La Gazette des lycéens", price_excl_tax=Decimal("48.00"), vat_rate=Offer.Vat.PRESS)
    page.goto(f"{live_server.url}/subscriptions/")
    assert_no_axe_violations(page)
    assert "49,01\u00a0€" in page.locator("main").inner_text()  # 48 + 2.1 % VAT
    with page.expect_navigation():
        page.get_by_role("button", name="Gazette").click()
    assert "La Gazette des lycéens" in page.locator("main").inner_text()
    assert_no_axe_violations(page)
    page.get_by_label("Gazette").fill("1000")
    with page.expect_navigation():
        page.get_by_role("button", name="Gazette").first.click()
    assert page.locator(".field__errors").count() == 1
    assert_no_axe_violations(page)
    login(page, " 0750655e ", PASSWORD)
    page.goto(f"{live_server.url}/subscriptions/cart/")
    assert "La Gazette des lycéens" in page.locator("main").inner_text()
