from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DriveConfig(AppConfig):
    name = "drive"
    verbose_name = _("Drive")
