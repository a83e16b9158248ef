"""The access matrix: every route that takes an object id or a token, asked by every kind of reader.

For each route of the project's own URLconf whose pattern takes a parameter, ``ROUTES`` says how to
build the owner's object and which method reaches it. Then each reader asks it:

- the owner (a member of the object's account): the page or the action works;
- anonymous: sent to sign in (token routes are public: a forged token is refused instead);
- a member of another account, a deactivated member of the owner's account, a print-shop staff
  member without permissions, and the readers that later features add: the portal's 404 (a
  deactivated user is signed out, so sent to sign in), and nothing changes in the database.

A route of the project that is not in ``ROUTES`` fails the test: a new page cannot skip the matrix.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import AccountFactory, StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

#: Third-party URLconfs: allauth's token routes and the admin are tested by their projects and by
#: the staff permission tests; the matrix is about the portal's own objects.
FOREIGN_NAMESPACES = {"admin", "account", "socialaccount", "mfa", "headless", "usersessions"}


def project_routes() -> list[str]:
    """``namespace:name`` of every named route that takes a parameter."""
    found: list[str] = []

    def walk(patterns, namespace: str | None, app_is_foreign: bool):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = entry.namespace or namespace
                foreign = app_is_foreign or (entry.app_name in FOREIGN_NAMESPACES) or (ns in FOREIGN_NAMESPACES)
                module = getattr(entry.urlconf_module, "__name__", "")
                foreign = foreign or module.startswith(("allauth", "django.contrib"))
                walk(entry.url_patterns, ns, foreign)
            elif isinstance(entry, URLPattern) and not app_is_foreign and entry.name and entry.pattern.converters:
                found.append(f"{namespace}:{entry.name}" if namespace else entry.name)

    walk(get_resolver().url_patterns, None, False)
    return sorted(set(found))


# --- The world each route is asked in -----------------------------------------------------------


@dataclass
class World:
    owner: object
    deactivated: object
    other: object
    staff: object
    subscriber: object = None  # a subscriber's own login in the owner's account (another subscriber's rows)

    @property
    def account(self):
        return self.owner.account


def build_world() -> World:
    from tests.contacts.factories import DeactivatedContactFactory

    account = AccountFactory(name="Éditions du Propriétaire")
    owner = UserFactory(account=account)
    deactivated = DeactivatedContactFactory(account=account)
    other = UserFactory(account=AccountFactory(name="Éditions d’à côté"))
    staff = StaffUserFactory(is_superuser=False)
    return World(owner=owner, deactivated=deactivated, other=other, staff=staff, subscriber=_subscriber_login(account))


def _subscriber_login(account):
    from subscribers.models import SubscriberLogin
    from tests.subscribers.factories import subscriber_for

    user = UserFactory(account=account, is_subscriber=True)
    SubscriberLogin.objects.create(subscriber=subscriber_for(account, email=user.email), user=user)
    return user


def a_subscriber(world):
    from tests.subscribers.factories import subscriber_for

    return subscriber_for(world.account, last_name="Abonné du client", email="abonne.client@example.test")


def a_claim(world):
    from subscribers.models import Claim
    from tests.subscribers.factories import subscription_for

    subscription = subscription_for(a_subscriber(world))
    return Claim.objects.create(
        account=world.account, subscriber=subscription.subscriber, subscription=subscription, reason="other"
    )


def set_password_link(world):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = world.subscriber
    return {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)}


def draft(world):
    from tests.orders.factories import submittable_order

    return submittable_order(account=world.account, name="Brouillon")


def placed(world):
    from tests.orders.factories import submittable_order

    return submittable_order(account=world.account, name="Passée", status="submitted", number="C2026-424242")


def product(world):
    from tests.library.factories import ProductFactory

    return ProductFactory(account=world.account)


def product_file(world):
    from files import services
    from tests.files.factories import ProductFactory, pdf_bytes

    data = pdf_bytes(pages=2)
    return services.product_file_add(
        product=ProductFactory(account=world.account),
        kind="interior",
        upload=SimpleUploadedFile("livre.pdf", data),
        sha256=hashlib.sha256(data).hexdigest(),
        user=world.owner,
    )


def product_file_with_thumbnail(world):
    from files import tasks

    stored = product_file(world)
    tasks.preflight_product_file(stored.pk)
    stored.refresh_from_db()
    return stored


def quote(world):
    from quotes.services import quote_create_from_order
    from tests.quotes.factories import order_with_lines

    return quote_create_from_order(order=order_with_lines(account=world.account), user=world.owner)


def stored_quote(world):
    from tests.portal.documents_support import render_pending_documents

    created = quote(world)
    render_pending_documents()
    return created


def quote_document(world):
    from portal.models import Document

    created = quote(world)
    return Document.objects.get(object_id=created.pk, kind="quote")


def stored_quote_link(world):
    """The signed link the download view of the owner's quote redirects to (its PDF stored)."""
    from portal.documents.signed import signed_token
    from tests.portal.documents_support import render_pending_documents

    document = quote_document(world)
    render_pending_documents()
    document.refresh_from_db()
    return signed_token(storage_name=document.storage_name, filename="devis.pdf", sha256=document.sha256)


def invitation(world):
    from django.utils import timezone

    from contacts.tokens import invitation_token, uid_for
    from tests.contacts.factories import NotRegisteredContactFactory

    contact = NotRegisteredContactFactory(account=world.account, link_issued_at=timezone.now())
    return {"uidb64": uid_for(contact), "token": invitation_token.make_token(contact)}


def activation(world):
    from django.utils import timezone

    from contacts.tokens import activation_token, uid_for
    from tests.contacts.factories import InactiveContactFactory

    contact = InactiveContactFactory(account=world.account, link_issued_at=timezone.now())
    return {"uidb64": uid_for(contact), "token": activation_token.make_token(contact)}


def background_job(world):
    from portal.models import BackgroundJob

    return BackgroundJob.objects.create(kind="tests.job", created_by=world.owner, status=BackgroundJob.Status.RUNNING)


def submission_link(world):
    from tests.submissions.submission_support import make_link

    return make_link()


def drive_file(world):
    from tests.drive.factories import upload

    return upload(world.account, "notes.txt", user=world.owner)


def drive_folder(world):
    from tests.drive.factories import folder, upload

    made = folder(world.account, "Projet", space="drive", user=world.owner)
    upload(world.account, "dedans.txt", space="drive", parent=made, user=world.owner)
    return made


def drive_image(world):
    import io

    from PIL import Image

    from drive.models import DriveEntry
    from tests.drive.factories import upload

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2)).save(buffer, "PNG")
    entry = upload(world.account, "photo.png", buffer.getvalue(), user=world.owner)
    DriveEntry.objects.filter(pk=entry.pk).update(content_type="image/png")
    return entry


def app_password(world):
    from drive.app_passwords import app_password_create

    return app_password_create(user=world.owner, name="Ordinateur du bureau")[0]


def subscription_order(world):
    from tests.subscriptions.factories import place_order

    return place_order(world.owner, _offer())


def subscription_invoice(world):
    from subscriptions import ordering
    from subscriptions.models import Invoice

    order = subscription_order(world)
    ordering.subscription_order_activate(order=order, actor=None)
    return Invoice.objects.get(order=order)


def subscription_credit_note(world):
    from subscriptions.invoicing.services import credit_note_issue

    return credit_note_issue(invoice=subscription_invoice(world), reason="Erreur", actor=None)


def _offer():
    from tests.subscriptions.factories import OfferFactory

    return OfferFactory()


@dataclass(frozen=True)
class Route:
    build: Callable  # world -> object, or a dict of URL kwargs
    kwargs: Callable = lambda obj: {"pk": obj.pk}
    method: str = "get"
    owner_statuses: tuple[int, ...] = (200,)
    data: dict | None = None
    token: bool = False  # public by its token: readers differ by the token they hold, not by session
    forged: Callable | None = None  # kwargs of a forged token


def school_activation(world):
    from django.utils import timezone

    from contacts.tokens import activation_token, uid_for
    from tests.contacts.factories import InactiveContactFactory
    from tests.factories import SchoolFactory

    contact = InactiveContactFactory(account=SchoolFactory(), link_issued_at=timezone.now())
    return {"uidb64": uid_for(contact), "token": activation_token.make_token(contact)}


def cart_quote(world):
    from decimal import Decimal

    from subscriptions.models import CartQuote

    return CartQuote.objects.create(
        number="D2026-990001",
        total_excl_tax=Decimal("1.00"),
        total_vat=Decimal("0.20"),
        total_incl_tax=Decimal("1.20"),
        valid_until="2026-12-31",
    )


def access_letter(world):
    from subscriptions.models import AccessLetter

    return AccessLetter.objects.create(uai="0750655E", establishment_name="Lycée", head_name="M. X", email="a@b.fr")


FORGED_UUID = "6f0c1a43-0000-4000-8000-000000000000"


def address(world):
    from tests.orders.factories import AddressFactory

    return AddressFactory(account=world.account, company="Le Turet", city="Lille", postcode="59000")


def _basket(world):
    return draft(world).baskets.get()


def _line(world):
    return _basket(world).lines.get()


ROUTES: dict[str, Route] = {
    "orders:detail": Route(placed),
    "subscriptions:order": Route(subscription_order),
    "subscriptions:invoice_pdf": Route(subscription_invoice, owner_statuses=(200, 302)),
    "subscriptions:credit_note_pdf": Route(subscription_credit_note, owner_statuses=(200, 302)),
    "subscribers:detail": Route(a_subscriber),
    "subscribers:edit": Route(a_subscriber),
    "subscribers:delete": Route(a_subscriber),
    "subscribers:claim": Route(a_claim),
    "subscribers:set_password": Route(
        set_password_link, kwargs=lambda parts: parts, token=True, forged=lambda parts: {**parts, "token": "1-forged"}
    ),
    "orders:baskets": Route(draft),
    "orders:basket_add": Route(draft),
    "orders:basket_create": Route(draft, kwargs=lambda o: {"pk": o.pk, "kind": "address"}),
    "orders:name": Route(draft),
    "orders:verify": Route(draft),
    "orders:submit": Route(draft, method="post", owner_statuses=(302,)),
    "orders:confirmation": Route(placed),
    "orders:delete": Route(draft, method="post", owner_statuses=(302,)),
    "orders:again": Route(placed, method="post", owner_statuses=(302,)),
    "orders:basket_edit": Route(_basket),
    "orders:basket_duplicate": Route(_basket, method="post", owner_statuses=(302,)),
    "orders:basket_delete": Route(_basket, method="post", owner_statuses=(302,)),
    "orders:basket_again": Route(lambda w: placed(w).baskets.get(), method="post", owner_statuses=(302,)),
    "orders:line_add": Route(_basket),
    "orders:line_new_product": Route(_basket),
    "orders:line_edit": Route(_line),
    "orders:line_delete": Route(_line, method="post", owner_statuses=(302,)),
    "library:detail": Route(product),
    "portal:address_edit": Route(address),
    "portal:address_delete": Route(address, method="post", owner_statuses=(302,)),
    "portal:address_basket": Route(address, method="post", owner_statuses=(302,)),
    "files:product": Route(product, kwargs=lambda o: {"product_pk": o.pk}),
    "files:upload": Route(product, kwargs=lambda o: {"product_pk": o.pk}, method="post", owner_statuses=(400,)),
    "files:replace": Route(product_file, method="post", owner_statuses=(400,)),
    "files:delete": Route(product_file),
    "files:download": Route(product_file),
    "files:thumbnail": Route(product_file_with_thumbnail),
    "files:status": Route(product_file),
    "quotes:create_from_order": Route(draft, kwargs=lambda o: {"order_pk": o.pk}, method="post", owner_statuses=(302,)),
    "quotes:detail": Route(quote),
    "quotes:pdf": Route(stored_quote, owner_statuses=(302,)),  # to the signed link of the stored file
    "portal:document_status": Route(quote_document),
    # A bearer link of a minute (the view checked the scope): a forged or altered one is a 404.
    "portal:document_signed": Route(
        stored_quote_link,
        kwargs=lambda token: {"token": token},
        token=True,
        forged=lambda token: {"token": token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")},
    ),
    "quotes:email": Route(quote, method="post", owner_statuses=(302,)),
    "quotes:to_order": Route(quote, method="post", owner_statuses=(302,)),
    "portal:job_status": Route(background_job),
    "drive:folder": Route(drive_folder),
    "drive:rename": Route(drive_file),
    "drive:move": Route(drive_file),
    "drive:delete": Route(drive_folder),
    "drive:download": Route(drive_folder),
    "drive:app_password_revoke": Route(app_password),
    "drive:preview": Route(drive_file),
    "drive:preview_image": Route(drive_image, kwargs=lambda o: {"pk": o.pk, "page": 0}),
    "contacts:invitation": Route(
        invitation, kwargs=lambda parts: parts, token=True, forged=lambda parts: {**parts, "token": "forged-token"}
    ),
    "contacts:activation": Route(
        activation, kwargs=lambda parts: parts, token=True, forged=lambda parts: {**parts, "token": "forged-token"}
    ),
    "subscriptions:signup_activate": Route(
        school_activation,
        kwargs=lambda parts: parts,
        token=True,
        forged=lambda parts: {**parts, "token": "forged-token"},
    ),
    **{
        f"subscriptions:{name}": Route(
            build,
            kwargs=lambda obj: {"token": obj.token},
            token=True,
            owner_statuses=statuses,
            forged=lambda obj: {"token": FORGED_UUID},
        )
        for name, build, statuses in (
            ("cart_quote", cart_quote, (200,)),
            ("cart_quote_pdf", cart_quote, (302,)),  # being prepared: back to the quote's page
            ("cart_quote_status", cart_quote, (200,)),
            ("access_letter_detail", access_letter, (200,)),
            ("access_letter_pdf", access_letter, (302,)),
            ("access_letter_status", access_letter, (200,)),
        )
    },
    "submission:submit": Route(
        submission_link,
        kwargs=lambda link: {"token": link.token},
        token=True,
        forged=lambda link: {"token": "x" * len(link.token)},
    ),
    "submission:thanks": Route(
        submission_link,
        kwargs=lambda link: {"token": link.token},
        token=True,
        owner_statuses=(302,),  # without a submission in the session, back to the form
        forged=lambda link: {"token": "x" * len(link.token)},
    ),
}


def test_every_route_with_a_parameter_is_in_the_matrix():
    missing = sorted(set(project_routes()) - set(ROUTES))
    assert not missing, f"routes not in the access matrix (tests/access/test_access_matrix.py): {missing}"
    stale = sorted(set(ROUTES) - set(project_routes()))
    assert not stale, f"the matrix names routes that no longer exist: {stale}"


def _ask(client, route: Route, url: str):
    if route.method == "post":
        return client.post(url, route.data or {})
    return client.get(url)


def _snapshot():
    """A cheap fingerprint of every project table: row counts and the newest change."""
    from django.apps import apps

    counts = {}
    for model in apps.get_models():
        # Signing in records a session row: that is the reader's own, not a change to the data.
        if model._meta.app_label in {
            "orders",
            "library",
            "files",
            "quotes",
            "contacts",
            "submissions",
            "drive",
            "subscriptions",
            "subscribers",
        } and (model._meta.label != "contacts.UserSession"):
            counts[model._meta.label] = model._default_manager.count()
    from orders.models import Order

    counts["orders.statuses"] = sorted(Order.objects.values_list("pk", "status", "name"))
    return counts


READERS = ("anonymous", "other", "deactivated", "staff", "subscriber")
RESULTS: dict[tuple[str, str], int] = {}


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_answers_each_reader(name, client, settings):
    settings.DEBUG = False
    route = ROUTES[name]
    world = build_world()
    obj = route.build(world)
    url = reverse(name, kwargs=route.kwargs(obj))

    if route.token:
        forged_url = reverse(name, kwargs=route.forged(obj))
        for reader in (None, world.other, world.staff):
            client.logout()
            if reader is not None:
                client.force_login(reader)
            response = _ask(client, route, forged_url)
            assert response.status_code in (404, 410), f"{name} with a forged token: {response.status_code}"
            RESULTS[(name, "forged token")] = response.status_code
        client.logout()
        response = _ask(client, route, url)
        assert response.status_code in route.owner_statuses, f"{name} with its token: {response.status_code}"
        RESULTS[(name, "token holder")] = response.status_code
        return

    before = _snapshot()
    client.logout()
    response = _ask(client, route, url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"], (
        f"{name} as anonymous: {response.status_code}"
    )
    RESULTS[(name, "anonymous")] = response.status_code
    readers = (
        ("other", world.other),
        ("deactivated", world.deactivated),
        ("staff", world.staff),
        ("subscriber", world.subscriber),  # a subscriber's login never opens the client's pages
    )
    for label, reader in readers:
        client.logout()
        client.force_login(reader)
        response = _ask(client, route, url)
        if label == "deactivated":
            # A deactivated contact's session no longer authenticates: sent to sign in like anyone.
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], (
                f"{name} as a deactivated user: {response.status_code}"
            )
        else:
            assert response.status_code == 404, f"{name} as {label}: {response.status_code}"
        RESULTS[(name, label)] = response.status_code
    assert _snapshot() == before, f"{name}: a non-owner's request changed the database"

    client.logout()
    client.force_login(world.owner)
    response = _ask(client, route, url)
    assert response.status_code in route.owner_statuses, f"{name} as its owner: {response.status_code}"
    RESULTS[(name, "owner")] = response.status_code


def test_the_matrix_prints_its_size(capsys):
    routes = len(ROUTES)
    readers = len(READERS) + 1
    with capsys.disabled():
        print(f"\n[access matrix] {routes} routes × {readers} readers = {routes * readers} requests checked")
    assert routes >= 30
