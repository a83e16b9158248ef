"""A quote's PDF is rendered by the real Celery worker on the ``documents`` queue, stored, and then
e-mailed as the stored file (the e-mail waits for the render: chained after it)."""

from __future__ import annotations

from django.core.files.storage import default_storage

from portal.models import Document
from quotes.services import quote_create_from_order, quote_send_by_email
from tests.quotes.factories import order_with_lines
from tests.services.support import WORKER_BACKED, wait_for

pytestmark = WORKER_BACKED


def test_the_documents_worker_stores_the_quote_pdf_and_the_email_attaches_it(worker, customer):
    # The worker process serves the whole session: count what this test adds to its counters.
    before = worker.tasks_run()
    quote = quote_create_from_order(order=order_with_lines(account=customer.account), user=customer)
    quote_send_by_email(quote=quote, user=customer)  # asked before the render is done
    document = Document.objects.get(kind="quote", object_id=quote.pk)

    def stored() -> bool:
        document.refresh_from_db()
        return document.is_ready

    assert wait_for(stored, timeout=90), f"the document was never stored: {document.status} {document.error}"
    assert default_storage.open(document.storage_name).read(5) == b"%PDF-"
    assert wait_for(lambda: any(worker.mail_dir.glob("*")), timeout=60), "the e-mail never left"
    [message] = worker.mail_dir.glob("*")
    assert f"devis-{quote.number}.pdf" in message.read_text()
    after = worker.tasks_run()
    ran = {name: after.get(name, 0) - before.get(name, 0) for name in after}
    assert ran.get("portal.documents.tasks.render_document") == 2  # the chained one found it stored
    assert ran.get("portal.tasks.send_outbox_email") == 1
