"""A client creates a subscriber and gives it a login; the subscriber chooses a password from the e-mail,
opens a claim; staff answer it in admin; the subscriber sees it closed. axe on every page of the space."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from subscriptions.models import Subscriber
from tests.factories import PASSWORD, AccountFactory, StaffUserFactory, UserFactory
from tests.subscribers.factories import subscription_for

pytestmark = pytest.mark.browser
SUBSCRIBER_PASSWORD = "une phrase de passe assez longue"


@pytest.fixture(autouse=True)
def _portal_url(settings, live_server):
    settings.PORTAL_BASE_URL = live_server.url


def _link(to: str, marker: str) -> str:
    message = next(m for m in reversed(mail.outbox) if m.to == [to])
    return re.search(rf"(http\S+{marker}\S+)", message.body).group(1)


def test_client_subscriber_claim_and_staff_answer(page, live_server, login, assert_no_axe_violations, screenshot):
    account = AccountFactory(name="Réseau des médiathèques")
    client_user = UserFactory(account=account, email="helene@reseau.test")
    staff = StaffUserFactory(is_superuser=True)
    mail.outbox.clear()

    # The client creates a subscriber with a login.
    login(page, client_user.email, PASSWORD)
    page.goto(f"{live_server.url}/subscribers/")
    assert_no_axe_violations(page)
    page.get_by_test_id("subscriber-new").click()
    assert_no_axe_violations(page)
    page.fill("#id_first_name", "Claire")
    page.fill("#id_last_name", "Dubois")
    page.fill("#id_company", "Médiathèque Jean-Lévy")
    page.fill("#id_line1", "32 rue Edouard-Delesalle")
    page.fill("#id_postcode", "590")  # wrong first: refused next to its field
    page.fill("#id_city", "Lille")
    page.fill("#id_email", "claire@mediatheque.test")
    page.locator("input[name=grant_login][value=yes]").check()
    page.get_by_test_id("subscriber-save").click()
    expect(page.locator(".field--invalid #id_postcode")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "form-error")
    page.fill("#id_postcode", "59 000")
    page.get_by_test_id("subscriber-save").click()
    expect(page.get_by_test_id("login-state")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "subscriber-page")
    subscriber = Subscriber.objects.get(account=account, last_name="Dubois")
    assert subscriber.postcode == "59000"
    subscription = subscription_for(subscriber)  # the shop activated its order meanwhile
    assert sorted(m.to[0] for m in mail.outbox) == ["claire@mediatheque.test", "helene@reseau.test"]
    page.context.clear_cookies()

    # The subscriber chooses a password with the link of the e-mail, then signs in.
    page.goto(_link("claire@mediatheque.test", "/subscribers/password/"))
    assert_no_axe_violations(page)
    page.fill("#id_new_password1", SUBSCRIBER_PASSWORD)
    page.fill("#id_new_password2", SUBSCRIBER_PASSWORD)
    page.get_by_test_id("set-password-form").locator("button").click()
    login(page, "claire@mediatheque.test", SUBSCRIBER_PASSWORD)
    expect(page.get_by_test_id(f"subscription-{subscription.pk}")).to_be_visible()
    assert_no_axe_violations(page)

    # …and opens a claim.
    page.get_by_test_id(f"claim-open-{subscription.pk}").click()
    page.select_option("#id_reason", "not_received")
    page.fill("#id_issue", "n° 112")
    page.fill("#id_body", "Le numéro 112 n’est pas arrivé.")
    assert_no_axe_violations(page)
    page.get_by_test_id("claim-send").click()
    expect(page.get_by_test_id("claim-status")).to_be_visible()
    assert_no_axe_violations(page)
    claim_url = page.url
    page.context.clear_cookies()

    # Staff answer in admin.
    login(page, staff.email, PASSWORD)
    page.goto(f"{live_server.url}/admin/subscribers/claim/")
    page.locator("#result_list tbody a").first.click()
    page.fill("#id_answer_body", "Un nouvel exemplaire part aujourd’hui.")
    page.get_by_test_id("claim-answer").click()
    expect(page.locator(".messagelist")).to_be_visible()
    screenshot(page, "admin-claim")
    assert "claire@mediatheque.test" in [m.to[0] for m in mail.outbox]
    page.context.clear_cookies()

    # The subscriber sees it closed, with the shop's answer in the thread.
    login(page, "claire@mediatheque.test", SUBSCRIBER_PASSWORD)
    page.goto(claim_url)
    expect(page.get_by_test_id("claim-status")).to_have_text(re.compile("Clos|Closed"))
    expect(page.get_by_test_id("claim-message")).to_have_count(2)
    assert_no_axe_violations(page)
    screenshot(page, "claim-closed")
    # And nothing of the client's: its list of subscribers is a 404 to this login.
    response = page.goto(f"{live_server.url}/subscribers/")
    assert response.status == 404
