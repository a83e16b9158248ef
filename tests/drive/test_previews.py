"""Previews: a PDF's first pages (drawn and checked in the worker), images, the start of a text."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from drive import previews, tasks
from drive.models import DriveEntry
from tests.drive.factories import upload
from tests.drive.test_attach import my_pdf
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_a_pdf_is_checked_and_its_first_pages_drawn_by_the_task(
    customer, customer_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as enqueued:
        entry = my_pdf(customer.account, pages=5)
    assert entry.preflight_status == "pending" and len(enqueued) == 1
    tasks.preflight_drive_entry(entry.pk)
    entry.refresh_from_db()
    assert entry.preflight_status in {"passed", "warnings"} and entry.page_count == 5
    assert len(entry.previews) == previews.PREVIEW_PAGES
    assert all(name.startswith(f"drive-previews/{customer.account_id}/") for name in entry.previews)
    stored = list(entry.previews)
    tasks.preflight_drive_entry(entry.pk)  # a second run changes nothing
    entry.refresh_from_db()
    assert entry.previews == stored
    page = customer_client.get(reverse("drive:preview", args=[entry.pk]))
    assert page.status_code == 200 and page.content.decode().count(reverse("drive:preview", args=[entry.pk])) >= 3
    image = customer_client.get(reverse("drive:preview_image", args=[entry.pk, 0]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")
    assert customer_client.get(reverse("drive:preview_image", args=[entry.pk, 3])).status_code == 404


def test_deleting_a_pdf_removes_its_previews(customer, django_capture_on_commit_callbacks):
    from drive import services

    entry = my_pdf(customer.account, pages=1)
    tasks.preflight_drive_entry(entry.pk)
    entry.refresh_from_db()
    storage = entry.file.storage
    assert entry.previews and all(storage.exists(name) for name in entry.previews)
    with django_capture_on_commit_callbacks(execute=True):
        services.entry_delete(entry=entry)
    assert not any(storage.exists(name) for name in entry.previews)


def test_an_image_is_shown_only_when_its_bytes_are_an_image(customer, customer_client):
    real = upload(customer.account, "photo.png", png_bytes())
    DriveEntry.objects.filter(pk=real.pk).update(content_type="image/png")
    fake = upload(customer.account, "faux.png", b"<svg onload=alert(1)>")
    DriveEntry.objects.filter(pk=fake.pk).update(content_type="image/svg+xml")
    answer = customer_client.get(reverse("drive:preview_image", args=[real.pk, 0]))
    assert answer.status_code == 200 and answer["Content-Type"] == "image/png"
    assert "sandbox" in answer["Content-Security-Policy"] and answer["X-Content-Type-Options"] == "nosniff"
    assert customer_client.get(reverse("drive:preview_image", args=[fake.pk, 0])).status_code == 404


def test_a_text_shows_its_start_escaped(customer, customer_client):
    entry = upload(customer.account, "lisez-moi.txt", "Bonjour <script>é</script>\n".encode() * 5000)
    page = customer_client.get(reverse("drive:preview", args=[entry.pk])).content.decode()
    assert "Bonjour &lt;script&gt;é" in page and "<script>é" not in page
    assert page.count("Bonjour") < 5000  # only the start


def test_another_accounts_preview_is_not_found(customer_client):
    theirs = upload(AccountFactory(), "secret.txt", b"x")
    assert customer_client.get(reverse("drive:preview", args=[theirs.pk])).status_code == 404
    assert customer_client.get(reverse("drive:preview_image", args=[theirs.pk, 0])).status_code == 404


def test_the_listing_offers_a_preview_only_for_what_it_can_show(customer, customer_client):
    entry = my_pdf(customer.account, pages=1)
    zipped = upload(customer.account, "archive.zip", b"PK")
    DriveEntry.objects.filter(pk=zipped.pk).update(content_type="application/zip")
    page = customer_client.get(reverse("drive:my_files")).content.decode()
    assert reverse("drive:preview", args=[entry.pk]) in page
    assert page.count("/preview/") == 1
    assert customer_client.get(reverse("drive:preview", args=[zipped.pk])).status_code == 404


def test_my_files_with_attachments_runs_the_same_queries_for_3_or_40_files(customer, customer_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from drive import attachments
    from tests.files.factories import ProductFactory

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert customer_client.get(reverse("drive:my_files")).status_code == 200
        return len(queries)

    product = ProductFactory(account=customer.account)
    for number in range(3):
        attachments.file_attach(
            entry=my_pdf(customer.account, f"a{number}.pdf"), product=product, kind="cover", user=None
        )
    count()  # the first request of the session also reads what later ones keep
    few = count()
    for number in range(37):
        upload(customer.account, f"n{number}.txt", b"x")
    assert count() == few
