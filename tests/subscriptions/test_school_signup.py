"""The checkout gate: a visitor validating a cart signs in or creates the establishment's account (found in
the directory), activates it by a 12-hour link and lands on the checkout with the same cart."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contacts.models import Account, User
from subscriptions.models import Cart, CartLine, EstablishmentRequest
from tests.factories import SchoolFactory, UserFactory
from tests.subscriptions.support import PUBLIC_UAI, directory_row, fill_cart, link_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    """Asked in English: the French of these pages arrives with the lead's merge of the translations."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


DETAILS = {
    "uai": PUBLIC_UAI,
    "first_name": "Agnès",
    "last_name": "Varda",
    "email": "intendance@lycee-ferry.example.fr",
    "phone": "01 23 45 67 89",
    "password1": "Un mot de passe très long 42",
    "password2": "Un mot de passe très long 42",
}


def test_the_gate_offers_sign_in_or_account_creation(client):
    fill_cart(client)
    page = client.get(reverse("subscriptions:checkout_gate"))
    html = page.content.decode()
    assert page.status_code == 200
    assert reverse("subscriptions:signup") in html
    assert "next=%2Fsubscriptions%2Fcheckout%2F" in html


def test_a_signed_in_school_goes_straight_to_the_checkout(client):
    client.force_login(UserFactory(account=SchoolFactory()))
    fill_cart(client)
    response = client.get(reverse("subscriptions:checkout_gate"))
    assert response.status_code == 302 and response["Location"] == reverse("subscriptions:checkout")


def test_an_expired_or_empty_cart_is_said_at_the_gate(client):
    fill_cart(client)
    Cart.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = client.get(reverse("subscriptions:checkout_gate"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("subscriptions:cart")
    assert "expired" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"uai": "0750655A"}, "check letter"),
        ({"uai": "0750656F"}, "is not in the directory"),
        ({"uai": "75"}, "7 digits"),
        ({"name": "Ferry"}, "the name and the town"),
    ],
)
def test_find_errors_are_next_to_the_field(client, query, message):
    directory_row()
    page = client.get(reverse("subscriptions:signup"), query)
    html = page.content.decode()
    assert message in html, html
    if "uai" in query and query["uai"] != "75":
        assert 'class="field field--invalid"' in html


def test_an_establishment_with_an_account_is_told_to_sign_in(client):
    directory_row()
    SchoolFactory(uai=PUBLIC_UAI)
    html = client.get(reverse("subscriptions:signup"), {"uai": PUBLIC_UAI}).content.decode()
    assert "already has an account" in html


def test_find_by_name_and_town(client):
    directory_row()
    directory_row("0753217P", name="Collège Colette", city="Lyon")
    html = client.get(reverse("subscriptions:signup"), {"name": "jules ferry", "town": "paris"}).content.decode()
    assert "Lycée Jules Ferry" in html and "Collège Colette" not in html
    assert f"?uai={PUBLIC_UAI}" in html


def test_find_by_uai_leads_to_the_details(client):
    directory_row()
    response = client.get(reverse("subscriptions:signup"), {"uai": " 0750655e "})
    assert response.status_code == 302 and response["Location"].endswith(f"?uai={PUBLIC_UAI}")


def test_account_creation_activation_and_checkout_with_the_same_cart(
    client, outbox, django_capture_on_commit_callbacks
):
    directory_row()
    offers = fill_cart(client, offers=2)
    cart = Cart.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("subscriptions:signup_details"), DETAILS)
    assert response.status_code == 302 and response["Location"] == reverse("subscriptions:signup_sent")
    account = Account.objects.get(uai=PUBLIC_UAI)
    assert account.kind == "school" and account.name == "Lycée Jules Ferry" and account.email == DETAILS["email"]
    user = User.objects.get(email=DETAILS["email"])
    assert user.state == "inactive" and not user.is_active and user.account == account
    cart.refresh_from_db()
    assert cart.account == account  # the cart is the account's now
    (message,) = outbox
    assert message.to == [DETAILS["email"]] and "12" in message.body
    link = link_in(message, "/subscriptions/establishment/activate/")

    other_browser = client.__class__(HTTP_ACCEPT_LANGUAGE="en")
    confirm = other_browser.get(link)
    assert confirm.status_code == 200 and "Lycée Jules Ferry" in confirm.content.decode()
    user.refresh_from_db()
    assert user.state == "inactive"  # a GET consumes nothing (mail scanners)
    done = other_browser.post(link)
    assert done.status_code == 302 and done["Location"] == reverse("subscriptions:checkout")
    user.refresh_from_db()
    assert user.state == "active" and user.is_active
    checkout = other_browser.get(done["Location"])
    assert checkout.status_code == 200
    html = checkout.content.decode()
    assert all(offer.name_en in html for offer in offers)  # the checkout shows the cart the visitor filled
    assert CartLine.objects.filter(cart__account=account).count() == 2
    # The link works once.
    assert other_browser.post(link).status_code == 410
    # And the establishment signs in with its UAI and the password chosen.
    fresh = client.__class__()
    signed = fresh.post(reverse("account_login"), {"login": PUBLIC_UAI, "password": DETAILS["password1"]})
    assert signed.status_code == 302


def test_an_expired_activation_link_is_refused_and_a_new_one_can_be_asked(
    client, outbox, django_capture_on_commit_callbacks
):
    directory_row()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("subscriptions:signup_details"), DETAILS)
    link = link_in(outbox[-1], "/subscriptions/establishment/activate/")
    User.objects.filter(email=DETAILS["email"]).update(link_issued_at=timezone.now() - datetime.timedelta(hours=13))
    page = client.get(link)
    assert page.status_code == 410 and "12 hours" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("subscriptions:activation_resend"), {"email": DETAILS["email"]})
    fresh = link_in(outbox[-1], "/subscriptions/establishment/activate/")
    assert fresh != link and client.get(fresh).status_code == 200


def test_a_forged_activation_link_is_refused(client):
    response = client.get(reverse("subscriptions:signup_activate", args=["MTIz", "forged-token"]))
    assert response.status_code == 410


def test_details_errors_stay_next_to_their_fields(client):
    directory_row()
    UserFactory(email=DETAILS["email"])
    page = client.post(reverse("subscriptions:signup_details"), {**DETAILS, "password2": "autre chose"})
    html = page.content.decode()
    assert page.status_code == 200 and "The two passwords differ" in html
    page = client.post(reverse("subscriptions:signup_details"), DETAILS)
    assert "already exists" in page.content.decode()
    assert not Account.objects.filter(uai=PUBLIC_UAI).exists()  # nothing half-saved


def test_details_of_an_unknown_uai_go_back_to_the_search(client):
    response = client.get(reverse("subscriptions:signup_details"), {"uai": "0750656F"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("subscriptions:signup"))


def test_an_establishment_outside_the_directory_sends_a_request(
    client, outbox, django_capture_on_commit_callbacks, settings
):
    data = {
        "name": "École du Bout du Monde",
        "uai": "",
        "street": "1 chemin des Dunes",
        "postcode": "29242",
        "city": "Ouessant",
        "contact_name": "Yann Le Gall",
        "email": "direction@ecole-ouessant.example.fr",
        "phone": "",
        "message": "Nouvelle école, pas encore de code.",
    }
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("subscriptions:establishment_request"), data)
    assert page.status_code == 200
    request = EstablishmentRequest.objects.get()
    assert request.city == "Ouessant"
    assert outbox[-1].to == [settings.SHOP_EMAIL] and "Ouessant" in outbox[-1].body


def test_staff_see_the_account_requests_and_mark_them_answered(client, staff_user):
    request = EstablishmentRequest.objects.create(
        name="École du Bout du Monde",
        street="1 chemin des Dunes",
        postcode="29242",
        city="Ouessant",
        contact_name="Yann Le Gall",
        email="direction@ecole-ouessant.example.fr",
    )
    client.force_login(staff_user)
    changelist = reverse("admin:subscriptions_establishmentrequest_changelist")
    assert "Ouessant" in client.get(changelist, {"answered": "no"}).content.decode()
    client.post(changelist, {"action": "mark_answered", "_selected_action": [request.pk]})
    request.refresh_from_db()
    assert request.answered_at is not None
    assert "Ouessant" not in client.get(changelist, {"answered": "no"}).content.decode()


def test_the_request_form_checks_a_given_uai(client):
    page = client.post(reverse("subscriptions:establishment_request"), {"name": "X", "uai": "0750655A"})
    assert "check letter" in page.content.decode() and not EstablishmentRequest.objects.exists()


def test_activation_links_are_limited_per_address(outbox, django_capture_on_commit_callbacks):
    from subscriptions import school_access
    from tests.contacts.factories import InactiveContactFactory

    user = InactiveContactFactory(account=SchoolFactory(), link_issued_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(school_access.RESET_LIMIT + 3):
            school_access.school_activation_resend(email=user.email)
    assert len(outbox) == school_access.RESET_LIMIT


def test_the_search_by_name_keeps_its_query_count(client, django_assert_num_queries):
    from subscriptions.directory.generate import uai_for

    def rows(start, count):
        for index in range(start, start + count):
            directory_row(uai_for(index, "75"), name=f"Lycée Jules Ferry {index}", city="Paris")

    rows(0, 3)
    query = {"name": "jules ferry", "town": "paris"}
    client.get(reverse("subscriptions:signup"), query)
    with CaptureQueriesContext(connection) as baseline:
        client.get(reverse("subscriptions:signup"), query)
    assert len(baseline) > 0
    rows(3, 40)
    with django_assert_num_queries(len(baseline)):
        page = client.get(reverse("subscriptions:signup"), query)
    assert len(page.context["results"]) == 20
