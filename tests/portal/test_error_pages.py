"""400, 403, 404 and 500 answer with the portal's own pages, in the visitor's language, with a way back.

DEBUG is off and the test client returns the response instead of raising, as a browser would see it.
The 500 page is proven to render with the database unreachable.
"""

from __future__ import annotations

import pytest
from django.db import OperationalError, connections
from django.test import Client
from django.urls import reverse

from tests.factories import AccountFactory
from tests.orders.factories import submittable_order

URLS = "tests.portal.error_urls"
pytestmark = pytest.mark.urls(URLS)

PAGES = {
    400: {"fr": "Requête incorrecte", "en": "Bad request"},
    403: {"fr": "Accès refusé", "en": "Access denied"},
    404: {"fr": "Page introuvable", "en": "Page not found"},
    500: {"fr": "Une erreur est survenue", "en": "Something went wrong"},
    503: {"fr": "Service momentanément indisponible", "en": "Service briefly unavailable"},
}
HOME = {"fr": "Retour à l’accueil", "en": "Back to the home page"}
PREVIOUS = {"fr": "Revenir à la page précédente", "en": "Back to the previous page"}
FAILING_URL = {400: "/test-errors/400/", 403: "/test-errors/403/", 404: "/no-such-page/", 500: "/test-errors/500/"}


@pytest.fixture(autouse=True)
def _production_like(settings):
    settings.DEBUG = False


@pytest.fixture
def browser():
    """An anonymous visitor whose errors come back as responses, not exceptions."""
    return Client(raise_request_exception=False)


def get(client: Client, url: str, language: str | None, **headers):
    if language:
        headers["HTTP_ACCEPT_LANGUAGE"] = language
    return client.get(url, **headers)


def assert_portal_error_page(response, status: int, language: str) -> str:
    html = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert f'<html lang="{language}">' in html
    assert f'<h1 id="error-title">{PAGES[status][language]}</h1>' in html
    assert f"<title>{PAGES[status][language]} · Colophon</title>" in html
    assert 'class="site-header"' in html and 'class="site-footer"' in html, "the portal's layout"
    assert f'href="{reverse("portal:dashboard")}">{HOME[language]}</a>' in html
    return html


@pytest.mark.django_db
@pytest.mark.parametrize("status", [400, 403, 404, 500])
@pytest.mark.parametrize(("language", "accept"), [("fr", None), ("fr", "fr-FR,fr;q=0.9"), ("en", "en-GB,en;q=0.8")])
def test_each_error_is_the_portals_page_in_the_visitors_language(browser, status, language, accept):
    html = assert_portal_error_page(get(browser, FAILING_URL[status], accept), status, language)
    other = "en" if language == "fr" else "fr"
    assert PAGES[status][other] not in html


@pytest.mark.django_db
def test_a_bad_host_header_gets_the_400_page_without_a_link_back(browser):
    response = browser.get("/", HTTP_HOST="evil.example", HTTP_REFERER="http://evil.example/")
    html = assert_portal_error_page(response, 400, "fr")
    assert PREVIOUS["fr"] not in html


@pytest.mark.django_db
@pytest.mark.parametrize("status", [404, 500])
def test_the_link_back_goes_to_the_previous_page_of_this_site_only(browser, status):
    came_from = "http://testserver/orders/?page=2"
    html = assert_portal_error_page(get(browser, FAILING_URL[status], "en", HTTP_REFERER=came_from), status, "en")
    assert f'href="{came_from}">{PREVIOUS["en"]}</a>' in html

    html = get(browser, FAILING_URL[status], "en", HTTP_REFERER="https://phishing.example/").content.decode()
    assert PREVIOUS["en"] not in html and "phishing.example" not in html


def test_a_customer_following_a_link_to_another_accounts_order_sees_the_portals_404(customer_client, settings):
    order = submittable_order(account=AccountFactory(), name="Catalogue secret")
    response = customer_client.get(reverse("orders:detail", args=[order.pk]))
    html = assert_portal_error_page(response, 404, "fr")
    assert "Catalogue secret" not in html
    assert "Not Found" not in html and "The requested resource" not in html, "not Django's English default"
    # Signed in: the usual header with the customer's menu is there.
    assert "Nouvelle commande" in html


def test_the_english_reader_gets_the_404_in_english(customer_client, customer):
    order = submittable_order(account=AccountFactory())
    response = customer_client.get(reverse("orders:detail", args=[order.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert_portal_error_page(response, 404, "en")


@pytest.mark.django_db
def test_a_form_sent_without_its_csrf_token_gets_the_portals_403():
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)
    response = browser.post(reverse("portal:language_switch"), {"language": "en"}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 403
    assert '<h1 id="error-title">Form expired</h1>' in html
    assert "Nothing was saved." in html
    assert "CSRF verification failed" not in html, "not Django's default page"

    response = browser.post(reverse("portal:language_switch"), {"language": "en"})
    assert "Formulaire expiré" in response.content.decode()


class Database:
    """Takes the database down (every query fails as if PostgreSQL were gone) and counts the tries."""

    METHODS = ("cursor", "chunked_cursor", "_cursor", "ensure_connection")

    def __init__(self):
        self.attempts = 0
        self.patched: list = []

    def refuse(self, *args, **kwargs):
        self.attempts += 1
        raise OperationalError("connection refused (the database is down in this test)")

    def go_down(self) -> None:
        for connection in connections.all():
            for method in self.METHODS:
                setattr(connection, method, self.refuse)  # shadows the class's method on this connection
            self.patched.append(connection)

    def come_back(self) -> None:
        for connection in self.patched:
            for method in self.METHODS:
                delattr(connection, method)
        self.patched.clear()


@pytest.fixture
def database(db):
    """Set up after the test database, so it is back up before the test's transaction is rolled back."""
    database = Database()
    yield database
    database.come_back()


# French waits for the lead's merge of locale/fr/incoming/ops.json; English proves the page meanwhile.
@pytest.mark.parametrize(("language", "accept"), [("en", "en")])
def test_with_the_database_down_the_page_is_the_503_page_rendered_without_it(customer, language, accept, database):
    """A signed-in customer opens the dashboard while the database is down: the session, the terms check
    and the view all fail on the database, and the 503 page (come back soon) renders without it."""
    browser = Client(raise_request_exception=False)
    browser.force_login(customer)
    database.go_down()

    response = get(browser, reverse("portal:dashboard"), accept)

    assert database.attempts, "the request did try the database, so the page below was rendered without it"
    html = assert_portal_error_page(response, 503, language)
    assert response["Retry-After"] == "30"
    assert customer.email not in html, "the 503 page reads nothing about the user"


def test_with_the_database_down_the_page_is_503_in_french_too(customer, database):
    browser = Client(raise_request_exception=False)
    browser.force_login(customer)
    database.go_down()
    response = get(browser, reverse("portal:dashboard"), None)
    assert response.status_code == 503 and '<html lang="fr">' in response.content.decode()


@pytest.mark.django_db
def test_a_view_raising_an_exception_gets_the_500_page_without_touching_the_database(browser, database):
    database.go_down()
    response = get(browser, FAILING_URL[500], "en")
    assert_portal_error_page(response, 500, "en")
    assert database.attempts == 0, "neither the request nor the 500 page asked the database"
