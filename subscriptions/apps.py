from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = _("Subscriptions")

    def ready(self) -> None:
        from portal.admin_index import register_index_notice
        from portal.numbering import register_source

        from . import signals, tasks, upkeep  # noqa: F401  (signals merges a visitor's cart on sign-in; tasks for beat)
        from .admin import late_activations_notice
        from .documents import register_documents

        upkeep.register()
        register_documents()
        # Subscription orders take their references in the shop's one order sequence (C2026-000123).
        register_source(sequence="order", model="subscriptions.SubscriptionOrder", field="number")
        # Quotes made from a cart take theirs in the shop's one quote sequence (D2026-000123).
        register_source(sequence="quote", model="subscriptions.CartQuote", field="number")
        register_index_notice(late_activations_notice)
        # Invoices and credit notes: the kernel's unbroken sequences, their PDFs, issued at activation.
        from .invoicing import tasks as invoicing_tasks  # noqa: F401  (the Chorus Pro deposit job)
        from .invoicing.admin import chorus_queue_notice
        from .invoicing.documents import register_invoice_documents
        from .invoicing.services import issue_invoice_on_activation
        from .ordering import ORDER_ACTIVATED_HOOKS

        register_source(sequence="invoice", model="subscriptions.Invoice", field="number")
        register_source(sequence="credit_note", model="subscriptions.CreditNote", field="number")
        register_invoice_documents()
        register_index_notice(chorus_queue_notice)
        if issue_invoice_on_activation not in ORDER_ACTIVATED_HOOKS:
            ORDER_ACTIVATED_HOOKS.append(issue_invoice_on_activation)
