from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = _("Contacts and accounts")

    def ready(self) -> None:
        from . import signals, upkeep  # noqa: F401  (signals records each user's sessions)

        upkeep.register()
