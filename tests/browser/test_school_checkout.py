"""A signed-in school validates its cart with a purchase order, staff activate it in admin, and "my
subscriptions" shows it active — in Chromium, axe clean on every page of the school's."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import facturx
import pytest

from subscriptions.models import Invoice, Offer, Subscription, SubscriptionOrder
from tests.factories import PASSWORD, SchoolFactory, StaffUserFactory, UserFactory
from tests.files.factories import pdf_bytes
from tests.subscriptions.factories import OfferFactory, establishment_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_school_checkout_activation_and_my_subscriptions(
    page, live_server, login, assert_no_axe_violations, screenshot, tmp_path
):
    school = SchoolFactory(uai="0750655E", name="Lycée Louis-le-Grand", email="doc@llg.example.fr")
    UserFactory(account=school, email="doc@llg.example.fr")
    establishment_for(school, public=True)
    staff = StaffUserFactory(email="atelier@colophon.example.fr")
    OfferFactory(
        name_fr="Bibliothèque numérique",
        kind=Offer.Kind.DIGITAL,
        price_excl_tax=Decimal("390.00"),
        vat_rate=Offer.Vat.STANDARD,
    )
    purchase_order = tmp_path / "bon-de-commande.pdf"
    purchase_order.write_bytes(pdf_bytes(pages=1))

    login(page, "0750655E", PASSWORD)
    page.goto(f"{live_server.url}/subscriptions/")
    with page.expect_navigation():
        page.get_by_role("button", name="Bibliothèque numérique").click()
    with page.expect_navigation():
        page.get_by_test_id("checkout").click()
    screenshot(page, "checkout")
    assert "/subscriptions/checkout/" in page.url
    assert_no_axe_violations(page)
    # Validating without the purchase order: refused next to the field, the cart kept.
    page.locator("input[name=payment_method][value=mandate]").check()
    page.locator("#id_siret").fill("732 829 320 00074")
    page.locator("#id_engagement_number").fill("EJ-2026-17")
    with page.expect_navigation():
        page.get_by_test_id("validate-order").click()
    assert page.locator(".field--invalid #id_purchase_order, .field--invalid input[name=purchase_order]").count() == 1
    assert_no_axe_violations(page)
    screenshot(page, "checkout-error")
    page.locator("input[name=purchase_order]").set_input_files(str(purchase_order))
    page.locator("input[name=payment_method][value=mandate]").check()
    with page.expect_navigation():
        page.get_by_test_id("validate-order").click()
    order = SubscriptionOrder.objects.get()
    assert page.get_by_test_id("order-number").inner_text() == order.number
    assert_no_axe_violations(page)
    screenshot(page, "confirmation")

    page.context.clear_cookies()
    login(page, staff.email, PASSWORD)
    page.goto(f"{live_server.url}/admin/subscriptions/subscriptionorder/{order.pk}/change/")
    with page.expect_navigation():
        page.get_by_test_id("activate-order").click()
    with page.expect_navigation():
        page.get_by_test_id("confirm").click()
    order.refresh_from_db()
    assert order.status == "activated"

    page.context.clear_cookies()
    login(page, "0750655E", PASSWORD)
    page.goto(f"{live_server.url}/subscriptions/mine/")
    subscription = Subscription.objects.get()
    row = page.get_by_test_id(f"subscription-{subscription.pk}")
    assert row.locator(".status--active").count() == 1
    assert subscription.access_code in row.inner_text()
    assert_no_axe_violations(page)
    screenshot(page, "mine")

    # The invoice: issued at the activation, listed with its status, its Factur-X downloaded.
    invoice = Invoice.objects.get(order=order)
    page.goto(f"{live_server.url}/subscriptions/invoices/")
    row = page.get_by_test_id(f"invoice-{invoice.pk}")
    assert invoice.number in row.inner_text() and row.locator(".status--due").count() == 1
    assert_no_axe_violations(page)
    screenshot(page, "invoices")
    with page.expect_download() as download:
        row.get_by_role("link", name=invoice.number).click()
    _name, xml = facturx.get_xml_from_pdf(Path(download.value.path()).read_bytes(), check_xsd=True)
    assert invoice.number.encode() in xml and b"EJ-2026-17" in xml
