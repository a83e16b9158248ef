"""Granting and removing a subscriber's login; what a subscriber signed in sees."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from contacts.models import User, UserSession
from portal.access import Reader, forget_scope, scope_for_user
from subscribers import services
from subscribers.models import Claim, SubscriberLogin
from subscriptions.models import Subscription
from tests.factories import AccountFactory

from .factories import form_data, subscriber_for, subscription_for

pytestmark = pytest.mark.django_db


def _grant(client, subscriber, captured):
    data = form_data(
        **{name: getattr(subscriber, name) for name in services.SUBSCRIBER_FIELDS if name != "country"},
        grant_login="yes",
    )
    with captured(execute=True):
        response = client.post(reverse("subscribers:edit", args=[subscriber.pk]), data)
    assert response.status_code == 302
    return response


def test_yes_creates_the_login_and_sends_two_emails_without_a_password(
    customer_client, customer, outbox, django_capture_on_commit_callbacks
):
    subscriber = subscriber_for(customer.account)
    _grant(customer_client, subscriber, django_capture_on_commit_callbacks)
    login = SubscriberLogin.objects.get(subscriber=subscriber)
    assert login.user.is_subscriber and login.user.email == subscriber.email
    assert not login.user.has_usable_password()
    assert sorted(message.to[0] for message in outbox) == sorted([customer.email, subscriber.email])
    welcome = next(message for message in outbox if message.to == [subscriber.email])
    assert subscriber.email in welcome.body
    assert re.search(r"/subscribers/password/[^/]+/[^/]+/", welcome.body)


def test_the_set_password_link_works_once(client, customer, outbox, django_capture_on_commit_callbacks):
    subscriber = subscriber_for(customer.account)
    with django_capture_on_commit_callbacks(execute=True):
        from django.db import transaction

        with transaction.atomic():
            services.login_grant(subscriber=subscriber, by=customer)
    welcome = next(message for message in outbox if message.to == [subscriber.email])
    path = re.search(r"(/subscribers/password/[^/\s]+/[^/\s]+/)", welcome.body)[1]
    assert client.get(path).status_code == 200
    response = client.post(path, {"new_password1": "Une-phrase-longue-42", "new_password2": "Une-phrase-longue-42"})
    assert response.status_code == 302
    user = User.objects.get(email=subscriber.email)
    assert user.check_password("Une-phrase-longue-42")
    assert client.get(path).status_code == 404  # used


def test_no_email_no_access_and_the_reason_is_said(customer_client, customer):
    subscriber = subscriber_for(customer.account, email="")
    html = customer_client.get(reverse("subscribers:edit", args=[subscriber.pk])).content.decode()
    assert 'name="grant_login"' not in html
    assert 'data-testid="no-login-reason"' in html


def test_no_removes_the_login_and_ends_its_sessions(customer_client, customer, django_capture_on_commit_callbacks):
    from django.test import Client

    subscriber = subscriber_for(customer.account)
    _grant(customer_client, subscriber, django_capture_on_commit_callbacks)
    user = SubscriberLogin.objects.get(subscriber=subscriber).user
    own = Client()
    own.force_login(user)
    from contacts.services import user_session_record

    user_session_record(user=user, session_key=own.session.session_key)
    assert own.get(reverse("subscribers:space")).status_code == 200
    data = form_data(
        **{name: getattr(subscriber, name) for name in services.SUBSCRIBER_FIELDS if name != "country"},
        grant_login="no",
    )
    assert customer_client.post(reverse("subscribers:edit", args=[subscriber.pk]), data).status_code == 302
    assert not SubscriberLogin.objects.filter(subscriber=subscriber).exists()
    user.refresh_from_db()
    assert not user.is_active
    assert not UserSession.objects.filter(user=user).exists()
    response = own.get(reverse("subscribers:space"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_login_given_again_reuses_the_identifier(customer, django_capture_on_commit_callbacks):
    from django.db import transaction

    subscriber = subscriber_for(customer.account)
    with transaction.atomic():
        first = services.login_grant(subscriber=subscriber, by=customer).user
    services.login_remove(subscriber=subscriber, by=customer)
    with transaction.atomic():
        again = services.login_grant(subscriber=subscriber, by=customer).user
    assert again.pk == first.pk and again.is_active


def test_a_client_cannot_give_a_login_to_another_accounts_subscriber(customer):
    other = subscriber_for(AccountFactory())
    with pytest.raises(services.SubscriberRefused):
        services.login_grant(subscriber=other, by=customer)
    assert not SubscriberLogin.objects.exists()


def test_an_email_that_already_signs_in_is_refused(customer):
    subscriber = subscriber_for(customer.account, email=customer.email)
    with pytest.raises(services.SubscriberRefused):
        services.login_grant(subscriber=subscriber, by=customer)


def test_the_list_says_who_has_a_login(customer_client, customer, django_capture_on_commit_callbacks):
    subscriber = subscriber_for(customer.account)
    _grant(customer_client, subscriber, django_capture_on_commit_callbacks)
    response = customer_client.get(reverse("subscribers:list") + "?filter=login")
    assert [s.pk for s in response.context["page"].rows] == [subscriber.pk]
    assert gettext("This subscriber has an access to the portal.") in customer_client.get(
        reverse("subscribers:detail", args=[subscriber.pk])
    ).content.decode().replace("&#x27;", "'")


def test_a_subscriber_sees_only_its_own_subscriptions_and_claims(client, customer):
    mine = subscriber_for(customer.account)
    theirs = subscriber_for(customer.account, last_name="Autre", email="autre@x.test")
    own_subscription = subscription_for(mine)
    their_subscription = subscription_for(theirs)
    own_claim = Claim.objects.create(
        account=customer.account, subscriber=mine, subscription=own_subscription, reason="other"
    )
    their_claim = Claim.objects.create(
        account=customer.account, subscriber=theirs, subscription=their_subscription, reason="other"
    )
    from django.db import transaction

    with transaction.atomic():
        user = services.login_grant(subscriber=mine, by=customer).user
    forget_scope(user)
    scope = scope_for_user(user)
    assert scope.reader == Reader.SUBSCRIBER and scope.subscriber_id == mine.pk
    assert list(Subscription.objects.visible_to(scope)) == [own_subscription]
    assert list(Claim.objects.visible_to(scope)) == [own_claim]
    client.force_login(user)
    html = client.get(reverse("subscribers:space")).content.decode()
    assert f'data-testid="subscription-{own_subscription.pk}"' in html
    assert f'data-testid="subscription-{their_subscription.pk}"' not in html
    assert client.get(reverse("subscribers:claim", args=[own_claim.pk])).status_code == 200
    assert client.get(reverse("subscribers:claim", args=[their_claim.pk])).status_code == 404
    for name in ("subscribers:list", "subscriptions:mine", "orders:new", "portal:warehouse", "drive:my_files"):
        assert client.get(reverse(name)).status_code == 404, name
    # A claim about another subscriber's subscription cannot be posted either.
    response = client.post(
        reverse("subscribers:claim_new"), {"subscription": their_subscription.pk, "reason": "other", "body": "x"}
    )
    assert response.status_code == 400
    assert Claim.objects.count() == 2
