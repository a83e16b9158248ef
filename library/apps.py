from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "library"
    verbose_name = _("Product library")

    def ready(self) -> None:
        from . import search

        # The search's product documents, kept current by signals.
        search.connect()
