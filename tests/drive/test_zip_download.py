"""A folder downloads as a ZIP written while it is sent, with its tree and its files' bytes."""

import io
import zipfile

import pytest

from drive import services
from tests.drive.factories import folder, upload
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_the_zip_holds_the_tree(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    account = AccountFactory()
    outer = folder(account, "Projet")
    inner = folder(account, "Épreuves", parent=outer)
    upload(account, "a.txt", b"premier", parent=outer)
    upload(account, "b é.txt", b"second" * 1000, parent=inner)
    upload(account, "ailleurs.txt", b"pas dedans")
    chunks = list(services.zip_stream(outer))
    assert len(chunks) > 1
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    assert archive.testzip() is None
    assert sorted(archive.namelist()) == ["a.txt", "Épreuves/", "Épreuves/b é.txt"]
    assert archive.read("Épreuves/b é.txt") == b"second" * 1000
