"""The library's part of the search: one document per product (title, ISBN, the shop's document
number, the PDFs' file names), dated by the last time it was ordered (its orders' latest
submission; a draft is no order), a product never ordered by its creation.

Kept current by signals (``connect``): a product or one of its files saved or deleted rebuilds its
document in the same transaction; orders reindexes the products of an order it changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import Max, Prefetch
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save

from portal.access import Area
from portal.search import registry
from portal.search.text import document_text

from .models import Product


def product_documents(ids: Sequence[int] | None) -> Iterable[registry.Document]:
    products = Product.objects.all()
    if ids is not None:
        products = products.filter(pk__in=ids)
    products = (
        products.order_by()
        .annotate(last_ordered_at=Coalesce(Max("basket_lines__basket__order__submitted_at"), "created_at"))
        .only("pk", "account_id", "created_at", "title", "isbn", "doc_number", "attached_document_name")
        .prefetch_related(Prefetch("files", to_attr="file_names_"))
    )
    for product in products.iterator(chunk_size=2000):
        yield registry.Document(
            account_id=product.account_id,
            object_id=product.pk,
            text=document_text(
                product.title,
                product.isbn,
                product.doc_number,
                product.attached_document_name,
                *(f.original_name for f in product.file_names_),
            ),
            last_ordered_at=product.last_ordered_at,
        )


def load_products(scope, ids: Sequence[int]) -> dict[int, Product]:
    products = Product.objects.visible_to(scope).filter(pk__in=ids).select_related("paper_format", "binding")
    return {product.pk: product for product in products}


def _product_changed(sender, instance, **kwargs) -> None:
    from portal import search

    search.reindex("product", [instance.pk])


def _file_changed(sender, instance, **kwargs) -> None:
    from portal import search

    search.reindex("product", [instance.product_id])


def _product_deleted(sender, instance, **kwargs) -> None:
    from portal import search

    search.forget("product", [instance.pk])


def connect() -> None:
    registry.register("product", area=Area.LIBRARY, documents=product_documents, load=load_products)
    post_save.connect(_product_changed, sender=Product, dispatch_uid="search_product_saved")
    post_delete.connect(_product_deleted, sender=Product, dispatch_uid="search_product_deleted")
    post_save.connect(_file_changed, sender="files.ProductFile", dispatch_uid="search_file_saved")
    post_delete.connect(_file_changed, sender="files.ProductFile", dispatch_uid="search_file_deleted")
