"""A new school in Chromium: cart → printed cart PDF (read back with pdftotext) → the establishment's
account created from the directory → the activation e-mail's link → the checkout with the same cart;
axe finds nothing on any page. Selectors use the forms' names, not their wording (the French arrives
with the lead's merge of the translations)."""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core import mail

from subscriptions.models import FaqEntry, Offer, SupportContact, SupportQuestion
from tests.factories import PASSWORD as USER_PASSWORD
from tests.factories import SchoolFactory, UserFactory
from tests.subscriptions.factories import OfferFactory
from tests.subscriptions.support import PUBLIC_UAI, directory_row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Une phrase de passe assez longue 2026"


def test_cart_pdf_account_creation_activation_and_checkout(
    page, live_server, assert_no_axe_violations, screenshot, tmp_path
):
    directory_row()
    OfferFactory(name_fr="La Gazette des lycéens", price_excl_tax=Decimal("48.00"), vat_rate=Offer.Vat.PRESS)
    page.goto(f"{live_server.url}/subscriptions/")
    with page.expect_navigation():
        page.get_by_role("button", name="Gazette").click()
    assert_no_axe_violations(page)

    # The cart printed for the business manager.
    with page.expect_navigation():
        page.locator("form[action$='/cart/pdf/prepare/'] button").click()
    ready = page.locator("[data-document-ready]")
    ready.wait_for()
    screenshot(page, "cart")
    assert_no_axe_violations(page)
    with page.expect_download() as download_info:
        ready.click()
    path = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(path)
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout.decode()
        assert "La Gazette des lycéens" in text and "49,01" in text

    # Validate → create the establishment's account, found by its UAI.
    with page.expect_navigation():
        page.locator(".cart__validate a").click()
    assert_no_axe_violations(page)
    with page.expect_navigation():
        page.locator("a[href$='/subscriptions/establishment/new/']").click()
    page.locator("#id_uai").fill(" 0750655a ")  # a wrong check letter first
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()
    assert page.locator(".field--invalid #id_uai").count() == 1
    assert_no_axe_violations(page)
    page.locator("#id_uai").fill("0750655e")
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()
    assert "Lycée Jules Ferry" in page.locator("main").inner_text()
    page.locator("#id_first_name").fill("Agnès")
    page.locator("#id_last_name").fill("Varda")
    page.locator("#id_email").fill("intendance@lycee-ferry.example.fr")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    screenshot(page, "details")
    assert_no_axe_violations(page)
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()
    assert page.url.endswith("/subscriptions/establishment/new/sent/")
    assert_no_axe_violations(page)

    # The activation e-mail's link, then the checkout with the same cart.
    (message,) = [m for m in mail.outbox if "intendance@lycee-ferry.example.fr" in m.to]
    link = re.search(r"https?://\S+/subscriptions/establishment/activate/\S+", message.body).group(0)
    path_only = "/" + link.split("://", 1)[1].split("/", 1)[1]
    page.goto(f"{live_server.url}{path_only}")
    assert_no_axe_violations(page)
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()
    assert page.url.endswith("/subscriptions/checkout/")
    assert "La Gazette des lycéens" in page.locator("main").inner_text()
    screenshot(page, "checkout")
    assert_no_axe_violations(page)


def test_lost_password_pages_are_accessible(page, live_server, assert_no_axe_violations, screenshot):
    directory_row()
    page.goto(f"{live_server.url}/subscriptions/password/")
    assert_no_axe_violations(page)
    page.locator("#id_uai").fill(PUBLIC_UAI)
    page.locator("#id_email").fill("quelquun@example.fr")
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()
    assert "/subscriptions/password/sent/" in page.url
    assert_no_axe_violations(page)
    with page.expect_navigation():
        page.locator("main a.button").click()
    assert page.locator("#id_uai").input_value() == PUBLIC_UAI
    page.locator("#id_establishment_name").fill("Lycée Jules Ferry")
    page.locator("#id_head_name").fill("Mme Claire Fontaine")
    page.locator("#id_email").fill("direction@lycee.example.fr")
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()
    page.locator("[data-document-ready]").wait_for()
    screenshot(page, "letter")
    assert_no_axe_violations(page)


def test_my_assistance_from_the_school_space(page, live_server, login, assert_no_axe_violations, screenshot):
    directory_row()
    school = SchoolFactory(uai=PUBLIC_UAI, name="Lycée Jules Ferry", email="ce.0750655e@ac-paris.fr")
    UserFactory(account=school, email="ce.0750655e@ac-paris.fr")
    SupportContact.objects.create(kind="commercial", name="Service abonnements", email="abonnements@colophon.test")
    SupportContact.objects.create(kind="technical", name="Assistance technique", phone="01 02 03 04 05")
    FaqEntry.objects.create(
        question_fr="Quand est-ce actif ?", question_en="When?", answer_fr="Sous 72 h.", answer_en="72 h."
    )
    login(page, PUBLIC_UAI, USER_PASSWORD)
    page.goto(f"{live_server.url}/subscriptions/")
    with page.expect_navigation():
        page.locator("#main-nav a[href$='/subscriptions/assistance/']").click()
    page.locator("details.faq summary").click()
    assert "Sous 72 h." in page.locator("main").inner_text()
    assert_no_axe_violations(page)
    page.locator("#id_subject").fill("Accès impossible")
    page.locator("#id_message").fill("Le code ne marche plus.")
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()
    assert SupportQuestion.objects.get().account == school
    screenshot(page, "assistance")
    assert_no_axe_violations(page)
