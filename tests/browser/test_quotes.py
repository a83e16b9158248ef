"""A customer asks for the quote of a draft, reads it, downloads its PDF and has it e-mailed, in Chromium."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core import mail

from orders.models import BasketKind
from tests.factories import PASSWORD, AccountFactory, OrderFactory, UserFactory
from tests.quotes.factories import (
    BasketFactory,
    BasketLineFactory,
    PriceBreakFactory,
    PriceRuleFactory,
    ShippingPriceFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ana(transactional_db):
    return UserFactory(email="ana@phare.fr", first_name="Ana", account=AccountFactory(name="Éditions du Phare"))


@pytest.fixture
def draft(ana):
    rule = PriceRuleFactory(max_pages=500)
    PriceBreakFactory(rule=rule, min_quantity=1, price_per_copy=Decimal("2.00"), price_per_page=Decimal("0.01"))
    ShippingPriceFactory(kind=BasketKind.ADDRESS, price=Decimal("9.90"))
    order = OrderFactory(account=ana.account, name="Recueil de printemps")
    BasketLineFactory(basket=BasketFactory(order=order), product__title="Poèmes du port", quantity=20)
    pickup = BasketFactory(order=order, kind=BasketKind.PICKUP, pickup_name="Ana")
    BasketLineFactory(basket=pickup, product__title="Grand atlas", product__page_count=900, quantity=2)
    return order


def test_quote_a_draft_download_and_email_the_pdf(
    page, live_server, ana, draft, login, assert_no_axe_violations, screenshot, tmp_path
):
    login(page, "ana@phare.fr", PASSWORD)
    page.get_by_role("link", name="Demander un devis").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Demander un devis"
    assert page.get_by_text("Recueil de printemps", exact=True).is_visible()
    assert_no_axe_violations(page)
    screenshot(page, "request")

    with page.expect_navigation():
        page.get_by_role("button", name="Chiffrer cette commande « Recueil de printemps »").click()
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.startswith("Devis D")
    number = heading.removeprefix("Devis ")
    assert page.get_by_text("Poèmes du port").is_visible()
    assert page.get_by_text("sur devis").first.is_visible()  # the 900-page atlas has no price
    assert_no_axe_violations(page)
    screenshot(page, "quote")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"devis-{number}.pdf"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF-")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout.decode()
        assert number in text and "Poèmes du port" in text and "sur devis" in text

    mail.outbox.clear()
    with page.expect_navigation():
        page.get_by_role("button", name="Me l’envoyer par e-mail").click()
    assert page.get_by_text(f"Le devis {number} part vers ana@phare.fr.").is_visible()
    [message] = mail.outbox
    assert message.to == ["ana@phare.fr"]
    assert message.attachments[0][0] == f"devis-{number}.pdf"

    page.get_by_role("link", name="Voir mes devis").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name=number).is_visible()
    assert_no_axe_violations(page)
    screenshot(page, "list")
