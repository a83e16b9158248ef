"""Uploading a file: generated storage key, size and hash kept, quota enforced, replace on request."""

import pytest

from drive import services
from drive.models import DEFAULT_QUOTA_BYTES, DriveEntry
from tests.drive.factories import upload
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_storage_key_never_holds_the_customers_name(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    account = AccountFactory()
    user = UserFactory(account=account)
    stored = upload(account, "../../etc/passwd mon fichier.txt", b"contenu", user=user)
    assert stored.name == "passwd mon fichier.txt"
    assert stored.file.name.startswith(f"drive/{account.pk}/") and "passwd" not in stored.file.name
    assert stored.size == 7 and len(stored.sha256) == 64 and stored.uploaded_by == user
    assert stored.file.open("rb").read() == b"contenu"


def test_the_default_quota_is_50_gb_and_usage_counts_both_spaces():
    account = AccountFactory()
    upload(account, "a.txt", b"12345")
    upload(account, "b.txt", b"123", space="drive")
    assert services.quota_for(account).limit_bytes == DEFAULT_QUOTA_BYTES == 50 * 1000**3
    assert services.usage_bytes(account) == 8


def test_an_upload_past_the_quota_is_refused_and_nothing_is_stored(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    account = AccountFactory()
    services.quota_set(account=account, limit_bytes=10)
    upload(account, "a.txt", b"123456")
    with pytest.raises(services.QuotaExceeded):
        upload(account, "b.txt", b"123456")
    assert list(DriveEntry.objects.filter(account=account).values_list("name", flat=True)) == ["a.txt"]
    assert len(list((tmp_path / "drive" / str(account.pk)).iterdir())) == 1


def test_replace_gives_a_file_new_content_and_frees_the_old_bytes(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    account = AccountFactory()
    first = upload(account, "a.txt", b"ancien")
    old_key = first.file.name
    with pytest.raises(services.NameTaken):
        upload(account, "A.txt", b"nouveau")
    with django_capture_on_commit_callbacks(execute=True):
        replaced = upload(account, "a.txt", b"nouveau", replace=True)
    assert replaced.pk == first.pk and replaced.size == 7
    assert not (tmp_path / old_key).exists()
    assert replaced.file.open("rb").read() == b"nouveau"
