"""A customer signs in, switches language, signs out and resets a forgotten password, in Chromium."""

import re

import pytest
from django.core import mail

from tests.factories import PASSWORD, AccountFactory, OrderFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ana(transactional_db):
    return UserFactory(email="ana@phare.fr", first_name="Ana", account=AccountFactory(name="Éditions du Phare"))


def test_sign_in_dashboard_and_sign_out(page, live_server, ana, login, assert_no_axe_violations, screenshot):
    OrderFactory(account=ana.account, name="Recueil de printemps")
    page.goto(live_server.url + "/")
    assert "/accounts/login/" in page.url
    assert_no_axe_violations(page)
    screenshot(page, "login")

    login(page, "ana@phare.fr", PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == "Bienvenue, Éditions du Phare"
    assert page.get_by_text("Vous avez une commande en cours.").is_visible()
    assert page.get_by_role("button", name="Commencer une nouvelle commande").is_visible()
    assert page.get_by_role("link", name="Demander un devis").first.is_visible()
    assert_no_axe_violations(page)
    screenshot(page, "dashboard")

    page.locator(".account-menu summary").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Se déconnecter").click()
    assert page.get_by_role("heading", level=1).count() >= 1
    page.goto(live_server.url + "/")
    assert "/accounts/login/" in page.url


def test_wrong_password_shows_a_message(page, live_server, ana, login, assert_no_axe_violations):
    login(page, "ana@phare.fr", "not-the-password")
    assert page.get_by_role("alert").is_visible()
    assert "incorrect" in page.get_by_role("alert").inner_text()
    assert_no_axe_violations(page)


def test_language_switch_is_remembered(page, live_server, ana, login, assert_no_axe_violations, screenshot):
    login(page, "ana@phare.fr", PASSWORD)
    with page.expect_navigation():
        page.get_by_label("Langue").select_option("en")
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Éditions du Phare"
    assert page.locator("html").get_attribute("lang") == "en"
    page.reload()
    assert page.get_by_role("link", name="My digital warehouse").is_visible()
    assert_no_axe_violations(page)
    screenshot(page, "dashboard-en")
    ana.refresh_from_db()
    assert ana.language == "en"


def test_password_reset_from_the_emailed_link(page, live_server, ana, login, assert_no_axe_violations, screenshot):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    assert_no_axe_violations(page)
    screenshot(page, "reset-request")
    page.get_by_label("Courriel").fill("ana@phare.fr")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Réinitialiser")).click()
    assert_no_axe_violations(page)

    (message,) = mail.outbox
    assert message.to == ["ana@phare.fr"]
    link = re.search(r"http://\S+/accounts/password/reset/key/\S+", message.body).group(0)
    page.goto(link)
    assert_no_axe_violations(page)
    screenshot(page, "reset-new-password")
    page.locator("#id_password1").fill("Une-nouvelle-phrase-2026")
    page.locator("#id_password2").fill("Une-nouvelle-phrase-2026")
    with page.expect_navigation():
        page.get_by_role("button", name="Modifier le mot de passe").click()
    assert_no_axe_violations(page)

    login(page, "ana@phare.fr", "Une-nouvelle-phrase-2026")
    assert page.get_by_role("heading", level=1).inner_text() == "Bienvenue, Éditions du Phare"


def test_phone_layout_folds_the_navigation(page, live_server, ana, login, screenshot):
    page.set_viewport_size({"width": 390, "height": 800})
    login(page, "ana@phare.fr", PASSWORD)
    nav_link = page.get_by_role("link", name="Nouvelle commande")
    assert not nav_link.is_visible()
    page.get_by_role("button", name="Menu").click()
    assert nav_link.is_visible()
    screenshot(page, "dashboard-phone")
