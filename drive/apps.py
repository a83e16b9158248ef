from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DriveConfig(AppConfig):
    name = "drive"
    verbose_name = _("Drive")

    def ready(self) -> None:
        from files.hooks import register_panel_extra
        from orders.hooks import register_submitted
        from portal.upkeep import ModelFiles, register_files, register_purge, register_rerun

        from . import archive, retention, tasks, views

        register_files(
            ModelFiles("drive.DriveEntry", "file", prefix="drive/", size_field="size", sha256_field="sha256")
        )
        register_purge("drive.my_files", retention.purge_my_files)
        register_rerun("drive_archive", archive.archive_all)
        register_submitted("drive.archive", lambda order: tasks.archive_order.delay_on_commit(order.pk))
        register_panel_extra("drive.attach", views.attach_panel)
