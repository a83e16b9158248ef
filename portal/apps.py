from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from .jobs import admin  # noqa: F401  (the kernel's admin pages live beside their code)
        from .outbox import outbox_purge, outbox_rerun
        from .upkeep import register_kernel, register_purge, register_rerun

        register_kernel()
        register_purge("portal.sent_emails", outbox_purge, order=750)
        register_rerun("emails", outbox_rerun)
