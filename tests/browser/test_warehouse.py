"""My shipping addresses and My library in the browser: the customer searches the address book as they
type, "+" adds a basket going to the entry to the current order, and the library finds a product by a
file's words and its ISBN-10; axe finds nothing on the pages."""

import pytest
from django.utils import timezone

from orders import counters
from orders.models import Address, Order, ShippingBasket
from tests.factories import PASSWORD, AccountFactory, OrderFactory, UserFactory
from tests.library.factories import ProductFactory
from tests.orders.factories import AddressFactory, BasketFactory, LineFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ana(transactional_db):
    user = UserFactory(email="ana@phare.fr", account=AccountFactory(name="Éditions du Phare"))
    account = user.account
    turet = AddressFactory(
        account=account, company="Librairie du Turet", line1="1 rue Nationale", postcode="59000", city="Lille"
    )
    AddressFactory(account=account, company="Librairie Dialogues", postcode="29200", city="Brest")
    AddressFactory(company="Le Turet d’un autre compte", city="Lille")
    order = OrderFactory(
        account=account,
        name="Rentrée",
        status=Order.Status.SUBMITTED,
        number="C2026-000042",
        submitted_at=timezone.now(),
    )
    basket = BasketFactory(order=order, address=turet, company=turet.company, city="Lille", postcode="59000")
    gravitations = ProductFactory(account=account, title="Les Gravitations", isbn="9782070300365")
    ProductFactory(account=account, title="Marées d’équinoxe")
    LineFactory(basket=basket, product=gravitations, quantity=120)
    counters.order_products_recount(order.pk)
    counters.addresses_recount([turet.pk])
    Address.objects.filter(pk=turet.pk).update(last_used_at=timezone.now())
    OrderFactory(account=account, name="Brouillon d’automne")
    return user


def test_address_book_search_and_plus(page, live_server, ana, login, assert_no_axe_violations, screenshot):
    login(page, "ana@phare.fr", PASSWORD)
    page.goto(live_server.url + "/warehouse/addresses/")
    assert page.locator("#best-addresses-title + ol li").count() == 1  # the one used in a basket
    assert_no_axe_violations(page)
    field = page.locator("#address-q")
    field.focus()
    page.keyboard.type("turet lil", delay=20)
    page.wait_for_function("() => document.querySelectorAll('[data-address-row]').length === 1")
    assert "Librairie du Turet" in page.locator("#address-results").inner_text()
    assert "autre compte" not in page.locator("#address-results").inner_text()
    assert "q=turet" in page.url
    assert_no_axe_violations(page)
    screenshot(page, "warehouse-addresses")

    with page.expect_navigation():
        page.locator("#address-results [data-address-plus]").click()
    basket = ShippingBasket.objects.get(order__status="draft")
    assert basket.order.name == "Brouillon d’automne" and basket.company == "Librairie du Turet"
    assert f"/orders/baskets/{basket.pk}/products/" in page.url


def test_library_search_by_title_file_and_isbn(page, live_server, ana, login, assert_no_axe_violations, screenshot):
    login(page, "ana@phare.fr", PASSWORD)
    page.goto(live_server.url + "/library/")
    best = page.locator("#best-title + ul").inner_text()
    assert "Les Gravitations" in best and "120" in best
    assert_no_axe_violations(page)
    page.fill("#library-search", "2-07-030036-6")  # the ISBN-10 of the ISBN-13 stored
    with page.expect_navigation():
        page.press("#library-search", "Enter")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1 and "Les Gravitations" in rows.first.inner_text()
    page.fill("#library-search", "gravit")
    with page.expect_navigation():
        page.press("#library-search", "Enter")
    assert page.locator("table tbody tr").count() == 1
    assert_no_axe_violations(page)
    with page.expect_navigation():
        page.locator("table tbody tr a").first.click()
    orders = page.locator("#product-orders-title + p + .table-wrap")
    assert "C2026-000042" in orders.inner_text()
    assert_no_axe_violations(page)
    screenshot(page, "warehouse-product-orders")
