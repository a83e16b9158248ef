from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from .jobs import admin  # noqa: F401  (the kernel's admin pages live beside their code)
        from .upkeep import register_kernel

        register_kernel()
