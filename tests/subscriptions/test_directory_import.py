"""The establishment directory: its CSV read in either header case, upserted on the UAI, imported by staff
in admin through a background job."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.models import BackgroundJob
from subscriptions.directory.generate import HEADERS, directory_rows, write_directory
from subscriptions.directory.importing import directory_import
from subscriptions.directory.parsing import DirectoryFileError, read_layout
from subscriptions.models import Establishment

pytestmark = pytest.mark.django_db


def _file(count=10, **options) -> io.BytesIO:
    text = io.StringIO()
    write_directory(text, count, **options)
    return io.BytesIO(text.getvalue().encode("utf-8"))


@pytest.mark.parametrize("lower", [False, True])
def test_both_header_spellings_are_read(lower):
    report = directory_import(_file(25, lower_case_headers=lower))
    assert report.created == 25 and report.updated == 0 and not report.file_error
    assert Establishment.objects.count() == 25


def test_a_second_import_updates_in_place():
    directory_import(_file(10))
    first = Establishment.objects.order_by("uai").first()
    rows = list(directory_rows(10))
    rows[0][1] = "Lycée renommé"
    rows[0][3] = "Privé"
    text = io.StringIO()
    write_directory(text, 0, rows=rows)
    report = directory_import(io.BytesIO(text.getvalue().encode()))
    assert (report.created, report.updated) == (0, 10)
    again = Establishment.objects.get(uai=rows[0][0])
    assert again.pk == Establishment.objects.get(pk=again.pk).pk
    assert again.name == "Lycée renommé" and again.status == "private"
    assert Establishment.objects.count() == 10
    assert first.pk in set(Establishment.objects.values_list("pk", flat=True))


def test_fields_are_cleaned_and_bad_lines_skipped():
    rows = list(directory_rows(3))
    rows[1][0] = "0750655A"  # wrong check letter
    rows[2][12] = "pas une adresse"
    rows[2][14] = "FERME"
    text = io.StringIO()
    write_directory(text, 0, rows=rows)
    report = directory_import(io.BytesIO(text.getvalue().encode("utf-8-sig")))
    assert (report.created, report.skipped) == (2, 1)
    closed = Establishment.objects.get(uai=rows[2][0])
    assert closed.email == "" and closed.open is False
    public = Establishment.objects.get(uai=rows[0][0])
    assert public.status in ("public", "private") and public.academy


def test_a_file_without_the_columns_is_refused():
    with pytest.raises(DirectoryFileError):
        read_layout(["UAI", "Nom"])
    report = directory_import(io.BytesIO(b"a,b,c\n1,2,3\n"))
    assert "identifiant_de_l_etablissement" in report.file_error
    assert Establishment.objects.count() == 0


def test_progress_is_reported_per_batch():
    seen = []
    directory_import(_file(45), progress=lambda done, total: seen.append((done, total)), batch_size=20)
    assert seen == [(20, 45), (40, 45), (45, 45)]


def test_staff_import_the_file_in_admin(client, staff_user, django_capture_on_commit_callbacks):
    client.force_login(staff_user)
    page = client.get(reverse("admin:subscriptions_establishment_changelist"))
    assert reverse("admin:subscriptions_establishment_import").encode() in page.content
    upload = SimpleUploadedFile("fr-en-annuaire-education.csv", _file(30).getvalue(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:subscriptions_establishment_import"), {"file": upload})
    job = BackgroundJob.objects.get(kind="subscriptions.directory_import")
    assert response.status_code == 302 and response["Location"].endswith(f"/import/{job.pk}/")
    job.refresh_from_db()
    assert job.status == "succeeded" and job.result["created"] == 30
    page = client.get(response["Location"])
    assert "30" in page.content.decode() and Establishment.objects.count() == 30
    status = client.get(reverse("admin:subscriptions_establishment_job_status", args=[job.pk]))
    assert status.status_code == 200


def test_a_file_that_is_not_the_directory_fails_with_a_message(client, staff_user, django_capture_on_commit_callbacks):
    client.force_login(staff_user)
    upload = SimpleUploadedFile("autre.csv", b"nom,ville\nA,B\n", content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:subscriptions_establishment_import"), {"file": upload})
    job = BackgroundJob.objects.get(kind="subscriptions.directory_import")
    assert job.status == "failed" and "identifiant_de_l_etablissement" in job.message


def test_only_staff_with_the_permissions_import(client, customer):
    client.force_login(customer)
    response = client.get(reverse("admin:subscriptions_establishment_import"))
    assert response.status_code == 302  # the admin sends a customer to its sign-in


def test_generated_files_have_the_directory_headers():
    first = _file(1).getvalue().decode().splitlines()[0]
    assert first.split(";") == HEADERS
