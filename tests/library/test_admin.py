"""The print shop's product page in the admin shows the product's files like the files admin does."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from files.models import ProductFile
from tests.library.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_product_admin_lists_its_files_with_a_download_link_and_the_check_report(client, staff_user):
    product = ProductFactory()
    product_file = ProductFile.objects.create(
        product=product,
        kind="interior",
        file=ContentFile(b"%PDF-1.7\n", name="livre.pdf"),
        original_name="livre.pdf",
        size=9,
        preflight_status="failed",
        preflight_report={"reasons": [{"level": "error", "code": "no_pages", "params": {}}]},
    )
    client.force_login(staff_user)
    html = client.get(reverse("admin:library_product_change", args=[product.pk])).content.decode()
    assert "livre.pdf" in html
    assert reverse("admin:files_productfile_download", args=[product_file.pk]) in html
    assert "Le fichier ne contient aucune page." in html
