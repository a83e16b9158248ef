"""Checkout: a signed-in school attaches its purchase order, chooses how it pays, gives its Chorus Pro
references when public; errors come next to their field and the cart is kept; one order per validation."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from subscriptions import ordering
from subscriptions.models import Cart, CartLine, Subscriber, Subscription, SubscriptionOrder
from tests.factories import SchoolFactory, UserFactory
from tests.subscriptions.factories import OfferFactory, establishment_for, fill_cart, purchase_order_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, settings):
    """Pages in English: the French translations are merged later, the English msgids are the source."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def school_user():
    school = SchoolFactory(name="Lycée Jean Moulin", email="gestion@lycee.fr")
    return UserFactory(account=school, email="doc@lycee.fr", language="en")


def _post(client, cart, **data):
    payload = {"cart_version": ordering.cart_version(cart), "payment_method": "mandate"}
    payload.update(data)
    payload = {key: value for key, value in payload.items() if value is not None}
    return client.post(reverse("subscriptions:checkout"), payload)


def test_checkout_asks_to_sign_in(client):
    response = client.get(reverse("subscriptions:checkout"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_public_school_validates_its_cart(client, school_user, django_capture_on_commit_callbacks, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # e-mails land in mail.outbox (also with --services)
    establishment_for(school_user.account, public=True)
    offer = OfferFactory(name_en="Online press")
    cart = fill_cart(school_user, offer)
    client.force_login(school_user)
    page = client.get(reverse("subscriptions:checkout")).content.decode()
    assert "Online press" in page and "Chorus Pro" in page and "commits your establishment" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            client,
            cart,
            purchase_order=purchase_order_pdf(),
            siret="732 829 320 00074",
            engagement_number="EJ-42",
            service_code="SERV-DOC",
        )
    order = SubscriptionOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("subscriptions:order", args=[order.pk])
    assert order.status == "submitted" and order.is_public and order.siret == "73282932000074"
    assert order.engagement_number == "EJ-42" and order.service_code == "SERV-DOC"
    assert order.purchase_order.name.startswith(f"subscriptions/purchase-orders/{school_user.account_id}/")
    assert order.number.startswith("C")
    line = order.lines.get()
    assert line.subscriber.kind == Subscriber.Kind.ESTABLISHMENT and line.subscriber.postcode == "59100"
    assert Subscription.objects.get().status == "pending"
    assert not CartLine.objects.filter(cart=cart).exists()  # the cart is emptied
    confirmation = client.get(response["Location"]).content.decode()
    assert (
        order.number in confirmation and "within 72 hours" in confirmation and "administrative mandate" in confirmation
    )
    [message] = mail.outbox
    assert message.to == ["doc@lycee.fr"]
    assert (
        order.number in message.subject
        and "within 72 hours" in message.body
        and "administrative mandate" in message.body
    )


def test_the_confirmation_email_speaks_the_users_language(client, django_capture_on_commit_callbacks, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # e-mails land in mail.outbox (also with --services)
    user = UserFactory(account=SchoolFactory(), language="en")
    establishment_for(user.account, public=False)
    cart = fill_cart(user, OfferFactory(name_en="Online press"))
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, cart, purchase_order=purchase_order_pdf(), payment_method="cheque")
    [message] = mail.outbox
    assert "within 72 hours" in message.body and "Online press" in message.body and "cheque" in message.body


def test_a_private_school_gives_no_chorus_references(client, school_user):
    establishment_for(school_user.account, public=False)
    cart = fill_cart(school_user, OfferFactory())
    client.force_login(school_user)
    assert "SIRET" not in client.get(reverse("subscriptions:checkout")).content.decode()
    response = _post(client, cart, purchase_order=purchase_order_pdf(), payment_method="transfer")
    assert response.status_code == 302
    order = SubscriptionOrder.objects.get()
    assert not order.is_public and order.siret == "" and order.payment_method == "transfer"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"purchase_order": None}, "purchase_order", "commits your establishment to pay"),
        ({"payment_method": ""}, "payment_method", "Choose how you will pay"),
        ({"siret": "73282932000075"}, "siret", "This SIRET is not valid"),
        ({"siret": ""}, "siret", "SIRET"),
        ({"engagement_number": ""}, "engagement_number", "engagement number"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_the_cart_is_kept(client, school_user, data, field, message):
    establishment_for(school_user.account, public=True)
    cart = fill_cart(school_user, OfferFactory())
    client.force_login(school_user)
    payload = {"purchase_order": purchase_order_pdf(), "siret": "73282932000074", "engagement_number": "EJ-1"}
    payload.update(data)
    response = _post(client, cart, **payload)
    assert response.status_code == 400
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert f'id="id_{field}_error' in response.content.decode() or "field__errors" in response.content.decode()
    assert not SubscriptionOrder.objects.exists()
    assert CartLine.objects.filter(cart=cart).count() == 1


def test_a_file_that_is_not_a_pdf_is_refused(client, school_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    establishment_for(school_user.account, public=False)
    cart = fill_cart(school_user, OfferFactory())
    client.force_login(school_user)
    fake = SimpleUploadedFile("bon.pdf", b"PK\x03\x04 this is a zip" * 100, content_type="application/pdf")
    response = _post(client, cart, purchase_order=fake)
    assert response.status_code == 400
    assert "not a PDF" in " ".join(response.context["form"].errors["purchase_order"])
    assert not SubscriptionOrder.objects.exists() and CartLine.objects.filter(cart=cart).exists()


def test_a_double_clicked_validation_gives_one_order(client, school_user):
    establishment_for(school_user.account, public=False)
    cart = fill_cart(school_user, OfferFactory())
    client.force_login(school_user)
    first = _post(client, cart, purchase_order=purchase_order_pdf())
    second = _post(client, cart, purchase_order=purchase_order_pdf())  # the same page, posted again
    assert SubscriptionOrder.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_a_cart_changed_since_the_page_was_shown_is_not_validated(client, school_user):
    establishment_for(school_user.account, public=False)
    cart = fill_cart(school_user, OfferFactory())
    version = ordering.cart_version(cart)
    fill_cart(school_user, OfferFactory())  # another tab added an offer
    client.force_login(school_user)
    response = client.post(
        reverse("subscriptions:checkout"),
        {"cart_version": version, "payment_method": "mandate", "purchase_order": purchase_order_pdf()},
    )
    assert response.status_code == 400
    assert "Your cart changed" in response.content.decode()
    assert not SubscriptionOrder.objects.exists()


def test_an_expired_cart_is_said_so(client, school_user):
    import datetime

    from django.utils import timezone

    establishment_for(school_user.account, public=False)
    cart = fill_cart(school_user, OfferFactory())
    Cart.objects.filter(pk=cart.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    client.force_login(school_user)
    response = _post(client, cart, purchase_order=purchase_order_pdf())
    assert response.status_code == 400
    assert not SubscriptionOrder.objects.exists()


def test_a_client_assigns_each_line_to_one_of_its_subscribers(client):
    user = UserFactory()
    mine = Subscriber.objects.create(account=user.account, last_name="Lefèvre", city="Lyon")
    theirs = Subscriber.objects.create(account=UserFactory().account, last_name="Autre")
    offer = OfferFactory()
    cart = fill_cart(user, offer)
    line = cart.lines.get()
    client.force_login(user)
    page = client.get(reverse("subscriptions:checkout")).content.decode()
    assert "Lefèvre" in page and "Autre" not in page
    refused = _post(client, cart, purchase_order=purchase_order_pdf(), **{f"subscriber_{line.pk}": str(theirs.pk)})
    assert refused.status_code == 400 and not SubscriptionOrder.objects.exists()
    response = _post(client, cart, purchase_order=purchase_order_pdf(), **{f"subscriber_{line.pk}": str(mine.pk)})
    assert response.status_code == 302
    assert SubscriptionOrder.objects.get().lines.get().subscriber == mine
    assert Subscription.objects.get().subscriber == mine


def test_the_checkout_page_queries_do_not_grow_with_the_cart(client, school_user, django_assert_max_num_queries):
    establishment_for(school_user.account, public=True)
    fill_cart(school_user, OfferFactory())
    client.force_login(school_user)
    client.get(reverse("subscriptions:checkout"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("subscriptions:checkout"))
    fill_cart(school_user, *[OfferFactory() for _ in range(15)])
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("subscriptions:checkout")).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_client_with_many_subscribers_gives_the_subscribers_number(client, settings):
    from subscriptions import forms

    user = UserFactory()
    subscribers = Subscriber.objects.bulk_create(
        Subscriber(account=user.account, last_name=f"Abonné {n}") for n in range(forms.MAX_SUBSCRIBER_CHOICES + 1)
    )
    cart = fill_cart(user, OfferFactory())
    line = cart.lines.get()
    client.force_login(user)
    page = client.get(reverse("subscriptions:checkout")).content.decode()
    assert (
        f'<select name="subscriber_{line.pk}"' not in page and f'name="subscriber_{line.pk}"' in page
    )  # a number to type
    response = _post(
        client, cart, purchase_order=purchase_order_pdf(), **{f"subscriber_{line.pk}": str(subscribers[-1].pk)}
    )
    assert response.status_code == 302
    assert SubscriptionOrder.objects.get().lines.get().subscriber == subscribers[-1]
