"""A customer searches as they type, moves through the results with the keyboard and opens one; axe
finds nothing on the page, empty or with results."""

import pytest
from django.utils import timezone

from orders.models import Order
from tests.factories import PASSWORD, AccountFactory, OrderFactory, UserFactory
from tests.library.factories import ProductFactory
from tests.orders.factories import BasketFactory, LineFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ana(transactional_db):
    user = UserFactory(email="ana@phare.fr", account=AccountFactory(name="Éditions du Phare"))
    order = OrderFactory(
        account=user.account,
        name="Rentrée des classes",
        status=Order.Status.SUBMITTED,
        number="C2026-000042",
        submitted_at=timezone.now(),
    )
    product = ProductFactory(account=user.account, title="Les Gravitations")
    LineFactory(basket=BasketFactory(order=order, company="Librairie du Turet", city="Lille"), product=product)
    return user


def test_results_appear_as_the_customer_types(page, live_server, ana, login, assert_no_axe_violations):
    login(page, "ana@phare.fr", PASSWORD)
    page.goto(live_server.url + "/search/")
    assert_no_axe_violations(page)
    field = page.locator("#search-q")
    field.focus()
    page.keyboard.type("gravit lille", delay=20)
    page.wait_for_selector("[data-search-result]")
    assert page.locator("[data-search-result]").count() == 2  # the basket and its order
    assert "q=gravit" in page.url  # the address follows, for back and for sharing
    assert_no_axe_violations(page)

    page.keyboard.press("ArrowDown")
    first = page.locator("[data-search-result]").first
    assert first.evaluate("link => link === document.activeElement")
    page.keyboard.press("ArrowUp")
    assert field.evaluate("input => input === document.activeElement")

    field.fill("")
    page.keyboard.type("introuvable", delay=20)
    page.wait_for_function("() => !document.querySelector('[data-search-result]')")
    assert_no_axe_violations(page)

    field.fill("")
    page.keyboard.type("c2026-000042", delay=20)
    page.wait_for_selector("[data-search-result]")
    page.keyboard.press("ArrowDown")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/orders/" in page.url
