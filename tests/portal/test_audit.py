"""audit_record: refuses to run outside a transaction, rolls back with its caller, records who and what changed."""

from __future__ import annotations

import datetime
import decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from library.models import Product
from portal.audit import (
    AuditOutsideTransaction,
    acting,
    audit_changes,
    audit_entries_of,
    audit_record,
    audit_snapshot,
)
from portal.models import AuditEntry
from tests.factories import StaffUserFactory, UserFactory
from tests.library.factories import ProductFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_outside_a_transaction_it_refuses_and_writes_nothing():
    product = ProductFactory()
    with pytest.raises(AuditOutsideTransaction):
        audit_record(actor=None, action="changed", obj=product)
    assert not AuditEntry.objects.exists()


def test_the_row_rolls_back_with_the_callers_transaction():
    product = ProductFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="changed", obj=product, account_id=product.account_id)
        assert AuditEntry.objects.count() == 1
        raise RuntimeError("the service failed after recording")
    assert not AuditEntry.objects.exists()


def test_a_row_says_who_when_what_for_which_account_and_from_to():
    customer = UserFactory()
    product = ProductFactory(account=customer.account, title="Carnet", page_count=8)
    before = audit_snapshot(product, ["title", "page_count", "paper_format"])
    product.title, product.page_count = "Carnet de voyage", 12
    with transaction.atomic():
        entry = audit_record(
            actor=customer,
            action="changed",
            obj=product,
            account_id=customer.account_id,
            changes=audit_changes(before, product, ["title", "page_count", "paper_format"]),
            message="from the library",
        )
    entry.refresh_from_db()
    assert entry.content_type == ContentType.objects.get_for_model(Product)
    assert (entry.object_id, entry.object_repr, entry.account_id) == (
        str(product.pk),
        "Carnet de voyage",
        product.account_id,
    )
    assert (entry.actor, entry.actor_label, entry.action, entry.message) == (
        customer,
        "",
        "changed",
        "from the library",
    )
    # Only the fields whose value moved, each as [from, to]; the unchanged format is left out.
    assert entry.changes == {"title": ["Carnet", "Carnet de voyage"], "page_count": [8, 12]}
    assert entry.target == product
    assert list(audit_entries_of(product)) == [entry]


def test_values_are_kept_as_json():
    product = ProductFactory()
    before = {"when": datetime.date(2026, 1, 2), "price": decimal.Decimal("1.50")}
    with transaction.atomic():
        entry = audit_record(
            actor=None,
            action="changed",
            obj=product,
            changes={"when": [before["when"], None], "price": [before["price"], None]},
        )
    entry.refresh_from_db()
    assert entry.changes == {"when": ["2026-01-02", None], "price": ["1.50", None]}


def test_without_an_actor_the_context_says_who_acts():
    staff = StaffUserFactory()
    product = ProductFactory()
    with transaction.atomic():
        with acting(staff):
            by_context = audit_record(actor=None, action="changed", obj=product)
            explicit = audit_record(actor=UserFactory(account=product.account), action="changed", obj=product)
        with acting(label="generic link"):
            by_label = audit_record(actor=None, action="created", obj=product)
        nobody = audit_record(actor=None, action="created", obj=product)
    assert (by_context.actor, by_context.actor_label) == (staff, "")
    assert explicit.actor != staff
    assert (by_label.actor, by_label.actor_label) == (None, "generic link")
    assert (nobody.actor, nobody.actor_label, nobody.actor_display) == (None, "", "")


def test_a_change_of_many_rows_names_the_model_and_no_object():
    with transaction.atomic():
        entry = audit_record(actor=None, action="imported", obj=Product, changes={"created": [0, 3]})
    assert (entry.object_id, entry.content_type.model_class()) == ("", Product)


def test_an_action_is_a_short_code():
    with pytest.raises(ValueError), transaction.atomic():
        audit_record(actor=None, action="Changed the title!", obj=ProductFactory())
