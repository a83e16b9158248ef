from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FiguresConfig(AppConfig):
    name = "figures"
    verbose_name = _("Order figures")

    def ready(self) -> None:
        from . import signals

        signals.connect()
