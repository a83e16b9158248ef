"""Uploading from the browser: one file per request, PDFs through the intake, the quota while it streams."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from drive import services
from drive.models import DriveEntry
from tests.drive.factories import folder
from tests.factories import AccountFactory, UserFactory
from tests.files.factories import pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = UserFactory(account=AccountFactory())
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return user


def _send(client, name, data, *, query="?space=my_files", ajax=True):
    headers = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"} if ajax else {}
    return client.post(reverse("drive:upload") + query, {"file": SimpleUploadedFile(name, data)}, **headers)


def test_a_file_is_stored_in_the_folder_asked(client, member):
    target = folder(member.account, "Projet", space="drive")
    response = _send(client, "photo.jpg", b"\xff\xd8jpeg", query=f"?folder={target.pk}")
    assert response.status_code == 201 and response.json()["ok"]
    stored = DriveEntry.objects.get(name="photo.jpg")
    assert stored.parent == target and stored.space == "drive" and stored.uploaded_by == member


def test_without_javascript_the_form_sends_and_comes_back(client, member):
    response = _send(client, "notes.txt", b"Bonjour", ajax=False)
    assert response.status_code == 302 and response["Location"] == reverse("drive:my_files")
    assert DriveEntry.objects.filter(name="notes.txt").exists()


def test_a_pdf_passes_the_intake(client, member):
    response = _send(client, "livre.pdf", pdf_bytes(pages=2))
    assert response.status_code == 201
    assert DriveEntry.objects.get(name="livre.pdf").content_type == "application/pdf"


def test_a_file_named_pdf_that_is_not_one_is_refused(client, member):
    response = _send(client, "faux.pdf", b"MZ" + b"\x00" * 2000)
    assert response.status_code == 400 and not response.json()["ok"]
    assert response.json()["message"]
    assert not DriveEntry.objects.exists()


def test_an_upload_past_the_quota_is_stopped_while_it_streams(client, member, tmp_path):
    services.quota_set(account=member.account, limit_bytes=1000)
    response = _send(client, "gros.bin", b"z" * 5000)
    assert response.status_code == 413
    assert "quota" in response.json()["message"]
    assert not DriveEntry.objects.exists()
    assert not (tmp_path / "drive").exists()


def test_a_name_already_used_is_refused_with_its_message(client, member):
    _send(client, "notes.txt", b"un")
    response = _send(client, "notes.txt", b"deux")
    assert response.status_code == 400 and "already exists" in response.json()["message"]


def test_another_accounts_folder_is_not_found(client, member):
    stranger = folder(AccountFactory(), "Ailleurs")
    assert _send(client, "x.txt", b"x", query=f"?folder={stranger.pk}").status_code == 404
    assert _send(client, "x.txt", b"x", query="?space=nowhere").status_code == 404
    assert not DriveEntry.objects.filter(is_folder=False).exists()
