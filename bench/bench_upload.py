#!/usr/bin/env python
"""A big PDF upload through the real upload view: how much the web process grows.

    .venv/bin/python bench/bench_upload.py [--size 2000000000]

Builds a throwaway SQLite database and media folder, signs a customer in, then streams a valid
PDF of ``--size`` bytes (default 2 GB; generated piece by piece, never held in memory) as a
multipart POST through Django's full WSGI stack (middleware, CSRF, our capped upload handlers,
the content check, the service and storage) to ``files:upload``; the preflight is queued, as in
production, for the worker. The peak resident memory of this
process (VmHWM, reset just before the upload) is compared with its memory just before.
Requirement (issue 3): the web process grows by less than 64 MB. Exit status 1 when it does not.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="colophon-bench-upload-"))
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite3'}"
os.environ["MEDIA_ROOT"] = str(WORK / "media")
# As in production, the preflight is queued for the worker (an in-memory broker here), not run by the web process.
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
os.environ["CELERY_BROKER_URL"] = "memory://"
os.environ.pop("REDIS_URL", None)
os.environ.setdefault("LOG_LEVEL", "WARNING")
tempfile.tempdir = str(WORK)  # Django's temporary upload files land here too, and go with it.

import logging  # noqa: E402

import django  # noqa: E402

django.setup()
logging.getLogger("kombu").setLevel(logging.ERROR)

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.make_pdf import StreamedPdf  # noqa: E402

GROWTH_LIMIT_MB = 64
BOUNDARY = "----colophon-bench-boundary"
CSRF_SECRET = "b" * 32  # An unmasked secret in the cookie and in the form, as Django accepts.


def memory_kb(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(field)


def reset_peak() -> None:
    with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
        handle.write("5")  # Resets VmHWM to the current resident size (Linux ≥ 4.0).


class GeneratedInput(io.RawIOBase):
    """``wsgi.input`` that produces the request body on demand, like a socket would."""

    def __init__(self, pieces):
        self.pieces = iter(pieces)
        self.current = memoryview(b"")

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        parts, wanted = [], size
        while wanted != 0:
            if not self.current:
                try:
                    self.current = memoryview(next(self.pieces))
                except StopIteration:
                    break
            take = len(self.current) if wanted < 0 else min(wanted, len(self.current))
            parts.append(self.current[:take])
            self.current = self.current[take:]
            wanted = wanted - take if wanted > 0 else wanted
        return b"".join(parts)

    def readline(self, size: int = -1) -> bytes:  # Not used by the multipart parser.
        return self.read(size)


def multipart(pdf: StreamedPdf, fields: dict[str, str]):
    head = b"".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )
    head += (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    return len(head) + pdf.size + len(tail), [head, *pdf.chunks(), tail]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=2_000_000_000, help="bytes of PDF to upload (default 2 GB)")
    args = parser.parse_args()
    try:
        return run(args.size)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)


def run(size: int) -> int:
    from contacts.models import Account, User
    from files.models import ProductFile
    from library.models import Product

    call_command("migrate", verbosity=0)
    account = Account.objects.create(name="Éditions du banc d’essai")
    user = User.objects.create_user(email="bench@example.fr", password=None, account=account)
    product = Product.objects.create(account=account, title="Gros livre", page_count=1, width_mm=148, height_mm=210)
    client = Client()
    client.force_login(user)
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    handler = WSGIHandler()
    url = reverse("files:upload", args=[product.pk])

    def post(pdf_size: int) -> tuple[str, float]:
        pdf = StreamedPdf(pdf_size)
        length, pieces = multipart(pdf, {"csrfmiddlewaretoken": CSRF_SECRET, "kind": "interior"})
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": url,
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_COOKIE": (
                f"{settings.SESSION_COOKIE_NAME}={session_cookie}; {settings.CSRF_COOKIE_NAME}={CSRF_SECRET}"
            ),
            "HTTP_X_REQUESTED_WITH": "XMLHttpRequest",
            "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
            "CONTENT_LENGTH": str(length),
            "wsgi.input": GeneratedInput(pieces),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        statuses = []
        started = time.perf_counter()
        response = handler(environ, lambda status, headers, exc_info=None: statuses.append(status))
        body = b"".join(response)
        response.close()  # As a WSGI server does: Django then closes the request's temporary files.
        elapsed = time.perf_counter() - started
        if not statuses[0].startswith("200"):
            raise SystemExit(f"upload refused: {statuses[0]}\n{body.decode(errors='replace')[:2000]}")
        return statuses[0], elapsed

    post(2 * 1024 * 1024)  # Warm-up: every module, template and the check's code path loaded once.
    ProductFile.objects.all().delete()
    before = memory_kb("VmRSS")
    reset_peak()
    _, elapsed = post(size)
    peak = memory_kb("VmHWM")
    growth_mb = (peak - before) / 1024
    stored = ProductFile.objects.get()
    on_disk = Path(stored.file.path).stat().st_size

    print(f"upload size:          {size / 1e9:.2f} GB ({size:,} bytes), stored {on_disk:,} bytes")
    rate = size / 1e6 / elapsed
    print(f"time:                 {elapsed:.1f} s ({rate:.0f} MB/s, content check included; the preflight is queued)")
    print(f"web process before:   {before / 1024:.1f} MB resident")
    print(f"web process peak:     {peak / 1024:.1f} MB resident")
    print(f"growth:               {growth_mb:.1f} MB (limit {GROWTH_LIMIT_MB} MB)")
    print(f"preflight:            {stored.preflight_status} (queued for the preflight worker)")
    ok = growth_mb < GROWTH_LIMIT_MB and on_disk == size
    print(f"growth < {GROWTH_LIMIT_MB} MB:        {'yes' if ok else 'NO'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
