from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscribersConfig(AppConfig):
    name = "subscribers"
    verbose_name = _("Subscribers' space")

    def ready(self) -> None:
        from portal.access import register_reader
        from portal.admin_index import register_index_notice

        from .access import subscriber_reader
        from .admin import subscribers_notice

        register_reader(subscriber_reader)
        register_index_notice(subscribers_notice)
