"""A customer requests a quote and lands on its page at once: "being prepared" turns into the download
link by itself (htmx polling) once the documents worker has stored the PDF, which is then read back."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal

import pytest

from orders.models import BasketKind
from portal.documents import services as document_services
from portal.documents.tasks import render_document
from tests.factories import PASSWORD, AccountFactory, OrderFactory, UserFactory
from tests.quotes.factories import BasketFactory, BasketLineFactory, PriceBreakFactory, PriceRuleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_queue(monkeypatch):
    """The ``documents`` queue, held: renders wait here until the test plays the worker."""
    queued: list[int] = []
    monkeypatch.setattr(document_services, "_enqueue_render", lambda document, then=None: queued.append(document.pk))
    return queued


@pytest.fixture
def draft(transactional_db):
    user = UserFactory(email="lou@phare.fr", first_name="Lou", account=AccountFactory(name="Éditions du Phare"))
    PriceBreakFactory(rule=PriceRuleFactory(max_pages=500), min_quantity=1, price_per_copy=Decimal("2.00"))
    order = OrderFactory(account=user.account, name="Recueil d’automne")
    basket = BasketFactory(order=order, kind=BasketKind.ADDRESS)
    for number in range(1, 4):
        BasketLineFactory(basket=basket, product__title=f"Les Quais, tome {number}", quantity=10 * number)
    return order


def test_being_prepared_turns_into_the_link_and_the_pdf_reads_back(
    page, live_server, draft, login, worker_queue, assert_no_axe_violations, screenshot, tmp_path
):
    login(page, "lou@phare.fr", PASSWORD)
    page.goto(f"{live_server.url}/quotes/new/")
    with page.expect_navigation():
        page.get_by_role("button", name="Chiffrer cette commande « Recueil d’automne »").click()

    # On the quote's page at once, the PDF not drawn yet.
    number = page.get_by_role("heading", level=1).inner_text().removeprefix("Devis ")
    assert page.get_by_text("Les Quais, tome 2").is_visible()
    pending = page.locator("[data-document-pending]")
    assert pending.is_visible()
    assert page.get_by_role("link", name="Télécharger le PDF").count() == 0
    assert_no_axe_violations(page)
    screenshot(page, "being-prepared")
    [document_id] = worker_queue

    render_document(document_id)  # the worker stores it; the page polls and swaps in the link
    link = page.get_by_role("link", name="Télécharger le PDF")
    link.wait_for(state="visible", timeout=10_000)
    assert pending.count() == 0
    screenshot(page, "ready")

    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == f"devis-{number}.pdf"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF-")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout.decode()
        assert number in text and "Les Quais, tome 3" in text and "Éditions du Phare" in text
