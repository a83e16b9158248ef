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
    count = DriveEntry.objects.count()
    load_demo_data()
    assert DriveEntry.objects.count() == count
