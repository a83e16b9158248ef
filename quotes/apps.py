from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuotesConfig(AppConfig):
    name = "quotes"
    verbose_name = _("Quotes and prices")

    def ready(self) -> None:
        from portal.numbering import register_source

        register_source(sequence="quote", model="quotes.Quote", field="number")

        from .documents import register_quote_document

        register_quote_document()
