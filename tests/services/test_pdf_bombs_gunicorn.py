"""Four PDF bombs posted at once to a real gunicorn (issue 9): each is refused within 10 s and no
gunicorn worker grows by 64 MB, because the web process never parses a PDF (the one intake judges
it in a limited child process).

gunicorn runs with ``portal/gunicorn.conf.py`` on a free loopback port, against this test's
PostgreSQL database (committed data: ``transaction=True``). Two bombs go through the generic link,
two through a customer's product upload. Run by `make test-services`.
"""

from __future__ import annotations

import html
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from contacts.models import TermsOfService
from files.models import ProductFile
from orders.models import Order
from portal import pdf_intake
from tests.factories import UserFactory
from tests.files.factories import ProductFactory
from tests.services.support import running_gunicorn
from tests.submissions.submission_support import make_link

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
SECONDS = 10
MEGABYTES = 64
BOMBS = ["bomb-xref-stream.pdf", "bomb-object-stream.pdf"]


def _kib(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(field)


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def _wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except requests.RequestException:
            pass
        time.sleep(0.2)
    return False


@pytest.fixture
def gunicorn(tmp_path):
    extra = {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "CELERY_TASK_ALWAYS_EAGER": "false"}
    with running_gunicorn(tmp_path, workers=2, threads=2, env=extra) as (base, process):
        assert _wait_for(lambda: len(_children(process.pid)) == 2, 30)
        yield base, process.pid


def _customer_session() -> tuple[dict, int]:
    """A customer's signed-in session cookie (the session is committed: gunicorn reads it) and a product."""
    user = UserFactory()
    product = ProductFactory(account=user.account, page_count=1)
    client = Client()
    client.force_login(user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}, product.pk


def test_four_bombs_at_once_are_refused_in_time_and_the_workers_stay_flat(gunicorn, hostile_corpus):
    base, master = gunicorn
    link = make_link(max_jobs_per_day=1000)
    cookies, product_pk = _customer_session()
    csrf = secrets.token_hex(16)  # a CSRF secret of our own: the cookie and the form field agree
    cookies = {**cookies, settings.CSRF_COOKIE_NAME: csrf}
    submit_url = base + reverse("submission:submit", args=[link.token])
    upload_url = base + reverse("files:upload", args=[product_pk])

    def post(kind: str, name: str) -> tuple[str, int, float, str]:
        data = hostile_corpus[name].path.read_bytes()
        started = time.monotonic()
        if kind == "generic link":
            fields = {
                "csrfmiddlewaretoken": csrf,
                "name": "Jeanne Martin",
                "email": "jeanne@example.fr",
                "title": "Recueil",
                "page_count": "1",
                "quantity": "1",
            }
            response = requests.post(
                submit_url,
                data=fields,
                files={"pdf": (name, data, "application/pdf")},
                cookies=cookies,
                headers={"Accept-Language": "en"},
                allow_redirects=False,
                timeout=60,
            )
        else:
            response = requests.post(
                upload_url,
                data={"csrfmiddlewaretoken": csrf, "kind": "interior"},
                files={"file": (name, data, "application/pdf")},
                cookies=cookies,
                headers={"Accept-Language": "en"},
                allow_redirects=False,
                timeout=60,
            )
        return kind, response.status_code, time.monotonic() - started, response.text

    posts = [(kind, name) for kind in ("generic link", "product file") for name in BOMBS]

    # Warm up both workers (imports, templates, URL resolution) with harmless refusals, then measure.
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(2):
            list(pool.map(lambda kind: post(kind, "text.pdf"), ["generic link", "product file"] * 2))
    workers = _children(master)
    assert len(workers) == 2
    before = {}
    for pid in workers:
        with open(f"/proc/{pid}/clear_refs", "w") as clear:
            clear.write("5")  # reset the peak, so VmHWM is the peak of the bombs' requests
        before[pid] = _kib(pid, "VmRSS")

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda args: post(*args), posts))

    with translation.override("en"):
        refusal = html.escape(pdf_intake.problem_message("too_complex"))
    growth = {pid: (_kib(pid, "VmHWM") - before[pid]) / 1024 for pid in workers}
    print("\n", [(kind, status, f"{seconds:.1f}s") for kind, status, seconds, _text in results], growth)
    for (kind, status, seconds, text), (_kind, name) in zip(results, posts, strict=True):
        assert status in (200, 400), f"{kind} {name}: HTTP {status}"
        assert refusal in text, f"{kind} {name}: not refused as too complex"
        assert seconds < SECONDS, f"{kind} {name}: {seconds:.1f} s"
    for pid, megabytes in growth.items():
        assert megabytes < MEGABYTES, f"gunicorn worker {pid} grew by {megabytes:.0f} MB"
    assert set(_children(master)) == set(workers), "a worker died (killed by the bombs?)"
    assert not Order.objects.exists()
    assert not ProductFile.objects.exists()
    assert not TermsOfService.objects.exists()
