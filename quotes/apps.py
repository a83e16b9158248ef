from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuotesConfig(AppConfig):
    name = "quotes"
    verbose_name = _("Quotes and prices")

    def ready(self) -> None:
        from portal.numbering import register_source

        register_source(sequence="quote", model="quotes.Quote", field="number")

        from datetime import timedelta

        from django.conf import settings

        from portal.upkeep import older_objects_purge, register_purge

        # The PDF e-mailed with a quote (quotes/<uuid>/devis-….pdf) is referenced by no row: it only has to
        # outlive the e-mail's retries.
        register_purge(
            "quotes.emailed_pdfs",
            older_objects_purge(prefix="quotes/", keep=lambda: timedelta(days=settings.PURGE_EMAIL_ATTACHMENT_DAYS)),
        )

        from .documents import register_quote_document

        register_quote_document()
