"""Creating folders, renaming, moving, deleting and downloading from the browser; other accounts get 404."""

import io
import zipfile

import pytest
from django.urls import reverse

from drive.models import DriveEntry
from tests.drive.factories import folder, upload
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = UserFactory(account=AccountFactory())
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return user


def test_create_a_folder_and_see_the_message_next_to_the_field(client, member):
    response = client.post(reverse("drive:folder_create"), {"space": "drive", "name": "Épreuves"})
    assert response.status_code == 302 and response["Location"] == reverse("drive:archive")
    response = client.post(reverse("drive:folder_create"), {"space": "drive", "name": ".."})
    assert response.status_code == 400
    assert "This name cannot be used" in response.content.decode()
    assert list(DriveEntry.objects.values_list("name", flat=True)) == ["Épreuves"]


def test_rename_and_its_refusal(client, member):
    stored = upload(member.account, "a.txt")
    upload(member.account, "b.txt")
    response = client.post(reverse("drive:rename", args=[stored.pk]), {"name": "b.txt"})
    assert response.status_code == 400 and "already exists" in response.content.decode()
    response = client.post(reverse("drive:rename", args=[stored.pk]), {"name": "c.txt"})
    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.name == "c.txt"


def test_move_offers_the_accounts_folders_and_moves(client, member):
    stored = upload(member.account, "a.txt")
    target = folder(member.account, "Archives", space="drive")
    folder(AccountFactory(), "Étranger")
    page = client.get(reverse("drive:move", args=[stored.pk])).content.decode()
    assert "Archives" in page and "Étranger" not in page
    response = client.post(reverse("drive:move", args=[stored.pk]), {"target": f"drive:{target.pk}"})
    assert response.status_code == 302 and response["Location"] == reverse("drive:folder", args=[target.pk])
    stored.refresh_from_db()
    assert stored.parent == target and stored.space == "drive"


def test_delete_asks_first_then_deletes(client, member):
    stored = upload(member.account, "a.txt")
    page = client.get(reverse("drive:delete", args=[stored.pk])).content.decode()
    assert "This cannot be undone" in page
    assert DriveEntry.objects.filter(pk=stored.pk).exists()
    assert client.post(reverse("drive:delete", args=[stored.pk])).status_code == 302
    assert not DriveEntry.objects.filter(pk=stored.pk).exists()


def test_a_read_only_folder_is_not_deleted(client, member):
    kept = folder(member.account, "C2026-0001", space="drive", read_only=True)
    response = client.post(reverse("drive:delete", args=[kept.pk]))
    assert response.status_code == 400 and "kept by the portal" in response.content.decode()
    assert DriveEntry.objects.filter(pk=kept.pk).exists()


def test_download_a_file_and_a_folder_as_zip(client, member):
    target = folder(member.account, "Projet")
    stored = upload(member.account, "a.txt", b"contenu", parent=target)
    response = client.get(reverse("drive:download", args=[stored.pk]))
    assert b"".join(response.streaming_content) == b"contenu"
    assert 'filename="a.txt"' in response["Content-Disposition"]
    response = client.get(reverse("drive:download", args=[target.pk]))
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.read("a.txt") == b"contenu"


@pytest.mark.parametrize("name", ["drive:rename", "drive:move", "drive:delete"])
def test_another_accounts_entry_cannot_be_changed(client, member, name):
    stranger = upload(AccountFactory(), "a.txt")
    response = client.post(reverse(name, args=[stranger.pk]), {"name": "pris.txt", "target": "my_files:"})
    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.name == "a.txt"
