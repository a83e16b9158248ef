"""Invitation → sign-up → activation → sign-in in a real browser, and an expired link replaced."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from contacts import services
from tests.factories import PASSWORD, AccountFactory, StaffUserFactory

pytestmark = pytest.mark.browser
NEW_PASSWORD = "un mot de passe assez long"


def link_in_last_mail(to: str, marker: str) -> str:
    message = next(m for m in reversed(mail.outbox) if m.to == [to])
    return re.search(rf"(http\S+{marker}\S+)", message.body).group(1)


@pytest.fixture(autouse=True)
def _portal_url(settings, live_server):
    settings.PORTAL_BASE_URL = live_server.url


def test_staff_invite_then_sign_up_activate_and_sign_in(page, live_server, login, assert_no_axe_violations, screenshot):
    staff = StaffUserFactory()
    account = AccountFactory(name="Éditions du Port")
    mail.outbox.clear()

    # Staff add the contact, review the e-mail, send it.
    login(page, staff.email, PASSWORD)
    page.goto(f"{live_server.url}/admin/contacts/user/add/")
    page.fill("#id_email", "nina@example.fr")
    page.fill("#id_first_name", "Nina")
    page.fill("#id_last_name", "Roux")
    page.evaluate(
        "(id) => { const s = document.querySelector('#id_account'); s.add(new Option('x', id, true, true)); }",
        str(account.pk),
    )
    page.locator("input[name=_save]").click()
    expect(page.locator("#contact-link")).to_have_value(re.compile(r"/contacts/invitation/"))
    screenshot(page, "admin-review")
    page.get_by_role("button", name="Envoyer l’e-mail").click()
    expect(page.locator(".messagelist")).to_contain_text("nina@example.fr")
    page.context.clear_cookies()

    # The person opens the invitation: the page shows a form, nothing is consumed.
    invitation = link_in_last_mail("nina@example.fr", "/contacts/invitation/")
    page.goto(invitation)
    expect(page.get_by_role("heading", name="Créez votre identifiant")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "sign-up")
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.locator("#id_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Créer mon identifiant").click()
    expect(page.get_by_role("heading", name="Votre identifiant est créé")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "sign-up-done")

    # Used link: a clear page.
    page.goto(invitation)
    expect(page.get_by_role("heading", name="Ce lien ne fonctionne plus")).to_be_visible()

    # Activation link: GET shows a button, the POST activates.
    page.goto(link_in_last_mail("nina@example.fr", "/contacts/activation/"))
    assert_no_axe_violations(page)
    screenshot(page, "activation")
    page.get_by_role("button", name="Activer mon compte").click()
    expect(page.get_by_text("Votre compte est actif")).to_be_visible()

    login(page, "nina@example.fr", NEW_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")
    screenshot(page, "signed-in")


def test_expired_link_then_a_fresh_one(page, live_server, assert_no_axe_violations, screenshot):
    contact = services.contact_create(email="leo@example.fr", account=AccountFactory(), first_name="Léo")
    contact.link_issued_at = timezone.now() - timedelta(hours=13)
    contact.save(update_fields=["link_issued_at"])
    from contacts import selectors

    mail.outbox.clear()
    page.goto(selectors.contact_invitation_url(contact=contact))
    expect(page.get_by_role("heading", name="Ce lien ne fonctionne plus")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "expired")
    page.get_by_label("Adresse e-mail").fill("leo@example.fr")
    page.get_by_role("button", name="M’envoyer un nouveau lien").click()
    expect(page.get_by_role("heading", name="Consultez votre messagerie")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "fresh-link-requested")

    page.goto(link_in_last_mail("leo@example.fr", "/contacts/invitation/"))
    expect(page.get_by_role("heading", name="Créez votre identifiant")).to_be_visible()
