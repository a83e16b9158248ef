"""The demo data give the demo publisher a few drive folders and files, once."""

import pytest

from drive.models import DriveEntry
from workspace.demo import load_demo_data

pytestmark = pytest.mark.django_db


def test_the_demo_publisher_has_a_drive(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_demo_data()
    names = set(DriveEntry.objects.filter(account__name="Éditions du Phare").values_list("space", "name"))
    assert {
        ("my_files", "Notes de mise en page.txt"),
        ("drive", "Maquettes"),
        ("drive", "Charte couleurs.txt"),
    } <= names
    publisher = DriveEntry.objects.filter(account__name="Éditions du Phare")
    # Two years of orders, each in its read-only folder of the drive, by order and product.
    orders = publisher.filter(order__isnull=False)
    assert orders.count() == 4 and all(folder.read_only for folder in orders)
    assert publisher.filter(parent__parent__order__isnull=False, is_folder=False, read_only=True).count() == 8
    # "My files" kept the PDFs of the order still in production (due to go), and a new one.
    kept = set(publisher.filter(space="my_files").values_list("name", flat=True))
    assert "almanach-de-la-côte-intérieur.pdf" in kept and "les-marées-dautomne-intérieur.pdf" not in kept
    count = DriveEntry.objects.count()
    load_demo_data()
    assert DriveEntry.objects.count() == count
