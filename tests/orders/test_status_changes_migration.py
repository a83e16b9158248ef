"""The status changes kept before the audit log become its rows, and the order timeline reads them."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("orders", "0007_postal_address_names"), ("portal", "0006_audit_entry")]
AFTER = [("orders", "0008_status_changes_into_audit")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_every_status_change_becomes_an_audit_row_of_its_order():
    try:
        old = migrate(BEFORE)
        Account = old.get_model("contacts", "Account")
        User = old.get_model("contacts", "User")
        Order = old.get_model("orders", "Order")
        Change = old.get_model("orders", "OrderStatusChange")
        account = Account.objects.create(name="Éditions du Lac")
        staff = User.objects.create(email="staff@example.fr", is_staff=True)
        order = Order.objects.create(account=account, name="Printemps", number="C2026-000001", status="accepted")
        at = datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.UTC)
        Change.objects.create(
            order=order, from_status="draft", to_status="submitted", message="generic link", changed_at=at
        )
        Change.objects.create(
            order=order,
            from_status="submitted",
            to_status="accepted",
            changed_by=staff,
            changed_at=at + datetime.timedelta(hours=1),
        )

        new = migrate(AFTER)
        entries = new.get_model("portal", "AuditEntry").objects.order_by("at")
        assert [
            (e.object_id, e.account_id, e.action, e.changes, e.actor_id, e.actor_label, e.message, e.at)
            for e in entries
        ] == [
            (
                str(order.pk),
                account.pk,
                "status",
                {"status": ["draft", "submitted"]},
                None,
                "generic link",
                "generic link",
                at,
            ),
            (
                str(order.pk),
                account.pk,
                "status",
                {"status": ["submitted", "accepted"]},
                staff.pk,
                "",
                "",
                at + datetime.timedelta(hours=1),
            ),
        ]
        assert {e.content_type.model for e in entries} == {"order"}
        assert {e.object_repr for e in entries} == {"Printemps"}
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
