"""Business actions on the account's products."""

from __future__ import annotations

from django.db import transaction

from contacts.models import User

from .models import Product


@transaction.atomic
def product_save(*, product: Product, user: User) -> Product:
    """Create or change a product of the user's account; the printer's rules are checked by ``Product.clean``.

    ``doc_number`` is the print shop's: a customer never sets it, whatever the form sent.
    """
    if product.pk is None:
        product.account_id = user.account_id
        product.created_by = user
        product.doc_number = ""
    elif not user.is_staff:
        product.doc_number = Product.objects.filter(pk=product.pk).values_list("doc_number", flat=True).get()
    product.full_clean(exclude=["account", "created_by"])
    product.save()
    return product
