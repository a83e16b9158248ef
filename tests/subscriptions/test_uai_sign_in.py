"""A school signs in with its UAI code and password on the same page as everyone; named users with their e-mail."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    account = SchoolFactory(uai="0750655E", email="ce.0750655e@ac-paris.fr")
    login = UserFactory(account=account, email="CE.0750655E@ac-paris.fr".lower())
    named = UserFactory(account=account, email="gestionnaire@lycee.example.fr")
    return account, login, named


def sign_in(client, login, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": login, "password": password}, HTTP_ACCEPT_LANGUAGE="en")


def signed_in_as(client):
    from django.contrib.auth import get_user

    return get_user(client)


@pytest.mark.parametrize("typed", ["0750655E", "0750655e", " 075 0655 e "])
def test_the_uai_normalised_signs_in_the_establishment_login(client, school, typed):
    _account, login, _named = school
    response = sign_in(client, typed)
    assert response.status_code == 302
    assert signed_in_as(client) == login


def test_a_named_user_signs_in_with_their_email(client, school):
    response = sign_in(client, "gestionnaire@lycee.example.fr")
    assert response.status_code == 302
    assert signed_in_as(client) == school[2]


def test_a_wrong_check_letter_is_explained_next_to_the_field(client, school):
    response = sign_in(client, "0750655F")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["login"] == [
        "The check letter of the UAI code “0750655F” does not match its 7 digits: check the code."
    ]
    assert "does not match its 7 digits" in response.content.decode()
    assert not signed_in_as(client).is_authenticated


def test_something_that_is_neither_an_email_nor_a_uai_is_refused_next_to_the_field(client, school):
    response = sign_in(client, "lycee-victor-hugo")
    assert "login" in response.context["form"].errors
    assert not signed_in_as(client).is_authenticated


def test_a_wrong_password_with_a_uai_is_refused(client, school):
    response = sign_in(client, "0750655E", "not the password")
    assert response.status_code == 200
    assert not signed_in_as(client).is_authenticated


def test_an_unknown_uai_fails_like_a_wrong_password(client, school):
    unknown = sign_in(client, "0000001B", PASSWORD)  # 1 % 23 = 1 → B: a well-formed code of no account
    wrong_password = sign_in(client, "0750655E", "not the password")
    assert unknown.context["form"].non_field_errors() == wrong_password.context["form"].non_field_errors()
    assert not signed_in_as(client).is_authenticated


def test_a_school_without_an_establishment_login_cannot_sign_in_by_uai(client):
    account = SchoolFactory(uai="0750656F", email="")
    UserFactory(account=account, email="prof@lycee.example.fr")
    sign_in(client, "0750656F")
    assert not signed_in_as(client).is_authenticated


def test_signing_in_by_uai_keeps_the_visitors_cart(client, school):
    from subscriptions.models import Cart
    from tests.subscriptions.factories import OfferFactory

    client.post(reverse("subscriptions:cart_add"), {"offer": OfferFactory().pk, "quantity": 1})
    sign_in(client, "0750655E")
    assert Cart.objects.get().account == school[0]
