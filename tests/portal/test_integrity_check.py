"""manage.py integrity_check: each disagreement between the database and the storage, caused on purpose, is found."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction

from files.models import ProductFile
from portal.models import BackgroundJob, NumberSequence
from portal.numbering import number_next
from tests.factories import OrderFactory
from tests.files.factories import ProductFactory, pdf_bytes
from tests.portal.test_s3_storage import s3_server, s3_storage  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("integrity_check", *args, "--no-progress", stdout=out, stderr=io.StringIO())
    except SystemExit as exit:
        return exit.code, out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def product_file():
    content = pdf_bytes(pages=2)
    return ProductFile.objects.create(
        product=ProductFactory(),
        kind=ProductFile.Kind.INTERIOR,
        file=ContentFile(content, name="interior.pdf"),
        original_name="interior.pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def test_a_whole_portal_passes(product_file):
    code, out = run("--deep")
    assert code == 0, out
    assert "integrity check:" in out and "0 problems" in out


def test_a_deleted_stored_file_is_found(product_file):
    default_storage.delete(product_file.file.name)
    code, out = run()
    assert code == 1
    assert f"missing file: {product_file.file.name} (files.ProductFile#{product_file.pk}.file)" in out


def test_a_file_of_another_size_is_found(product_file):
    with open(default_storage.path(product_file.file.name), "ab") as handle:
        handle.write(b"x")
    code, out = run()
    assert code == 1
    assert f"size differs: {product_file.file.name}" in out
    assert f"recorded {product_file.size}" in out


def test_a_changed_content_of_the_same_size_is_found_only_with_deep(product_file):
    path = default_storage.path(product_file.file.name)
    with open(path, "rb") as handle:
        data = bytearray(handle.read())
    data[-2] ^= 0xFF
    with open(path, "wb") as handle:
        handle.write(bytes(data))
    assert run()[0] == 0
    code, out = run("--deep")
    assert code == 1
    assert f"SHA-256 differs: {product_file.file.name}" in out


def test_an_orphan_is_listed_and_removed_with_fix(product_file):
    orphan = default_storage.save("products/999/left-behind.pdf", ContentFile(b"%PDF-1.7 partial"))
    job_orphan = default_storage.save("jobs/backups/abc/old.zip", ContentFile(b"zip"))
    code, out = run()
    assert code == 1
    assert f"orphan file: {orphan}" in out and f"orphan file: {job_orphan}" in out
    assert f"orphan file: {product_file.file.name}" not in out

    code, out = run("--fix")
    assert code == 0, out
    assert "2 fixed" in out
    assert not default_storage.exists(orphan) and not default_storage.exists(job_orphan)
    assert default_storage.exists(product_file.file.name)
    assert run()[0] == 0


def test_a_referenced_job_result_and_import_source_are_not_orphans():
    source = default_storage.save("imports/contacts/a.csv", ContentFile(b"email\n"))
    BackgroundJob.objects.create(kind="contacts.import_preview", payload={"file": source})
    job = BackgroundJob.objects.create(kind="contacts.backup")
    job.result_file.save("backups/x/backup.zip", ContentFile(b"zip"))
    code, out = run()
    assert code == 0, out


def test_a_missing_import_source_is_found():
    BackgroundJob.objects.create(kind="contacts.import_preview", payload={"file": "imports/contacts/gone.csv"})
    code, out = run()
    assert code == 1
    assert "missing file: imports/contacts/gone.csv" in out


def test_a_broken_counter_is_found():
    with transaction.atomic():
        number = number_next(sequence="order")
    OrderFactory(number=number)
    assert run()[0] == 0
    NumberSequence.objects.filter(name="order").update(last_number=0)
    code, out = run()
    assert code == 1
    assert "numbering: order:" in out and "is behind the highest number given" in out


def test_on_s3_the_bucket_is_walked_and_each_damage_found(s3_storage, monkeypatch):  # noqa: F811  (the fixture)
    storage, client = s3_storage

    def listdir(name):
        raise AssertionError("the bucket is read page by page, never listed whole")

    monkeypatch.setattr(storage, "listdir", listdir)
    content = pdf_bytes(pages=1)
    kept, gone, resized = (
        ProductFile.objects.create(
            product=ProductFactory(),
            kind=ProductFile.Kind.INTERIOR,
            file=ContentFile(content, name="x.pdf"),
            original_name="x.pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )
        for _ in range(3)
    )
    assert client.head_object(Bucket="colophon-files", Key=kept.file.name)  # really in the bucket
    client.delete_object(Bucket="colophon-files", Key=gone.file.name)
    client.put_object(Bucket="colophon-files", Key=resized.file.name, Body=b"%PDF-1.7 other")
    client.put_object(Bucket="colophon-files", Key="products/5/sub/orphan.pdf", Body=b"%PDF")

    code, out = run("--deep")
    assert code == 1
    assert f"missing file: {gone.file.name}" in out
    assert f"size differs: {resized.file.name}" in out
    assert "orphan file: products/5/sub/orphan.pdf" in out
    assert kept.file.name not in out

    assert run("--fix", "--only", "files")[0] == 1  # the missing and resized files stay problems
    keys = {item["Key"] for item in client.list_objects_v2(Bucket="colophon-files")["Contents"]}
    assert "products/5/sub/orphan.pdf" not in keys and kept.file.name in keys


def test_a_check_that_cannot_run_is_a_problem(monkeypatch):
    from portal import upkeep

    monkeypatch.setattr(upkeep, "_checks", dict(upkeep._checks))

    def unreachable(deep, fix, progress):
        raise OSError("storage unreachable")

    upkeep.register_check("storage_probe", unreachable)
    code, out = run()
    assert code == 1
    assert "storage_probe: OSError: storage unreachable" in out
    assert "numbering: ok" in out  # the other checks still ran
