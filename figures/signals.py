"""An order, basket, line or quote saved or deleted: the figures of its account's month are rebuilt once
the transaction commits (nothing is read here, so saving costs no query; the task reads the order)."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from orders.models import BasketLine, Order, ShippingBasket
from quotes.models import Quote

from . import tasks
from .services import month_of

#: ``product_ids`` of a deleted order: its lines are gone, so every product's year row is rebuilt.
EVERY_PRODUCT = "every product"


def _refresh_order(
    order_id: int | None, *, account_id: int | None = None, placed_at=None, product_ids: list[int] | str | None = None
) -> None:
    """After commit: refresh the month of the order (read then), and the month it was placed in before;
    the products' year rows of ``product_ids`` (the order's products when None)."""
    if order_id is None:
        return

    def run() -> None:
        products = product_ids
        if products is None:
            products = list(BasketLine.objects.filter(basket__order_id=order_id).values_list("product_id", flat=True))
        elif products == EVERY_PRODUCT:
            products = None
        months = set()
        current = Order.objects.filter(pk=order_id).values_list("account_id", "submitted_at").first()
        if current and current[1] is not None:
            months.add((current[0], month_of(current[1])))
        if account_id is not None and placed_at is not None:
            months.add((account_id, month_of(placed_at)))
        for account, month in months:
            tasks.refresh_account_month.delay(account, month.isoformat(), products)

    transaction.on_commit(run)


def _order_changed(sender, instance: Order, signal=None, **kwargs) -> None:
    loaded = getattr(instance, "_loaded_values", None) or {}
    if signal is post_delete:
        _refresh_order(
            instance.pk,
            account_id=instance.account_id,
            placed_at=loaded.get("submitted_at") or instance.submitted_at,
            product_ids=EVERY_PRODUCT,
        )
        return
    _refresh_order(
        instance.pk, account_id=instance.account_id, placed_at=loaded.get("submitted_at") or instance.submitted_at
    )


def _basket_changed(sender, instance: ShippingBasket, **kwargs) -> None:
    _refresh_order(instance.order_id, product_ids=[])  # its lines signal their own products


def _line_changed(sender, instance: BasketLine, **kwargs) -> None:
    basket_id, product_id = instance.basket_id, instance.product_id

    def run() -> None:
        order_id = ShippingBasket.objects.filter(pk=basket_id).values_list("order_id", flat=True).first()
        _refresh_order(order_id, product_ids=[product_id])

    transaction.on_commit(run)


def _quote_changed(sender, instance: Quote, **kwargs) -> None:
    _refresh_order(instance.order_id, product_ids=[])  # a quote changes the amount, not the copies


def connect() -> None:
    for model, handler in (
        (Order, _order_changed),
        (ShippingBasket, _basket_changed),
        (BasketLine, _line_changed),
        (Quote, _quote_changed),
    ):
        post_save.connect(handler, sender=model, dispatch_uid=f"figures-{model._meta.label}-saved")
        post_delete.connect(handler, sender=model, dispatch_uid=f"figures-{model._meta.label}-deleted")
