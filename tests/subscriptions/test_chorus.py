"""The Chorus Pro client against a local fake of PISTE and Chorus Pro (success, rejection, outage), and
the deposit job: run in the worker, idempotent, its status kept."""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import facturx
import pytest

from portal.models import BackgroundJob
from subscriptions.invoicing import services
from subscriptions.invoicing.chorus import ChorusClient, ChorusError, ChorusRejected
from subscriptions.invoicing.tasks import deposit_invoice_on_chorus
from tests.subscriptions.invoice_helpers import activated_invoice

pytestmark = pytest.mark.django_db


class FakeChorus:
    """PISTE's token endpoint and Chorus Pro's deposit, checking what the client sends."""

    def __init__(self):
        self.answer = {"codeRetour": 0, "libelle": "GCU_MSG_01_000", "numeroFluxDepot": "FLUX-0001"}
        self.status = 200
        self.deposits: list[dict] = []
        self.headers: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if self.path == "/oauth/token":
                    form = parse_qs(body.decode())
                    if form.get("client_secret") != ["secret"] or form.get("grant_type") != ["client_credentials"]:
                        return self._reply(401, {"error": "invalid_client"})
                    return self._reply(200, {"access_token": "TOKEN", "expires_in": 3600})
                if self.path == "/cpro/factures/v1/deposer/flux":
                    if self.headers["Authorization"] != "Bearer TOKEN":
                        return self._reply(401, {})
                    fake.headers.append(dict(self.headers))
                    fake.deposits.append(json.loads(body))
                    return self._reply(fake.status, fake.answer)
                return self._reply(404, {})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def client(self, **options) -> ChorusClient:
        values = {"client_secret": "secret", **options}
        return ChorusClient(
            api_url=self.url,
            token_url=self.url + "/oauth/token",
            client_id="colophon",
            login="tech@colophon",
            password="pw",
            timeout=5,
            **values,
        )


@pytest.fixture
def fake():
    server = FakeChorus()
    yield server
    server.server.shutdown()
    server.server.server_close()


def test_a_deposit_sends_the_facturx_and_keeps_the_flow_number(fake):
    invoice = activated_invoice(public=True)
    deposit = services.chorus_deposit_run(deposit_id=invoice.chorus_deposit.pk, client=fake.client())
    assert deposit.status == "deposited" and deposit.flow_number == "FLUX-0001" and deposit.by_api
    (sent,) = fake.deposits
    assert sent["syntaxeFlux"] == "IN_DP_E2_CII_FACTURX" and sent["nomFichier"] == invoice.pdf_filename
    _name, xml = facturx.get_xml_from_pdf(base64.b64decode(sent["fichierFlux"]), check_xsd=True)
    assert invoice.number.encode() in xml
    assert base64.b64decode(fake.headers[0]["cpro-account"]) == b"tech@colophon:pw"


def test_a_second_run_does_not_deposit_twice(fake):
    invoice = activated_invoice(public=True)
    services.chorus_deposit_run(deposit_id=invoice.chorus_deposit.pk, client=fake.client())
    services.chorus_deposit_run(deposit_id=invoice.chorus_deposit.pk, client=fake.client())
    assert len(fake.deposits) == 1


def test_a_rejection_keeps_its_reason(fake):
    fake.status, fake.answer = 400, {"codeRetour": 20001, "libelle": "Le destinataire est inconnu"}
    invoice = activated_invoice(public=True)
    deposit = services.chorus_deposit_run(deposit_id=invoice.chorus_deposit.pk, client=fake.client())
    assert deposit.status == "rejected" and deposit.reason == "Le destinataire est inconnu"


def test_wrong_credentials_or_an_outage_leave_it_to_deposit(fake):
    invoice = activated_invoice(public=True)
    with pytest.raises(ChorusError) as error:
        services.chorus_deposit_run(deposit_id=invoice.chorus_deposit.pk, client=fake.client(client_secret="bad"))
    assert not isinstance(error.value, ChorusRejected)
    fake.status = 503
    with pytest.raises(ChorusError):
        services.chorus_deposit_run(deposit_id=invoice.chorus_deposit.pk, client=fake.client())
    invoice.chorus_deposit.refresh_from_db()
    assert invoice.chorus_deposit.status == "to_deposit"


def test_with_credentials_the_invoice_is_deposited_by_the_job(fake, settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CHORUS_PRO_CLIENT_ID, settings.CHORUS_PRO_CLIENT_SECRET = "colophon", "secret"
    settings.CHORUS_PRO_LOGIN, settings.CHORUS_PRO_PASSWORD = "tech@colophon", "pw"
    settings.CHORUS_PRO_API_URL, settings.CHORUS_PRO_TOKEN_URL = fake.url, fake.url + "/oauth/token"
    with django_capture_on_commit_callbacks(execute=True):
        invoice = activated_invoice(public=True)
    invoice.chorus_deposit.refresh_from_db()
    assert invoice.chorus_deposit.status == "deposited" and len(fake.deposits) == 1
    job = BackgroundJob.objects.get(kind=services.KIND_CHORUS_DEPOSIT)
    assert job.status == "succeeded" and job.result["flow_number"] == "FLUX-0001"
    deposit_invoice_on_chorus(job.pk)  # a redelivered message: the job is finished, nothing is sent again
    assert len(fake.deposits) == 1


def test_without_credentials_it_waits_in_the_queue(settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with django_capture_on_commit_callbacks(execute=True):
        invoice = activated_invoice(public=True)
    assert invoice.chorus_deposit.status == "to_deposit"
    assert not BackgroundJob.objects.filter(kind=services.KIND_CHORUS_DEPOSIT).exists()
