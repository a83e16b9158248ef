from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.files.factories import ProductFactory, pdf_bytes


@pytest.fixture
def product(account):
    return ProductFactory(account=account, page_count=8)


@pytest.fixture
def media_files(settings):
    """Every file under MEDIA_ROOT (the test's own folder): proves what is, or is not, stored."""

    def _list():
        root = settings.MEDIA_ROOT
        return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) if root.exists() else []

    return _list


@pytest.fixture
def upload_pdf():
    def _make(name="interieur.pdf", **kwargs):
        return SimpleUploadedFile(name, pdf_bytes(**kwargs), content_type="application/pdf")

    return _make
