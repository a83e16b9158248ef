from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = _("Subscriptions")

    def ready(self) -> None:
        from portal.numbering import register_source

        from . import signals, upkeep  # noqa: F401  (signals merges a visitor's cart on sign-in)
        from .documents import register_documents

        upkeep.register()
        register_documents()
        register_source(sequence="quote", model="subscriptions.CartQuote", field="number")
