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
    assert page.locator("[data-search-result]").count() == 1  # the basket (its order is in its row)
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


def test_the_overlay_adds_a_result_to_a_new_basket_then_to_an_existing_one(
    page, live_server, ana, login, assert_no_axe_violations, screenshot
):
    login(page, "ana@phare.fr", PASSWORD)
    page.goto(live_server.url + "/")
    opener = page.locator("[data-search-open]")
    opener.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("#search-dialog")
    dialog.wait_for(state="visible")
    page.wait_for_selector("#search-dialog #search-q")
    assert page.evaluate("() => document.activeElement.id") == "search-q"
    assert page.url == live_server.url + "/"  # an overlay: the page stays where it was
    page.keyboard.type("turet", delay=20)
    page.wait_for_selector("#search-dialog [data-search-result]")
    assert_no_axe_violations(page)
    screenshot(page, "search-overlay")
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert opener.evaluate("link => link === document.activeElement")  # the focus is back

    # again, and this time: the first result, its first action reached by Tab, a new basket
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-dialog #search-q")
    page.keyboard.type("gravit", delay=20)
    page.wait_for_selector("#search-dialog [data-search-result]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.matches('[data-search-new-basket]')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/baskets/" in page.url
    draft = Order.objects.get(account=ana.account, status=Order.Status.DRAFT)
    assert [basket.company for basket in draft.baskets.all()] == ["Librairie du Turet"]
    assert_no_axe_violations(page)

    # then into the basket that now exists, from the search page itself (no JavaScript needed there)
    page.goto(live_server.url + "/search/?q=gravitations")
    page.locator("[data-search-add]").first.click()
    page.wait_for_selector("input[name=into]")
    assert_no_axe_violations(page)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/baskets/")
    line = draft.baskets.get().lines.get()
    assert line.quantity == 10  # the 5 copies last ordered, twice
