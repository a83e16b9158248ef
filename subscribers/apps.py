from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscribersConfig(AppConfig):
    name = "subscribers"
    verbose_name = _("Subscribers' space")

    def ready(self) -> None:
        from portal.access import register_reader
        from portal.admin_index import register_index_notice
        from portal.upkeep import register_digest
        from subscriptions.digest import staff_section

        from .access import subscriber_reader
        from .admin import subscribers_notice
        from .digest import open_claims_digest

        register_reader(subscriber_reader)
        register_index_notice(subscribers_notice)
        # Claims open for more than 10 days are a section of the staff's daily digest.
        register_digest("subscribers.open_claims", lambda now: staff_section(open_claims_digest(now)))
