"""A customer opens an order of the agenda by keyboard in its dialog (focus inside, Escape closes, focus
back on the line), then reads a figure in the statistics' table; axe finds nothing on either page."""

import datetime

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
    placed_at = datetime.datetime.combine(
        timezone.localdate(), datetime.time(12), tzinfo=timezone.get_default_timezone()
    )
    order = OrderFactory(
        account=user.account,
        name="Rentrée des classes",
        status=Order.Status.SUBMITTED,
        number="C2026-000042",
        submitted_at=placed_at,
        wished_delivery_date=timezone.localdate() + datetime.timedelta(days=10),
    )
    product = ProductFactory(account=user.account, title="Les Gravitations")
    LineFactory(
        basket=BasketFactory(order=order, company="Librairie du Turet", city="Lille"), product=product, quantity=437
    )
    return user


def test_agenda_dialog_by_keyboard_and_a_statistic_in_the_table(
    page, live_server, ana, login, assert_no_axe_violations, screenshot
):
    login(page, "ana@phare.fr", PASSWORD)
    page.goto(live_server.url + "/agenda/")
    assert_no_axe_violations(page)
    line = page.locator("a[data-dialog]").first
    line.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("dialog[open]")
    dialog.wait_for()
    assert "Librairie du Turet" in dialog.inner_text()
    assert dialog.evaluate("d => d.contains(document.activeElement)")
    for _ in range(4):  # Tab keeps the focus inside the dialog
        page.keyboard.press("Tab")
        assert dialog.evaluate("d => d.contains(document.activeElement)")
    assert_no_axe_violations(page)
    screenshot(page, "agenda-dialog")
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.querySelector('dialog[open]')")
    assert line.evaluate("link => link === document.activeElement")
    screenshot(page, "agenda-month")

    for view in ("year", "week", "day"):
        page.goto(f"{live_server.url}/agenda/?view={view}&layer=wished")
        assert_no_axe_violations(page)
        screenshot(page, f"agenda-{view}")

    page.goto(live_server.url + "/statistics/")
    assert_no_axe_violations(page)
    table = page.locator("#stats-copies table")
    month_row = table.locator("tbody tr").nth(timezone.localdate().month - 1)
    assert month_row.locator("td").nth(1).inner_text() == "437"
    assert table.locator("tfoot td").nth(1).inner_text() == "437"
    screenshot(page, "statistics")
