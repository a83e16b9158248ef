"""A customer places an order end to end in Chromium; staff move it in admin; the customer sees it move."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from orders.models import Order, OrderStatus
from tests.factories import PASSWORD, StaffUserFactory, UserFactory
from tests.library.factories import (
    BindingFactory,
    CustomFormatFactory,
    PaperFormatFactory,
    PaperWeightFactory,
    PrintTypeFactory,
    ProductFactory,
)
from tests.orders.factories import BooksellerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def field(page, label: str):
    """A form field by its label, whether or not the label carries the required-field star."""
    return page.get_by_label(re.compile("^" + re.escape(label) + r"( \*)?$"))


def shot(page, name: str) -> None:
    page.screenshot(path=f"/tmp/ord-{name}.png", full_page=True)


def test_customer_orders_and_staff_moves_the_order(page, live_server, login, assert_no_axe_violations, browser):
    customer = UserFactory(email="camille@phare.example.fr", first_name="Camille")
    staff = StaffUserFactory(email="atelier@example.fr")
    BindingFactory()
    PaperFormatFactory()
    CustomFormatFactory()
    PaperWeightFactory()
    PrintTypeFactory()
    BooksellerFactory(name="Librairie Le Furet du Nord", city="Lille", network_code="PR00001")
    ProductFactory(account=customer.account, title="Poèmes du phare")
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
    shot(page, "10-verify")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Valider ma commande").click()
    order = Order.objects.get(account=customer.account)
    expect(page.get_by_test_id("order-number")).to_have_text(order.number)
    shot(page, "11-confirmation")
    assert_no_axe_violations(page)
    assert order.status == OrderStatus.SUBMITTED
    assert any(order.number in message.subject and customer.email in message.to for message in mail.outbox)

    # Staff accept the order in admin.
    staff_page = browser.new_page(locale="fr-FR")
    login(staff_page, staff.email, PASSWORD)
    staff_page.goto(f"{live_server.url}/admin/orders/order/?status__exact=submitted")
    staff_page.locator(f'input[name="_selected_action"][value="{order.pk}"]').check()
    staff_page.locator('select[name="action"]').select_option("accept")
    staff_page.locator('button[name="index"]').click()
    expect(staff_page.get_by_text(re.compile(r"passée\(s\) à .{1,3}Acceptée"))).to_be_visible()
    shot(staff_page, "12-admin")
    staff_page.close()

    # The customer sees the new status and its history.
    page.goto(f"{live_server.url}/orders/")
    shot(page, "13-my-orders")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Tirage de printemps").click()
    expect(page.get_by_test_id("order-status")).to_have_text("Acceptée")
    shot(page, "14-order-page")
    assert_no_axe_violations(page)
    assert any("Acceptée" in message.subject for message in mail.outbox)
