"""An import and a preflight go through the real Celery worker (imports and preflight queues) and finish.

The e-mails queue has its own tests in test_celery_worker.py. Each test checks the result the worker
wrote to PostgreSQL and, from the worker's own counters, that the worker process ran the task.
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from contacts.importing.workflow import contact_import_start, contact_import_upload
from contacts.models import User
from files.models import ProductFile
from files.services import product_file_add
from portal.models import BackgroundJob
from tests.files.factories import ProductFactory, pdf_bytes
from tests.services.support import WORKER_BACKED, wait_for

pytestmark = WORKER_BACKED


def finished(job: BackgroundJob) -> bool:
    job.refresh_from_db()
    return job.status in (BackgroundJob.Status.SUCCEEDED, BackgroundJob.Status.FAILED)


def test_a_contact_import_is_previewed_and_run_by_the_imports_worker(worker, staff_user):
    data = b"email;prenom;nom;societe\n" + b"".join(f"p{n}@lac.fr;P{n};N{n};Lac\n".encode() for n in range(30))

    preview = contact_import_upload(file=ContentFile(data, name="clients.csv"), by=staff_user)
    assert wait_for(lambda: finished(preview)), "the preview never finished"
    assert preview.status == BackgroundJob.Status.SUCCEEDED, preview.message
    assert preview.result["created"] == 30
    assert (preview.progress, preview.total, preview.percent) == (len(data), len(data), 100)
    assert preview.started_at and preview.finished_at
    assert not User.objects.filter(email__endswith="@lac.fr").exists(), "a preview writes nothing"

    job = contact_import_start(preview_id=preview.pk, by=staff_user)
    assert wait_for(lambda: finished(job)), "the import never finished"
    assert job.status == BackgroundJob.Status.SUCCEEDED, job.message
    assert job.result["applied"] is True and job.result["created"] == 30
    assert (job.progress, job.total, job.percent) == (len(data), len(data), 100)
    assert User.objects.filter(email__endswith="@lac.fr").count() == 30

    ran = worker.tasks_run()
    assert ran.get("contacts.tasks.import_contacts_preview") == 1
    assert ran.get("contacts.tasks.import_contacts") == 1


def test_an_uploaded_pdf_is_checked_by_the_preflight_worker(worker, customer):
    product = ProductFactory(account=customer.account, page_count=8)
    data = pdf_bytes(pages=8)
    before = worker.tasks_run().get("files.tasks.preflight_product_file", 0)

    product_file = product_file_add(
        product=product,
        kind="interior",
        upload=SimpleUploadedFile("interieur.pdf", data, content_type="application/pdf"),
        sha256=hashlib.sha256(data).hexdigest(),
        user=customer,
    )

    def checked() -> bool:
        product_file.refresh_from_db()
        return product_file.preflight_status not in (ProductFile.Preflight.PENDING, ProductFile.Preflight.RUNNING)

    assert wait_for(checked, timeout=90), "the preflight never finished"
    assert product_file.preflight_status == ProductFile.Preflight.PASSED, product_file.preflight_report
    assert product_file.preflight_report["sha256"] == product_file.sha256
    assert product_file.page_count == 8
    assert product_file.thumbnail and (worker.media_dir / product_file.thumbnail.name).is_file()
    assert worker.tasks_run().get("files.tasks.preflight_product_file", 0) == before + 1
