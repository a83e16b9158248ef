from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = _("Subscriptions")

    def ready(self) -> None:
        from . import signals, upkeep  # noqa: F401  (signals merges a visitor's cart on sign-in)

        upkeep.register()
