"""The order timeline reads the kernel's audit log: every status change becomes an audit row."""

from django.db import migrations

GENERIC_LINK = "generic link"
BATCH = 2000


def _repr(order) -> str:
    return order.name or order.number or f"Order {order.pk}"


def forwards(apps, schema_editor):
    OrderStatusChange = apps.get_model("orders", "OrderStatusChange")
    AuditEntry = apps.get_model("portal", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _created = ContentType.objects.get_or_create(app_label="orders", model="order")
    changes = OrderStatusChange.objects.select_related("order").order_by("changed_at", "id")
    batch = []
    for change in changes.iterator(chunk_size=BATCH):
        order = change.order
        batch.append(
            AuditEntry(
                at=change.changed_at,
                actor_id=change.changed_by_id,
                actor_label=GENERIC_LINK if change.changed_by_id is None and change.message == GENERIC_LINK else "",
                account_id=order.account_id,
                content_type=content_type,
                object_id=str(order.pk),
                object_repr=_repr(order)[:200],
                action="status",
                changes={"status": [change.from_status, change.to_status]},
                message=change.message,
            )
        )
        if len(batch) >= BATCH:
            AuditEntry.objects.bulk_create(batch)
            batch = []
    AuditEntry.objects.bulk_create(batch)


def backwards(apps, schema_editor):
    OrderStatusChange = apps.get_model("orders", "OrderStatusChange")
    AuditEntry = apps.get_model("portal", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Order = apps.get_model("orders", "Order")
    content_type = ContentType.objects.filter(app_label="orders", model="order").first()
    if content_type is None:
        return
    entries = AuditEntry.objects.filter(content_type=content_type, action="status").order_by("at", "id")
    existing = set(Order.objects.values_list("pk", flat=True))
    rows = []
    for entry in entries.iterator(chunk_size=BATCH):
        statuses = entry.changes.get("status") or [None, None]
        order_id = int(entry.object_id) if entry.object_id.isdigit() else None
        if order_id not in existing or not all(statuses):
            continue
        rows.append(
            OrderStatusChange(
                order_id=order_id,
                from_status=statuses[0],
                to_status=statuses[1],
                changed_by_id=entry.actor_id,
                changed_at=entry.at,
                message=entry.message,
            )
        )
    OrderStatusChange.objects.bulk_create(rows, batch_size=BATCH)
    entries.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("orders", "0007_postal_address_names"),
        ("portal", "0006_audit_entry"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
