"""A visitor without an account sends a job through the generic link, in Chromium; staff see the link's page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from library.models import Binding, PaperFormat, PaperWeight
from orders.models import Order
from submissions.models import SubmissionLink
from tests.factories import PASSWORD, StaffUserFactory
from tests.submissions.submission_support import make_link, pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def link(transactional_db):
    Binding.objects.create(name="Dos carré collé", code="pur", min_pages=32, max_pages=400, page_multiple=4)
    Binding.objects.create(name="Agrafé", code="agrafe", min_pages=4, max_pages=64, page_multiple=4)
    PaperFormat.objects.create(name="A5 (148 × 210 mm)", code="a5", width_mm=148, height_mm=210)
    PaperFormat.objects.create(name="Format personnalisé", code="perso", is_custom=True)
    PaperWeight.objects.create(name="Offset 90 g", code="offset-90", grams=90)
    return make_link(max_bytes_per_job=2 * 1024 * 1024)


def fill_the_form(page, *, pdf: bytes):
    page.get_by_label("Votre nom").fill("Jeanne Martin")
    page.get_by_label("Votre adresse e-mail").fill("jeanne@example.fr")
    page.get_by_label("Titre du travail").fill("Recueil de poèmes")
    page.get_by_label("Nombre de pages").fill("48")
    page.get_by_label("Quantité à imprimer").fill("25")
    page.get_by_label("Format").select_option(label="A5 (148 × 210 mm)")
    page.get_by_label("Reliure").select_option(label="Dos carré collé")
    page.get_by_label("Votre fichier PDF").set_input_files(
        {"name": "recueil.pdf", "mimeType": "application/pdf", "buffer": pdf}
    )


def test_a_visitor_submits_a_pdf_and_sees_the_thank_you_page(
    page, live_server, link, assert_no_axe_violations, screenshot
):
    page.goto(f"{live_server.url}/submit/{link.token}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Envoyer un travail à l’atelier"
    assert_no_axe_violations(page)
    assert not page.get_by_label("Largeur (mm)").is_visible()
    page.get_by_label("Format").select_option(label="Format personnalisé")
    assert page.get_by_label("Largeur (mm)").is_visible()
    screenshot(page, "form")

    fill_the_form(page, pdf=pdf_bytes(filler=3 * 1024 * 1024))
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer mon travail").click()
    error = page.locator(".field--invalid .field__errors")
    assert "trop volumineux" in error.inner_text()
    assert page.get_by_label("Votre nom").input_value() == "Jeanne Martin"
    assert Order.objects.count() == 0
    assert_no_axe_violations(page)
    screenshot(page, "too-large")

    page.get_by_label("Votre fichier PDF").set_input_files(
        {"name": "recueil.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes(pages=4)}
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer mon travail").click()
    order = Order.objects.get()
    assert page.get_by_role("heading", level=1).inner_text() == "Merci, votre travail a bien été reçu"
    assert page.get_by_text(order.number).is_visible()
    assert order.source == Order.Source.GENERIC_LINK
    assert any(message.to == ["jeanne@example.fr"] for message in mail.outbox)
    assert_no_axe_violations(page)
    screenshot(page, "thanks")


def test_an_expired_link_shows_a_clear_page(page, live_server, link, assert_no_axe_violations, screenshot):
    SubmissionLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = page.goto(f"{live_server.url}/submit/{link.token}/")
    assert response.status == 410
    assert page.get_by_role("heading", level=1).inner_text() == "Ce lien a expiré"
    assert_no_axe_violations(page)
    screenshot(page, "expired")

    response = page.goto(f"{live_server.url}/submit/not-the-token/")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Ce lien ne fonctionne pas"


def test_staff_see_the_link_copy_it_and_regenerate_it(page, live_server, link, login, screenshot):
    StaffUserFactory(email="chef@atelier.example.fr")
    login(page, "chef@atelier.example.fr", PASSWORD)
    page.goto(f"{live_server.url}/admin/submissions/submissionlink/")
    field = page.get_by_label("Adresse du lien")
    assert field.input_value().endswith(f"/submit/{link.token}/")
    page.get_by_role("button", name="Copier le lien").click()
    expect(page.locator("[data-copy-status]")).not_to_have_text("")
    screenshot(page, "admin")

    page.get_by_role("link", name="Régénérer le lien…").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Oui, régénérer le lien").click()
    link.refresh_from_db()
    assert page.get_by_label("Adresse du lien").input_value().endswith(f"/submit/{link.token}/")
