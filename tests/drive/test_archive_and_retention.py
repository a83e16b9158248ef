"""The drive's archive of submitted orders (read-only folders), and "My files" let go after the order."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from drive import archive, attachments, retention, services
from drive.models import DriveAttachment, DriveEntry
from files import services as file_services
from files.models import ProductFile
from orders import services as order_services
from portal import upkeep
from tests.drive.dav_support import DavClient, dav_path
from tests.drive.test_attach import my_pdf
from tests.files.factories import ProductFactory, pdf_bytes
from tests.orders.factories import BasketFactory, LineFactory, OrderFactory, submittable_order

pytestmark = pytest.mark.django_db


def order_with(product, **kwargs):
    order = OrderFactory(account=product.account, **kwargs)
    LineFactory(basket=BasketFactory(order=order), product=product)
    return order


def test_submitting_an_order_copies_its_files_into_read_only_folders(
    customer, django_capture_on_commit_callbacks, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    order = submittable_order(account=customer.account, name="Printemps")
    product = order.baskets.get().lines.get().product
    attachments.file_attach(entry=my_pdf(customer.account), product=product, kind="interior", user=None)
    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_submit(order_id=order.pk, user=customer)
    order.refresh_from_db()
    folder = DriveEntry.objects.get(order=order)
    assert folder.read_only and folder.space == "drive" and folder.name == f"{order.number} – Printemps"
    assert folder.parent.name == "Commandes" and folder.parent.read_only
    copy = DriveEntry.objects.get(parent__parent=folder, is_folder=False)
    assert copy.read_only and copy.name == "interieur.pdf" and copy.parent.name == product.title
    source = ProductFile.objects.get(product=product)
    assert copy.product_file == source and copy.sha256 == source.sha256
    assert copy.file.name != source.file.name and copy.file.read() == source.file.open("rb").read()
    assert services.usage_bytes(customer.account) == DriveEntry.objects.get(space="my_files").size  # not counted twice


def test_archiving_twice_copies_nothing_more_and_a_replaced_file_is_kept_beside(customer):
    product = ProductFactory(account=customer.account)
    attachments.file_attach(entry=my_pdf(customer.account), product=product, kind="interior", user=None)
    order = order_with(product, number="C2026-0100", status="submitted", submitted_at=timezone.now())
    assert archive.order_archive(order_id=order.pk) == 1
    assert archive.order_archive(order_id=order.pk) == 0
    product_file = ProductFile.objects.get(product=product)
    data = pdf_bytes(pages=4)
    from django.core.files.uploadedfile import SimpleUploadedFile

    file_services.product_file_replace(
        product_file=product_file,
        kind="interior",
        upload=SimpleUploadedFile("interieur.pdf", data),
        sha256="autre",
        user=None,
    )
    assert archive.order_archive(order_id=order.pk) == 1
    names = sorted(DriveEntry.objects.filter(parent__parent__order=order).values_list("name", flat=True))
    assert names == ["interieur (2).pdf", "interieur.pdf"]
    assert archive.order_archive(order_id=OrderFactory(account=customer.account).pk) == 0  # a draft


def test_the_archive_cannot_be_changed_in_the_browser_or_over_webdav(customer, customer_client):
    product = ProductFactory(account=customer.account)
    attachments.file_attach(entry=my_pdf(customer.account), product=product, kind="cover", user=None)
    order = order_with(product, number="C2026-0101", status="submitted", submitted_at=timezone.now())
    archive.order_archive(order_id=order.pk)
    copy = DriveEntry.objects.get(parent__parent__order=order)
    for action in ("rename", "move", "delete"):
        response = customer_client.post(reverse(f"drive:{action}", args=[copy.pk]), {"name": "x.pdf"})
        assert response.status_code == 400, action
    with pytest.raises(services.ReadOnly):
        services.entry_delete(entry=copy.parent.parent.parent)
    from drive import app_passwords

    _row, secret = app_passwords.app_password_create(user=customer, name="Poste")
    dav = DavClient(customer.email, secret)
    path = dav_path("Drive", "Commandes", copy.parent.parent.name, copy.parent.name, "cover.pdf")
    assert dav.request("GET", path.replace("cover.pdf", "interieur.pdf"))[0] == 200
    assert dav.request("PUT", path, b"%PDF-1.4")[0] == 403
    assert dav.request("DELETE", path.replace("cover.pdf", "interieur.pdf"))[0] == 403
    assert DriveEntry.objects.filter(parent__parent__order=order).count() == 1


def test_archive_all_takes_the_history_from_before_the_drive(customer):
    product = ProductFactory(account=customer.account)
    attachments.file_attach(entry=my_pdf(customer.account), product=product, kind="cover", user=None)
    order_with(product, number="C2025-0001", status="completed", submitted_at=timezone.now() - timedelta(days=400))
    assert archive.archive_all(False, upkeep.Progress()).count == 1
    assert archive.archive_all(False, upkeep.Progress()).count == 0


def test_my_files_go_n_days_after_the_order_was_submitted_and_a_second_run_finds_nothing(
    customer, customer_client, settings, django_capture_on_commit_callbacks
):
    settings.DRIVE_MY_FILES_KEEP_DAYS = 30
    product = ProductFactory(account=customer.account)
    used = my_pdf(customer.account, "utilisé.pdf")
    attachments.file_attach(entry=used, product=product, kind="cover", user=None)
    unused = my_pdf(customer.account, "en-attente.pdf")
    submitted = timezone.now() - timedelta(days=10)
    order_with(product, number="C2026-0200", status="shipped", submitted_at=submitted)

    response = customer_client.get(reverse("drive:my_files"))
    rows = {entry.name: entry for entry in response.context["page"].object_list}
    assert rows["utilisé.pdf"].removal_at == submitted + timedelta(days=30)
    assert rows["en-attente.pdf"].removal_at is None
    assert response.context["keep_days"] == 30
    page = response.content.decode()
    assert page.count('class="drive-removal"') == 1
    assert date_format(timezone.localtime(submitted + timedelta(days=30)), "DATE_FORMAT") in page

    assert upkeep.purge_run(only=["drive.my_files"])["drive.my_files"].count == 0  # not yet
    stored = used.file.name
    with django_capture_on_commit_callbacks(execute=True):
        result = upkeep.purge_run(only=["drive.my_files"], now=timezone.now() + timedelta(days=21))
    assert result["drive.my_files"].count == 1 and not result["drive.my_files"].problems
    assert list(DriveEntry.objects.filter(space="my_files")) == [unused]
    assert not used.file.storage.exists(stored)
    assert ProductFile.objects.filter(product=product).exists() and not DriveAttachment.objects.exists()
    again = upkeep.purge_run(only=["drive.my_files"], now=timezone.now() + timedelta(days=21))
    assert again["drive.my_files"].count == 0


def test_a_file_whose_order_is_still_in_production_is_kept(customer):
    product = ProductFactory(account=customer.account)
    entry = my_pdf(customer.account)
    attachments.file_attach(entry=entry, product=product, kind="cover", user=None)
    order_with(product, number="C2026-0201", status="in_production", submitted_at=timezone.now() - timedelta(days=90))
    result = retention.purge_my_files(False, timezone.now(), upkeep.Progress())
    assert result.count == 0 and DriveEntry.objects.filter(pk=entry.pk).exists()
    assert retention.purge_my_files(True, timezone.now(), upkeep.Progress()).count == 1  # a dry run counts it
