"""Every service that changes customer data writes its audit row: the right action, object, account,
actor and changes; and a service that fails leaves no row."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max

from contacts import services as contacts
from contacts.importing import contact_import_run
from contacts.models import TermsOfService, User
from files import services as files
from files.models import ProductFile
from library.models import Product
from library.services import product_save
from orders import services as orders
from orders.models import BasketLine, Order, ShippingBasket
from portal.audit import Action, acting
from portal.models import AuditEntry
from quotes import services as quotes
from quotes.models import Quote
from submissions import services as submission
from submissions.models import SubmissionLink
from tests.contacts.factories import ActiveContactFactory, InactiveContactFactory, NotRegisteredContactFactory
from tests.factories import AccountFactory, OrderFactory
from tests.files.factories import ProductFactory as FileProductFactory
from tests.files.factories import pdf_bytes
from tests.library.factories import ProductFactory
from tests.orders.factories import BasketFactory, LineFactory, submittable_order
from tests.quotes.factories import order_with_lines
from tests.submissions.submission_support import job, make_link, upload

pytestmark = pytest.mark.django_db

ADDRESS = {"company": "Le Turet", "line1": "1 rue Nationale", "postcode": "59000", "city": "Lille", "country": "FR"}
PICKUP = {"pickup_name": "Camille", "phone": "03 20 00 00 00"}
IMPORT_FILE = Path(__file__).parents[1] / "contacts" / "import_files" / "excel_utf8_bom_semicolon.csv"


@dataclass
class World:
    customer: User
    staff: User

    @property
    def account(self):
        return self.customer.account


@dataclass
class Expect:
    """The row a service must write: on ``model`` ``object_id``, for ``account_id``, by ``actor``/``label``."""

    model: type
    object_id: str
    action: str
    account_id: int | None
    actor: User | None
    label: str = ""
    changes: dict[str, Any] = field(default_factory=dict)  # at least these [from, to]
    rows: int = 1  # every row the call writes (a service that calls others writes theirs too)


Case = Callable[[World], tuple[Callable[[], Any], Expect]]
CASES: dict[str, Case] = {}


def case(function: Case) -> Case:
    CASES[function.__name__] = function
    return function


def on_order(order: Order, action: str, actor, **kwargs) -> Expect:
    return Expect(Order, str(order.pk), action, order.account_id, actor, **kwargs)


# Orders, baskets and lines ------------------------------------------------------------------------------------


@case
def order_create_draft(w):
    def act():
        act.order = orders.order_create_draft(user=w.customer, name="Printemps")

    def expect():
        return on_order(act.order, Action.CREATED, w.customer, changes={"source": [None, "portal"]})

    return act, expect


@case
def order_name(w):
    order = OrderFactory(account=w.account, name="Avant")

    def act():
        with acting(w.customer):
            orders.order_name(order=order, name="Après", customer_reference="BC-12")

    return act, on_order(order, Action.CHANGED, w.customer, changes={"name": ["Avant", "Après"]})


@case
def order_delete_draft(w):
    order = OrderFactory(account=w.account)
    expect = on_order(order, Action.DELETED, w.customer)

    def act():
        with acting(w.customer):
            orders.order_delete_draft(order=order)

    return act, expect


@case
def basket_save_adds(w):
    order = OrderFactory(account=w.account)

    def act():
        with acting(w.customer):
            orders.basket_save(order=order, kind="address", fields=ADDRESS)

    return act, on_order(order, orders.BASKET_ADDED, w.customer, changes={"city": [None, "Lille"]})


@case
def basket_save_changes(w):
    order = OrderFactory(account=w.account)
    basket = orders.basket_save(order=order, kind="address", fields=ADDRESS)

    def act():
        with acting(w.customer):
            orders.basket_save(order=order, kind="address", fields={**ADDRESS, "city": "Roubaix"}, basket=basket)

    return act, on_order(order, orders.BASKET_CHANGED, w.customer, changes={"city": ["Lille", "Roubaix"]})


@case
def baskets_add(w):
    order = OrderFactory(account=w.account)
    product = ProductFactory(account=w.account)
    new = [
        orders.NewBasket(kind="address", fields=ADDRESS, quantities={product.pk: 3}),
        orders.NewBasket("pickup", PICKUP),
    ]

    def act():
        with acting(w.customer):
            orders.baskets_add(order=order, baskets=new)

    return act, on_order(order, orders.BASKET_ADDED, w.customer)


@case
def basket_duplicate(w):
    order = submittable_order(account=w.account)
    basket = order.baskets.get()

    def act():
        with acting(w.customer):
            orders.basket_duplicate(basket=basket)

    return act, on_order(order, orders.BASKET_ADDED, w.customer, changes={"copied_from": [None, basket.pk]})


@case
def basket_remove(w):
    order = submittable_order(account=w.account)

    def act():
        with acting(w.customer):
            orders.basket_remove(basket=order.baskets.get())

    return act, on_order(order, orders.BASKET_REMOVED, w.customer)


@case
def line_add_new(w):
    basket = BasketFactory(order=OrderFactory(account=w.account))

    def act():
        with acting(w.customer):
            orders.line_add(basket=basket, product=ProductFactory(account=w.account), quantity=4)

    return act, on_order(basket.order, orders.LINE_ADDED, w.customer, changes={"quantity": [None, 4]})


@case
def line_add_to_existing(w):
    line = LineFactory(basket=BasketFactory(order=OrderFactory(account=w.account)), quantity=5)

    def act():
        with acting(w.customer):
            orders.line_add(basket=line.basket, product=line.product, quantity=2)

    return act, on_order(line.basket.order, orders.LINE_CHANGED, w.customer, changes={"quantity": [5, 7]})


@case
def line_update(w):
    line = LineFactory(basket=BasketFactory(order=OrderFactory(account=w.account)), quantity=5)

    def act():
        with acting(w.customer):
            orders.line_update(line=line, quantity=9)

    return act, on_order(line.basket.order, orders.LINE_CHANGED, w.customer, changes={"quantity": [5, 9]})


@case
def line_remove(w):
    line = LineFactory(basket=BasketFactory(order=OrderFactory(account=w.account)), quantity=5)

    def act():
        with acting(w.customer):
            orders.line_remove(line=line)

    return act, on_order(line.basket.order, orders.LINE_REMOVED, w.customer, changes={"quantity": [5, None]})


@case
def order_submit(w):
    order = submittable_order(account=w.account, name="Printemps")

    def act():
        orders.order_submit(order_id=order.pk, user=w.customer)

    return act, on_order(order, Action.STATUS, w.customer, changes={"status": ["draft", "submitted"]})


@case
def order_move(w):
    order = submittable_order(account=w.account, name="Printemps", status="submitted")

    def act():
        orders.order_accept(order_id=order.pk, by=w.staff)

    return act, on_order(order, Action.STATUS, w.staff, changes={"status": ["submitted", "accepted"]})


@case
def order_copy(w):
    order = submittable_order(account=w.account, name="Printemps", baskets=2, status="completed")

    def act():
        act.draft = orders.order_copy(order=order, user=w.customer)

    def expect():
        # The new draft's row, and one per basket copied into it.
        return on_order(act.draft, Action.COPIED, w.customer, changes={"copied_from": [None, order.pk]}, rows=3)

    return act, expect


# Library and files --------------------------------------------------------------------------------------------


@case
def product_create(w):
    def act():
        act.product = product_save(product=Product(title="Carnet", page_count=8, quantity_to_print=10), user=w.customer)

    def expect():
        product = act.product
        return Expect(
            Product, str(product.pk), Action.CREATED, w.account.pk, w.customer, changes={"title": [None, "Carnet"]}
        )

    return act, expect


@case
def product_change(w):
    product = ProductFactory(account=w.account, title="Carnet")

    def act():
        product.title = "Carnet de voyage"
        product_save(product=product, user=w.customer)

    changes = {"title": ["Carnet", "Carnet de voyage"]}
    return act, Expect(Product, str(product.pk), Action.CHANGED, w.account.pk, w.customer, changes=changes)


def _file(product, *, pages=8):
    data = pdf_bytes(pages=pages)
    return SimpleUploadedFile("livre.pdf", data), hashlib.sha256(data).hexdigest()


@case
def product_file_add(w):
    product = FileProductFactory(account=w.account)
    upload_file, sha256 = _file(product)

    def act():
        act.file = files.product_file_add(
            product=product, kind="interior", upload=upload_file, sha256=sha256, user=w.customer
        )

    def expect():
        changes = {"original_name": [None, "livre.pdf"], "sha256": [None, sha256]}
        return Expect(ProductFile, str(act.file.pk), Action.CREATED, w.account.pk, w.customer, changes=changes)

    return act, expect


@case
def product_file_replace(w):
    product = FileProductFactory(account=w.account)
    first, first_sha = _file(product)
    product_file = files.product_file_add(
        product=product, kind="interior", upload=first, sha256=first_sha, user=w.customer
    )
    second, second_sha = _file(product, pages=12)

    def act():
        files.product_file_replace(
            product_file=product_file, kind="interior", upload=second, sha256=second_sha, user=w.customer
        )

    changes = {"sha256": [first_sha, second_sha]}
    return act, Expect(ProductFile, str(product_file.pk), Action.CHANGED, w.account.pk, w.customer, changes=changes)


@case
def product_file_delete(w):
    product = FileProductFactory(account=w.account)
    upload_file, sha256 = _file(product)
    product_file = files.product_file_add(
        product=product, kind="interior", upload=upload_file, sha256=sha256, user=w.customer
    )
    expect = Expect(
        ProductFile, str(product_file.pk), Action.DELETED, w.account.pk, w.customer, changes={"sha256": [sha256, None]}
    )

    def act():
        with acting(w.customer):
            files.product_file_delete(product_file=product_file)

    return act, expect


@case
def product_file_preflight(w):
    product = FileProductFactory(account=w.account, page_count=8)
    upload_file, sha256 = _file(product, pages=6)
    product_file = files.product_file_add(
        product=product, kind="interior", upload=upload_file, sha256=sha256, user=w.customer
    )

    def act():
        files.product_file_preflight(file_id=product_file.pk)

    changes = {"preflight_status": ["running", "failed"]}
    expect = Expect(
        ProductFile, str(product_file.pk), Action.CHECKED, w.account.pk, None, label="preflight", changes=changes
    )
    return act, expect


# Quotes -------------------------------------------------------------------------------------------------------


@case
def quote_create(w):
    order = order_with_lines(account=w.account, lines=2)

    def act():
        act.quote = quotes.quote_create_from_order(order=order, user=w.customer)

    def expect():
        return Expect(
            Quote, str(act.quote.pk), Action.CREATED, w.account.pk, w.customer, changes={"order": [None, order.pk]}
        )

    return act, expect


@case
def quote_send_by_email(w):
    quote = quotes.quote_create_from_order(order=order_with_lines(account=w.account, lines=1), user=w.customer)

    def act():
        quotes.quote_send_by_email(quote=quote, user=w.customer)

    return act, Expect(Quote, str(quote.pk), Action.SENT, w.account.pk, w.customer)


@case
def quote_to_order(w):
    order = order_with_lines(account=w.account, lines=1)
    quote = quotes.quote_create_from_order(order=order, user=w.customer)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.SUBMITTED)

    def act():
        act.order = quotes.quote_to_order(quote=quote, user=w.customer).order

    def expect():
        # The quote's row, the new draft's and its baskets'.
        changes = {"order": [order.pk, act.order.pk]}
        return Expect(Quote, str(quote.pk), quotes.ORDERED, w.account.pk, w.customer, changes=changes, rows=3)

    return act, expect


# Contacts -----------------------------------------------------------------------------------------------------


def on_contact(contact: User, action: str, actor, **kwargs) -> Expect:
    return Expect(User, str(contact.pk), action, contact.account_id, actor, **kwargs)


@case
def contact_create(w):
    account = AccountFactory()

    def act():
        act.contact = contacts.contact_create(email="ana@example.fr", account=account, created_by=w.staff)

    return act, lambda: on_contact(act.contact, Action.CREATED, w.staff)


@case
def contact_invite(w):
    contact = NotRegisteredContactFactory()

    def act():
        contacts.contact_invite(contact=contact, sent_by=w.staff)

    return act, on_contact(contact, Action.SENT, w.staff)


@case
def contact_register(w):
    contact = NotRegisteredContactFactory()

    def act():
        contacts.contact_register(contact=contact, password="a long pass phrase", terms=None)

    changes = {"state": ["not_registered", "inactive"]}
    return act, on_contact(contact, Action.STATUS, contact, changes=changes)


@case
def contact_activate(w):
    contact = InactiveContactFactory()

    def act():
        contacts.contact_activate(contact=contact, activated_by=w.staff)

    changes = {"state": ["inactive", "active"], "is_active": [False, True]}
    return act, on_contact(contact, Action.STATUS, w.staff, changes=changes)


@case
def contact_deactivate(w):
    contact = ActiveContactFactory()

    def act():
        contacts.contact_deactivate(contact=contact, deactivated_by=w.staff)

    changes = {"state": ["active", "deactivated"], "is_active": [True, False]}
    return act, on_contact(contact, Action.STATUS, w.staff, changes=changes)


@case
def contact_remove_identities(w):
    contact = ActiveContactFactory()

    def act():
        contacts.contact_remove_identities(contact=contact, removed_by=w.staff)

    return act, on_contact(contact, Action.STATUS, w.staff, changes={"state": ["active", "not_registered"]})


@case
def contact_delete(w):
    contact = ActiveContactFactory()
    OrderFactory(account=contact.account, created_by=contact)
    expect = on_contact(contact, Action.DELETED, w.staff, changes={"orders": [1, 0]})

    def act():
        contacts.contact_delete(contacts=[contact], deleted_by=w.staff)

    return act, expect


@case
def terms_publish(w):
    document = SimpleUploadedFile("cgv.pdf", pdf_bytes(pages=1), content_type="application/pdf")

    def act():
        act.terms = contacts.terms_publish(document=document, version_label="2027", published_by=w.staff)

    def expect():
        return Expect(
            TermsOfService,
            str(act.terms.pk),
            Action.PUBLISHED,
            None,
            w.staff,
            changes={"version_label": [None, "2027"]},
        )

    return act, expect


@case
def contact_import_applied(w):
    name = default_storage.save("imports/contacts/audit.csv", ContentFile(IMPORT_FILE.read_bytes()))

    def act():
        assert contact_import_run(file_name=name).applied

    return act, Expect(User, "", Action.IMPORTED, None, None, label="import", changes={"created": [0, 3]})


# The generic link ---------------------------------------------------------------------------------------------


@case
def generic_link_submission(w):
    link = make_link(account=w.account)

    def act():
        act.order = submission.submission_create(
            token=link.token,
            submitter_name="Jeanne Martin",
            submitter_email="jeanne@example.fr",
            upload=upload(),
            job=job(),
            language="fr",
        )

    def expect():
        # The product, the draft, its basket and line, the submission and the file: all by the link.
        changes = {"status": ["draft", "submitted"]}
        return on_order(act.order, Action.STATUS, None, label="generic link", changes=changes, rows=6)

    return act, expect


@case
def submission_link_regenerate(w):
    link = make_link(account=w.account)

    def act():
        submission.submission_link_regenerate(link=link, by=w.staff)

    return act, Expect(SubmissionLink, str(link.pk), Action.CHANGED, w.account.pk, w.staff)


# --------------------------------------------------------------------------------------------------------------


@pytest.fixture
def world(customer, staff_user, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return World(customer=customer, staff=staff_user)


def new_rows(since: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(pk__gt=since).select_related("content_type", "actor").order_by("id"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_service_writes_its_audit_row(name, world):
    act, expect = CASES[name](world)
    since = AuditEntry.objects.aggregate(last=Max("id"))["last"] or 0

    act()

    expect = expect() if callable(expect) else expect
    rows = new_rows(since)
    assert len(rows) == expect.rows, [(row.action, row.object_repr) for row in rows]
    (row,) = [
        row
        for row in rows
        if row.content_type.model_class() is expect.model
        and row.object_id == expect.object_id
        and row.action == expect.action
    ]
    assert (row.actor, row.actor_label, row.account_id) == (expect.actor, expect.label, expect.account_id)
    assert {name: row.changes.get(name) for name in expect.changes} == expect.changes
    if expect.label:
        assert {row.actor_label for row in rows} == {expect.label}


def test_every_row_of_an_order_service_names_its_account(world):
    order = submittable_order(account=world.account, name="Printemps")
    since = AuditEntry.objects.aggregate(last=Max("id"))["last"] or 0
    with acting(world.customer):
        orders.order_name(order=order, name="Été")
        orders.line_update(line=BasketLine.objects.get(basket__order=order), quantity=12)
        orders.basket_save(order=order, kind="pickup", fields=PICKUP)
    assert {row.account_id for row in new_rows(since)} == {world.account.pk}
    assert ShippingBasket.objects.filter(order=order).count() == 2


def _broken(**kwargs):
    raise RuntimeError("the e-mail could not be prepared")


FAILING = {
    # The row is written before the e-mail is prepared: the failure comes after it, and takes it away.
    "order_submit": (orders, lambda w, order: orders.order_submit(order_id=order.pk, user=w.customer), "draft"),
    "order_move": (orders, lambda w, order: orders.order_accept(order_id=order.pk, by=w.staff), "submitted"),
}


@pytest.mark.parametrize("name", sorted(FAILING))
def test_a_service_that_fails_leaves_no_audit_row(name, world, monkeypatch):
    module, call, status = FAILING[name]
    order = submittable_order(account=world.account, name="Printemps", status=status, submitter_email="a@example.fr")
    monkeypatch.setattr(module, "send_templated_email", _broken)
    since = AuditEntry.objects.aggregate(last=Max("id"))["last"] or 0

    with pytest.raises(RuntimeError):
        call(world, order)

    order.refresh_from_db()
    assert order.status == status
    assert new_rows(since) == []


def test_a_generic_link_job_whose_file_cannot_be_stored_leaves_no_audit_row(world, monkeypatch):
    """The product, the order, its basket and line and the submission were recorded before the file
    failed: the job's transaction takes all their rows away."""

    def unstorable(**kwargs):
        raise OSError("storage is full")

    monkeypatch.setattr(submission, "product_file_add", unstorable)
    link = make_link(account=world.account)
    since = AuditEntry.objects.aggregate(last=Max("id"))["last"] or 0
    with pytest.raises(OSError):
        submission.submission_create(
            token=link.token,
            submitter_name="J",
            submitter_email="j@example.fr",
            upload=upload(),
            job=job(),
            language="fr",
        )
    assert new_rows(since) == [] and not Order.objects.filter(account=world.account).exists()
