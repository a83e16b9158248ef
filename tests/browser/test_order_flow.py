"""A customer places an order end to end in Chromium; staff move it in admin; the customer sees it move."""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from files.models import ProductFile
from orders.models import BasketKind, Order, OrderStatus
from quotes.models import Quote
from tests.factories import PASSWORD, StaffUserFactory, UserFactory
from tests.files.factories import write_pdf
from tests.library.factories import (
    BindingFactory,
    CustomFormatFactory,
    PaperFormatFactory,
    PaperWeightFactory,
    PrintTypeFactory,
    ProductFactory,
)
from tests.orders.factories import BooksellerFactory
from tests.quotes.factories import PriceBreakFactory, PriceRuleFactory, ShippingPriceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def field(page, label: str):
    """A form field by its label, whether or not the label carries the required-field star."""
    return page.get_by_label(re.compile("^" + re.escape(label) + r"( \*)?$"))


def shot(page, name: str) -> None:
    page.screenshot(path=f"/tmp/ord-{name}.png", full_page=True)


def upload(page, *, kind: str, path: str) -> None:
    """Send one PDF from the product page's files panel, as a customer does with the file picker."""
    form = page.locator("form.files-panel__upload")
    form.get_by_label("Type de fichier").select_option(label=kind)
    form.get_by_label("Fichier PDF").set_input_files(path)
    form.get_by_role("button", name="Envoyer le fichier").click()


def admin_move(page, live_server, order: Order, *, action: str, status_label: str, from_status: str) -> None:
    page.goto(f"{live_server.url}/admin/orders/order/?status__exact={from_status}")
    page.locator(f'input[name="_selected_action"][value="{order.pk}"]').check()
    page.locator('select[name="action"]').select_option(action)
    page.locator('button[name="index"]').click()
    expect(page.get_by_text(re.compile(r"passée\(s\) à .{1,3}" + re.escape(status_label)))).to_be_visible()


def test_customer_orders_and_staff_moves_the_order(
    page, live_server, login, assert_no_axe_violations, browser, tmp_path
):
    customer = UserFactory(email="camille@phare.example.fr", first_name="Camille")
    staff = StaffUserFactory(email="atelier@example.fr")
    BindingFactory()
    PaperFormatFactory()
    CustomFormatFactory()
    PaperWeightFactory()
    PrintTypeFactory()
    BooksellerFactory(name="Librairie Le Furet du Nord", city="Lille", network_code="PR00001")
    ProductFactory(account=customer.account, title="Poèmes du phare")
    # A catch-all price grid, so that the quote carries prices and shipping.
    PriceBreakFactory(rule=PriceRuleFactory(isbn_vat_rate=None), price_per_copy=Decimal("2.00"))
    ShippingPriceFactory(kind=BasketKind.ADDRESS, price=Decimal("9.90"))
    ShippingPriceFactory(kind=BasketKind.BOOKSELLER, price=Decimal("4.50"))
    # The files of the new product (A5, 64 pages): a 2-page cover and the interior, each A5 + 3 mm bleed.
    cover = write_pdf(tmp_path / "couverture-carnet.pdf", pages=2)
    interior = write_pdf(tmp_path / "interieur-carnet.pdf", pages=64)
    mail.outbox.clear()

    login(page, customer.email, PASSWORD)
    page.get_by_role("button", name="Commencer une nouvelle commande").click()
    expect(page.get_by_role("heading", name="Paniers d’expédition et produits")).to_be_visible()
    shot(page, "1-baskets-empty")
    assert_no_axe_violations(page)

    # Basket 1: a company address.
    page.get_by_role("link", name="Créer ou rechercher un panier d’expédition").click()
    shot(page, "2-kind")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Choisir – Société ou particulier").click()
    field(page, "Société").fill("Le Turet")
    field(page, "Adresse").fill("1 rue Nationale")
    field(page, "Code postal").fill("5900")
    field(page, "Ville").fill("Lille")
    page.get_by_role("button", name="Enregistrer le panier").click()
    expect(page.get_by_text("Un code postal français compte 5 chiffres")).to_be_visible()
    shot(page, "3-address-error")
    assert_no_axe_violations(page)
    field(page, "Code postal").fill("59000")
    page.get_by_role("button", name="Enregistrer le panier").click()

    # A new product in basket 1.
    expect(page.get_by_role("heading", name="Ajouter un produit")).to_be_visible()
    shot(page, "4-add-product")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Créer un nouveau produit").click()
    field(page, "Titre").fill("Carnet de voyage")
    field(page, "Reliure").select_option(label="Dos carré collé")
    field(page, "Format").select_option(label="A5")
    field(page, "Nombre de pages").fill("63")
    field(page, "Quantité à imprimer").fill("25")
    field(page, "ISBN").fill("2-07-036822-X")
    page.get_by_role("button", name="Enregistrer et ajouter au panier").click()
    expect(page.get_by_text("le nombre de pages doit être un multiple de 2")).to_be_visible()
    shot(page, "5-product-error")
    assert_no_axe_violations(page)
    field(page, "Nombre de pages").fill("64")
    page.get_by_role("button", name="Enregistrer et ajouter au panier").click()
    expect(page.get_by_role("heading", name="Carnet de voyage")).to_be_visible()
    shot(page, "6-product-page")

    # Its cover and interior, sent from the product page and checked by the preflight worker.
    upload(page, kind="Couverture", path=cover)
    cover_row = page.locator(".product-file", has_text="couverture-carnet.pdf")
    expect(cover_row.locator(".preflight")).to_contain_text("Conforme", timeout=20_000)
    upload(page, kind="Intérieur", path=interior)
    interior_row = page.locator(".product-file", has_text="interieur-carnet.pdf")
    expect(interior_row.locator(".preflight")).to_contain_text("Conforme", timeout=20_000)
    expect(interior_row).to_contain_text("64 pages, comme commandé.")
    expect(interior_row.get_by_role("img", name="Première page de interieur-carnet.pdf")).to_be_visible()
    shot(page, "6b-product-files")
    assert_no_axe_violations(page)
    assert sorted(ProductFile.objects.values_list("kind", "preflight_status")) == [
        ("cover", "passed"),
        ("interior", "passed"),
    ]
    page.get_by_role("link", name="Retour à ma commande").first.click()

    # Basket 2: a bookseller of the network, with a product of the library.
    page.get_by_role("link", name="Créer ou rechercher un panier d’expédition").click()
    page.get_by_role("link", name="Choisir – Libraire du réseau").click()
    page.get_by_label("Rechercher un libraire").fill("furet lille")
    page.get_by_label("Rechercher un libraire").press("Enter")
    page.get_by_text("Librairie Le Furet du Nord").click()
    shot(page, "7-bookseller")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Enregistrer le panier").click()
    page.get_by_label("Rechercher dans ma bibliothèque").fill("phare")
    page.get_by_label("Rechercher dans ma bibliothèque").press("Enter")
    page.get_by_role("button", name="Ajouter – Poèmes du phare").first.click()
    expect(page.get_by_text(re.compile("Poèmes du phare.*ajouté au panier"))).to_be_visible()
    shot(page, "8-baskets-full")
    assert_no_axe_violations(page)

    # Step 3: naming.
    page.get_by_role("link", name=re.compile("Passer à l’étape suivante")).first.click()
    field(page, "Nom").fill("Tirage de printemps")
    field(page, "Votre référence (bon de commande)").fill("BC-2026-12")
    field(page, "Date de livraison souhaitée").fill((datetime.date.today() + datetime.timedelta(days=20)).isoformat())
    shot(page, "9-name")
    assert_no_axe_violations(page)
    page.get_by_role("button", name=re.compile("Enregistrer et vérifier")).click()

    # Step 4: verification and validation.
    expect(page.get_by_role("heading", name="Vérification et validation finale")).to_be_visible()
    expect(page.get_by_text("Librairie Le Furet du Nord").first).to_be_visible()
    expect(page.get_by_text(re.compile(r"Couverture\s*:\s*Conforme"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"Intérieur\s*:\s*Conforme"))).to_be_visible()
    shot(page, "10-verify")
    assert_no_axe_violations(page)

    # A quote of the draft first: downloaded as a PDF and read.
    with page.expect_navigation():
        page.get_by_role("button", name="Demander un devis").click()
    quote = Quote.objects.get(account=customer.account)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Devis {quote.number}")
    shot(page, "10b-quote")
    assert_no_axe_violations(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"devis-{quote.number}.pdf"
    pdf_path = tmp_path / download.suggested_filename
    download.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF-")
    assert shutil.which("pdftotext"), "poppler-utils (pdftotext) is needed to read the quote"
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, check=True).stdout
    text = text.decode()
    assert quote.number in text
    assert "Carnet de voyage" in text and "Poèmes du phare" in text
    assert "Librairie Le Furet du Nord" in text and "Le Turet" in text
    # Each line with its quantity, unit price (2 € a copy + 0.01 € a page) and total; shipping per basket.
    assert re.search(r"Carnet de voyage\s+25\s+2,64\s*€\s+20\s*%\s+66,00\s*€", text)
    assert re.search(r"Poèmes du phare\s+10\s+3,20\s*€\s+20\s*%\s+32,00\s*€", text)
    assert re.search(r"Port — Libraire du réseau\s+20\s*%\s+4,50\s*€", text)
    assert re.search(r"Total HT\s+112,40\s*€", text)
    assert "sur devis" not in text  # the grid priced every line

    # Back to the draft from the dashboard, through naming, to the verification step again.
    page.goto(f"{live_server.url}/")
    expect(page.get_by_text("Vous avez une commande en cours.")).to_be_visible()
    page.get_by_role("link", name="Reprendre cette commande").click()
    page.get_by_role("link", name=re.compile("Passer à l’étape suivante")).first.click()
    expect(field(page, "Nom")).to_have_value("Tirage de printemps")
    page.get_by_role("button", name=re.compile("Enregistrer et vérifier")).click()
    expect(page.get_by_role("heading", name="Vérification et validation finale")).to_be_visible()
    page.get_by_role("button", name="Valider ma commande").click()
    order = Order.objects.get(account=customer.account)
    expect(page.get_by_test_id("order-number")).to_have_text(order.number)
    shot(page, "11-confirmation")
    assert_no_axe_violations(page)
    assert order.status == OrderStatus.SUBMITTED
    assert order.number
    [to_customer] = [message for message in mail.outbox if message.to == [customer.email]]
    assert order.number in to_customer.subject
    assert order.number in to_customer.body and "Tirage de printemps" in to_customer.body
    assert any(order.number in message.subject and message.to != [customer.email] for message in mail.outbox)

    # Staff accept the order in admin, then start its production.
    staff_page = browser.new_page(locale="fr-FR")
    login(staff_page, staff.email, PASSWORD)
    admin_move(staff_page, live_server, order, action="accept", status_label="Acceptée", from_status="submitted")
    shot(staff_page, "12-admin")
    assert_no_axe_violations(staff_page)
    admin_move(
        staff_page, live_server, order, action="start_production", status_label="En production", from_status="accepted"
    )
    shot(staff_page, "12b-admin")
    # The order's page in admin: its baskets, lines and files, and its history.
    staff_page.goto(f"{live_server.url}/admin/orders/order/{order.pk}/change/")
    expect(staff_page.get_by_text("Carnet de voyage").first).to_be_visible()
    expect(staff_page.get_by_text("interieur-carnet.pdf").first).to_be_visible()
    shot(staff_page, "12c-admin-order")
    assert_no_axe_violations(staff_page)
    staff_page.close()

    # The customer sees the new status and its history.
    page.goto(f"{live_server.url}/orders/")
    shot(page, "13-my-orders")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Tirage de printemps").click()
    expect(page.get_by_test_id("order-status")).to_have_text("En production")
    timeline = page.locator("ol.timeline li")
    expect(timeline).to_have_count(4)
    for position, status in enumerate(["Brouillon créé", "Validée", "Acceptée", "En production"]):
        expect(timeline.nth(position)).to_contain_text(status)
    expect(page.get_by_role("listitem").filter(has_text=quote.number)).to_contain_text("demandé le")
    expect(page.get_by_role("link", name=quote.number)).to_be_visible()
    shot(page, "14-order-page")
    assert_no_axe_violations(page)
    assert any("Acceptée" in message.subject for message in mail.outbox)
    assert any("En production" in message.subject for message in mail.outbox)
