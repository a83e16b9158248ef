"""The error pages in Chromium: the portal's 404 for another account's order and the 500, accessible."""

import pytest

from tests.factories import PASSWORD, AccountFactory, OrderFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.portal.error_urls")]


@pytest.fixture(autouse=True)
def _production_like(settings):
    settings.DEBUG = False


def test_another_accounts_order_is_the_portals_404(
    page, live_server, login, assert_no_axe_violations, screenshot, transactional_db
):
    UserFactory(email="ana@phare.fr", account=AccountFactory(name="Éditions du Phare"))
    secret = OrderFactory(account=AccountFactory(name="Autre maison"), name="Catalogue secret")
    login(page, "ana@phare.fr", PASSWORD)

    page.goto(f"{live_server.url}/orders/")
    # Followed from one of our pages (a typed address sends no Referer, so no link back is offered).
    with page.expect_navigation() as navigation:
        page.evaluate("url => { window.location.href = url }", f"{live_server.url}/orders/{secret.pk}/")
    assert navigation.value.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page introuvable"
    assert page.title() == "Page introuvable · Colophon"
    assert "Catalogue secret" not in page.content()
    assert_no_axe_violations(page)
    screenshot(page, "404")
    page.set_viewport_size({"width": 375, "height": 740})
    screenshot(page, "404-mobile")

    with page.expect_navigation():
        page.get_by_role("link", name="Revenir à la page précédente").click()
    assert page.url == f"{live_server.url}/orders/"
    page.go_back()
    with page.expect_navigation():
        page.get_by_role("link", name="Retour à l’accueil").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Bienvenue, Éditions du Phare"


def test_the_500_page(page, live_server, assert_no_axe_violations, screenshot):
    response = page.goto(f"{live_server.url}/test-errors/500/")
    assert response.status == 500
    assert page.get_by_role("heading", level=1).inner_text() == "Une erreur est survenue"
    assert page.get_by_role("link", name="Retour à l’accueil").is_visible()
    assert_no_axe_violations(page)
    screenshot(page, "500")
