from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from contacts.deletion import register_deletion_cascade
        from library import hooks
        from portal import upkeep
        from portal.numbering import register_source

        from . import contact_deletion, counters, search, selectors

        register_source(sequence="order", model="orders.Order", field="number")

        # The search's order and basket documents, kept current by signals.
        search.connect()

        # Deleting a contact asks orders which of their orders go with them and which block it.
        register_deletion_cascade("orders", contact_deletion.ORDERS_CASCADE)

        # The library's pages show what orders knows of its products (the library imports no order).
        hooks.register_product_highlights("orders", selectors.product_highlights)
        hooks.register_product_back_link("order", selectors.product_back_to_order)
        hooks.register_product_orders("orders", selectors.product_orders_page)

        # The operator's integrity check compares the warehouse's counters with the lines.
        upkeep.register_check("warehouse_counters", counters.counters_check, order=60)
