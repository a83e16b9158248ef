"""Backup of a contact's data: the ZIP, checked by extracting it."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from files.models import ProductFile
from library.models import Product
from orders.models import BasketLine, Order, ShippingBasket
from portal.models import BackgroundJob
from tests.factories import AccountFactory, UserFactory
from workspace.backups import backup_filename, safe_component
from workspace.tasks import KIND_BACKUP, backup_contact

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"0" * 300_000 + b"\n%%EOF\n"


def product_file(product, kind, name, data=PDF):
    item = ProductFile(product=product, kind=kind, original_name=name, size=len(data))
    item.file.save("ignored.pdf", ContentFile(data), save=False)
    item.save()
    return item


@pytest.fixture
def ana():
    account = AccountFactory(name="Éditions du Lac")
    return UserFactory(email="ana@example.fr", first_name="Ana", last_name="Dupont", account=account)


@pytest.fixture
def orders(ana):
    book = Product.objects.create(account=ana.account, title="../../etc/passwd", page_count=120)
    product_file(book, ProductFile.Kind.INTERIOR, "../../etc/passwd")
    product_file(book, ProductFile.Kind.COVER, "C:\\Windows\\cover.pdf")
    product_file(book, ProductFile.Kind.INVOICE, "/abs/facture.pdf", data=b"%PDF invoice")
    first = Order.objects.create(account=ana.account, created_by=ana, name="../../etc/passwd", number="C-0001")
    basket = ShippingBasket.objects.create(order=first, kind=ShippingBasket.Kind.PICKUP)
    BasketLine.objects.create(basket=basket, product=book, quantity=3)
    second = Order.objects.create(account=ana.account, created_by=ana, name="Flyers", number="C-0002")
    flyer = Product.objects.create(account=ana.account, title="Flyer", page_count=2)
    product_file(flyer, ProductFile.Kind.COVER_AND_INTERIOR, "flyer.pdf")
    basket = ShippingBasket.objects.create(order=second, kind=ShippingBasket.Kind.PICKUP)
    BasketLine.objects.create(basket=basket, product=flyer, quantity=500)
    # Someone else's order of the same account is not part of Ana's backup.
    Order.objects.create(account=ana.account, created_by=UserFactory(account=ana.account), name="Not Ana's")
    return first, second


def build(contact) -> BackgroundJob:
    job = BackgroundJob.objects.create(kind=KIND_BACKUP, payload={"user_id": contact.pk, "contact": str(contact)})
    backup_contact(job.pk)
    job.refresh_from_db()
    return job


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd", "..", ".", "/etc/passwd", "C:\\Windows\\system32", "a/../../b", "\x00\x1f", "...hidden"],
)
def test_a_component_never_climbs_out(name):
    component = safe_component(name)
    assert component
    assert "/" not in component and "\\" not in component
    assert ".." not in component
    assert not component.startswith(".")


def test_the_zip_extracts_inside_its_folder_with_everything(ana, orders, tmp_path):
    job = build(ana)
    assert job.status == BackgroundJob.Status.SUCCEEDED
    assert job.result["filename"] == backup_filename(ana) == f"ana-dupont-backup-{job.created_at.date():%Y-%m-%d}.zip"
    assert job.progress == job.total > 0

    target = tmp_path / "extracted"
    target.mkdir()
    with job.result_file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        for info in archive.infolist():
            assert not info.filename.startswith("/") and "\\" not in info.filename
            assert ".." not in Path(info.filename).parts
            destination = (target / info.filename).resolve()
            assert destination.is_relative_to(target.resolve())
        archive.extractall(target)
    names = sorted(str(path.relative_to(target)) for path in target.rglob("*") if path.is_file())
    assert names == [
        "C-0001 ._._etc_passwd/C__Windows_cover.pdf",
        "C-0001 ._._etc_passwd/_._etc_passwd",
        "C-0001 ._._etc_passwd/job-ticket.json",
        "C-0001 ._._etc_passwd/support/_abs_facture.pdf",
        "C-0002 Flyers/flyer.pdf",
        "C-0002 Flyers/job-ticket.json",
        "jobs.json",
        "user-profile.json",
    ]
    profile = json.loads((target / "user-profile.json").read_text())
    assert (profile["name"], profile["email"], profile["company"]) == (
        "Ana Dupont",
        "ana@example.fr",
        "Éditions du Lac",
    )
    jobs = json.loads((target / "jobs.json").read_text())
    assert [job["number"] for job in jobs] == ["C-0001", "C-0002"]
    ticket = json.loads((target / "C-0001 ._._etc_passwd" / "job-ticket.json").read_text())
    assert ticket["order"]["number"] == "C-0001"
    line = ticket["baskets"][0]["lines"][0]
    assert line["quantity"] == 3
    assert line["product"]["page_count"] == 120
    assert {f["in_archive"] for f in line["files"]} == {
        "C-0001 ._._etc_passwd/_._etc_passwd",
        "C-0001 ._._etc_passwd/C__Windows_cover.pdf",
        "C-0001 ._._etc_passwd/support/_abs_facture.pdf",
    }
    assert (target / "C-0002 Flyers" / "flyer.pdf").read_bytes() == PDF


def test_rerunning_a_finished_backup_does_nothing(ana, orders):
    job = build(ana)
    name = job.result_file.name
    backup_contact(job.pk)
    job.refresh_from_db()
    assert job.result_file.name == name


def test_a_missing_file_is_reported_not_fatal(ana, orders):
    ProductFile.objects.filter(original_name="flyer.pdf").update(file="products/gone.pdf")
    job = build(ana)
    assert job.status == BackgroundJob.Status.SUCCEEDED
    assert job.result["missing"] == ["C-0002 Flyers/flyer.pdf"]


def test_staff_start_it_from_the_list_and_download_it(
    client, staff_user, ana, orders, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:contacts_user_changelist"), {"action": "backup_selected", "_selected_action": [ana.pk]}
        )
    job = BackgroundJob.objects.get(kind=KIND_BACKUP)
    assert response["Location"] == reverse("admin:contacts_user_job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "ana-dupont-backup-" in page
    download = client.get(reverse("admin:contacts_user_backup_download", args=[job.pk]))
    assert download["Content-Type"] == "application/zip"
    assert f'filename="{job.result["filename"]}"' in download["Content-Disposition"]


def test_a_customer_cannot_download_a_backup(client, ana, orders):
    job = build(ana)
    client.force_login(ana)
    response = client.get(reverse("admin:contacts_user_backup_download", args=[job.pk]))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_staff_without_the_view_permission_cannot_download(client, ana, orders):
    job = build(ana)
    client.force_login(UserFactory(is_staff=True, account=None))
    assert client.get(reverse("admin:contacts_user_backup_download", args=[job.pk])).status_code == 403


def test_the_backup_task_goes_to_the_imports_queue():
    from portal.celery import app

    route = app.amqp.router.route({}, backup_contact.name)
    assert route["queue"].name == "imports"
    assert backup_contact.acks_late
