"""Deleting a file or a folder removes the rows and, after the commit, the stored bytes."""

import pytest

from drive import services
from drive.models import DriveEntry
from tests.drive.factories import folder, upload
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_deleting_a_folder_deletes_what_it_holds(settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    account = AccountFactory()
    outer = folder(account, "Projet")
    inner = folder(account, "Sous", parent=outer)
    stored = upload(account, "a.txt", parent=inner)
    kept = upload(account, "reste.txt")
    with django_capture_on_commit_callbacks(execute=True):
        services.entry_delete(entry=outer)
    assert list(DriveEntry.objects.filter(account=account)) == [kept]
    assert not (tmp_path / stored.file.name).exists()
    assert (tmp_path / kept.file.name).exists()


def test_a_folder_holding_a_read_only_folder_is_not_deleted():
    account = AccountFactory()
    outer = folder(account, "Commandes", space="drive")
    folder(account, "C2026-0001", space="drive", parent=outer, read_only=True)
    with pytest.raises(services.ReadOnly):
        services.entry_delete(entry=outer)
    assert DriveEntry.objects.filter(account=account).count() == 2
