"""Business actions on the account's products."""

from __future__ import annotations

from django.db import transaction

from contacts.models import User
from portal.audit import Action, audit_changes, audit_record, audit_snapshot

from .models import Product

UNAUDITED_FIELDS = {"id", "created_at", "updated_at"}


def audited_fields() -> list[str]:
    return [field.name for field in Product._meta.concrete_fields if field.name not in UNAUDITED_FIELDS]


@transaction.atomic
def product_save(*, product: Product, user: User) -> Product:
    """Create or change a product of the user's account; the printer's rules are checked by ``Product.clean``.

    ``doc_number`` is the print shop's: a customer never sets it, whatever the form sent.
    """
    fields = audited_fields()
    stored = None if product.pk is None else Product.objects.get(pk=product.pk)
    before = audit_snapshot(stored, fields) if stored is not None else {}
    if product.pk is None:
        product.account_id = user.account_id
        product.created_by = user
        product.doc_number = ""
    elif not user.is_staff:
        product.doc_number = stored.doc_number
    product.full_clean(exclude=["account", "created_by"])
    product.save()
    changes = audit_changes(before, product, fields)
    if stored is None or changes:
        action = Action.CREATED if stored is None else Action.CHANGED
        audit_record(actor=user, action=action, obj=product, account_id=product.account_id, changes=changes)
    return product
