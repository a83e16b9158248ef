"""Creating, renaming and moving folders and files in the two spaces."""

import pytest

from drive import services
from drive.forms import FolderCreateForm
from drive.models import DriveEntry
from tests.drive.factories import folder, upload
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_a_folder_is_created_with_a_clean_unique_name():
    account = AccountFactory()
    form = FolderCreateForm({"name": "  Épreuves "})
    assert form.is_valid() and form.cleaned_data["name"] == "Épreuves"  # the browser's form strips spaces
    created = folder(account, form.cleaned_data["name"])
    assert created.is_folder and created.name == "Épreuves" and created.space == "my_files"
    with pytest.raises(services.NameTaken):
        folder(account, "Épreuves")
    folder(account, "Proofs")
    with pytest.raises(services.NameTaken):
        folder(account, "PROOFS")
    # The same name is free in the other space and in another account.
    folder(account, "Épreuves", space="drive")
    folder(AccountFactory(), "Épreuves")


def test_rename_refuses_a_taken_name_and_keeps_the_old_one():
    account = AccountFactory()
    first = upload(account, "a.txt")
    upload(account, "b.txt")
    with pytest.raises(services.NameTaken):
        services.entry_rename(entry=first, name="B.TXT")
    first.refresh_from_db()
    assert first.name == "a.txt"
    assert services.entry_rename(entry=first, name="c.txt").name == "c.txt"


def test_move_into_a_folder_and_across_spaces_carries_the_contents():
    account = AccountFactory()
    outer = folder(account, "Projet")
    inner = folder(account, "Sous-dossier", parent=outer)
    stored = upload(account, "texte.txt", parent=inner)
    archive = folder(account, "Archives", space="drive")
    services.entry_move(entry=outer, space="drive", parent=archive)
    stored.refresh_from_db()
    inner.refresh_from_db()
    assert stored.space == inner.space == "drive"
    assert DriveEntry.objects.get(pk=outer.pk).parent_id == archive.pk


def test_a_folder_cannot_move_into_itself_or_its_descendants():
    account = AccountFactory()
    outer = folder(account, "Projet")
    inner = folder(account, "Sous-dossier", parent=outer)
    for target in (outer, inner):
        with pytest.raises(services.InvalidMove):
            services.entry_move(entry=outer, space="my_files", parent=target)


def test_a_folder_of_another_account_is_no_target():
    account = AccountFactory()
    stranger_folder = folder(AccountFactory(), "Ailleurs")
    with pytest.raises(services.InvalidMove):
        services.entry_move(entry=upload(account), space="my_files", parent=stranger_folder)
    with pytest.raises(services.InvalidMove):
        upload(account, "x.txt", parent=stranger_folder)


def test_read_only_folders_refuse_changes_and_new_content():
    account = AccountFactory()
    kept = folder(account, "Commande C2026-0001", space="drive", read_only=True)
    for change in (
        lambda: services.entry_rename(entry=kept, name="Autre"),
        lambda: services.entry_move(entry=kept, space="drive", parent=None, name="Autre"),
        lambda: services.entry_delete(entry=kept),
        lambda: upload(account, "x.txt", space="drive", parent=kept),
        lambda: folder(account, "Sous", space="drive", parent=kept),
    ):
        with pytest.raises(services.ReadOnly):
            change()
    assert DriveEntry.objects.filter(account=account).count() == 1


def test_files_in_production_cannot_be_deleted_or_replaced(monkeypatch):
    account = AccountFactory()
    stored = upload(account, "couverture.pdf")
    monkeypatch.setattr(services, "production_order_for", lambda entry: "C2026-0042")
    with pytest.raises(services.InProduction) as refused:
        services.entry_delete(entry=stored)
    assert refused.value.params["order"] == "C2026-0042"
    with pytest.raises(services.InProduction):
        upload(account, "couverture.pdf", data=b"autre", replace=True)
    assert DriveEntry.objects.filter(pk=stored.pk).exists()
