#!/usr/bin/env python
"""The drive's speed and memory: a 2 GB upload over WebDAV and through the browser's upload view, beside
``cp`` of the same file on the same disk; and a depth-1 PROPFIND of a folder of 10,000 files.

    .venv/bin/python bench/bench_drive.py [--size 2000000000] [--files 10000]

Builds a throwaway SQLite database and media folder (local storage). Each upload streams a valid PDF of
``--size`` bytes (generated piece by piece, never held in memory, so the PDF intake judges it as in
production) through the full WSGI stack: ``PUT /dav/My files/…`` through the portal's WSGI dispatcher
and WsgiDAV, and a multipart POST to ``drive:upload`` through Django (middleware, CSRF, the capped
handlers, the intake, the service, storage). For each: the peak resident memory of this process
(VmHWM, reset just before) against its memory before, and the throughput against ``cp`` of a file of
the same size in the same folder. Floors (issue 13): growth < 64 MB; throughput ≥ half of ``cp``;
PROPFIND of 10,000 files < 1 s, with as many queries as for 300. Exit status 1 when one is missed.
"""

from __future__ import annotations

import argparse
import base64
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="colophon-bench-drive-"))
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite3'}"
os.environ["MEDIA_ROOT"] = str(WORK / "media")
os.environ["FILE_UPLOAD_TEMP_DIR"] = str(WORK)
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"  # the preflight is queued for the worker, as in production
os.environ["CELERY_BROKER_URL"] = "memory://"
os.environ.pop("REDIS_URL", None)
os.environ.setdefault("LOG_LEVEL", "WARNING")
tempfile.tempdir = str(WORK)

import logging  # noqa: E402

import django  # noqa: E402

django.setup()
logging.getLogger("kombu").setLevel(logging.ERROR)
logging.getLogger("wsgidav").setLevel(logging.ERROR)

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.bench_upload import BOUNDARY, CSRF_SECRET, GeneratedInput, memory_kb, reset_peak  # noqa: E402
from bench.make_pdf import StreamedPdf  # noqa: E402

GROWTH_LIMIT_MB = 64
PROPFIND_LIMIT_S = 1.0
PROPFIND = b'<?xml version="1.0"?><propfind xmlns="DAV:"><allprop/></propfind>'


def environ_for(method: str, path: str, *, length: int, body, headers: dict) -> dict:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path.encode("utf-8").decode("latin-1"),
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_LENGTH": str(length),
        "wsgi.input": body,
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        environ[key if key in {"CONTENT_TYPE", "QUERY_STRING"} else "HTTP_" + key] = value
    return environ


def call(app, environ) -> tuple[str, bytes]:
    statuses = []
    response = app(environ, lambda status, headers, exc_info=None: statuses.append(status))
    body = b"".join(response)
    if hasattr(response, "close"):
        response.close()
    return statuses[0], body


def measured(work):
    before = memory_kb("VmRSS")
    reset_peak()
    started = time.perf_counter()
    result = work()
    elapsed = time.perf_counter() - started
    return elapsed, (memory_kb("VmHWM") - before) / 1024, result


def cp_seconds(size: int) -> float:
    """``cp`` of a file of ``size`` bytes (the same generated PDF) to another in the same folder."""
    source, target = WORK / "cp-source.pdf", WORK / "cp-target.pdf"
    with open(source, "wb") as handle:
        for piece in StreamedPdf(size).chunks():
            handle.write(piece)
        handle.flush()
        os.fsync(handle.fileno())
    started = time.perf_counter()
    subprocess.run(["cp", str(source), str(target)], check=True)
    elapsed = time.perf_counter() - started
    source.unlink()
    target.unlink()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=2_000_000_000, help="bytes of the uploads (default 2 GB)")
    parser.add_argument("--files", type=int, default=10_000, help="files in the listed folder (default 10,000)")
    args = parser.parse_args()
    try:
        return run(args.size, args.files)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)


def run(size: int, files: int) -> int:
    from contacts.models import Account, User
    from drive import services
    from drive.app_passwords import app_password_create
    from drive.dav.app import DavDispatcher
    from drive.models import DriveEntry

    call_command("migrate", verbosity=0)
    account = Account.objects.create(name="Éditions du banc d’essai")
    user = User.objects.create_user(email="bench@example.fr", password=None, account=account)
    services.quota_set(account=account, limit_bytes=50 * 1000**3)
    _row, secret = app_password_create(user=user, name="banc")
    auth = "Basic " + base64.b64encode(f"{user.email}:{secret}".encode()).decode()
    handler = WSGIHandler()
    dav = DavDispatcher(handler)

    def dav_put(name: str, pdf_size: int) -> str:
        pdf = StreamedPdf(pdf_size)
        environ = environ_for(
            "PUT",
            "/dav/My files/" + name,
            length=pdf.size,
            body=GeneratedInput(pdf.chunks()),
            headers={"Authorization": auth, "Content-Type": "application/pdf"},
        )
        status, body = call(dav, environ)
        if not status.startswith("201"):
            raise SystemExit(f"PUT refused: {status} {body[:500]!r}")
        return status

    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    cookie += f"; {settings.CSRF_COOKIE_NAME}={CSRF_SECRET}"

    def browser_post(name: str, pdf_size: int) -> str:
        pdf = StreamedPdf(pdf_size)
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{CSRF_SECRET}\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        environ = environ_for(
            "POST",
            reverse("drive:upload"),
            length=len(head) + pdf.size + len(tail),
            body=GeneratedInput([head, *pdf.chunks(), tail]),
            headers={
                "Cookie": cookie,
                "X-Requested-With": "XMLHttpRequest",
                "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            },
        )
        environ["QUERY_STRING"] = "space=my_files"
        status, body = call(handler, environ)
        if not status.startswith("201"):
            raise SystemExit(f"upload refused: {status} {body[:500]!r}")
        return status

    # Warm-up: every module and code path loaded once.
    dav_put("échauffement.pdf", 2 * 1024 * 1024)
    browser_post("échauffement-navigateur.pdf", 2 * 1024 * 1024)
    DriveEntry.objects.all().delete()

    copy = cp_seconds(size)
    dav_time, dav_growth, _status = measured(lambda: dav_put("gros fichier – webdav.pdf", size))
    stored = DriveEntry.objects.get(name="gros fichier – webdav.pdf")
    dav_ok_size = Path(stored.file.path).stat().st_size == size
    services.entry_delete(entry=stored)
    web_time, web_growth, _status = measured(lambda: browser_post("gros fichier – navigateur.pdf", size))
    stored = DriveEntry.objects.get(name="gros fichier – navigateur.pdf")
    web_ok_size = Path(stored.file.path).stat().st_size == size
    services.entry_delete(entry=stored)

    mb = size / 1e6
    print(f"file size:                {size / 1e9:.2f} GB ({size:,} bytes), local storage under {WORK}")
    print(f"cp, same disk:            {copy:6.1f} s  {mb / copy:7.0f} MB/s")
    rows = [("WebDAV PUT", dav_time, dav_growth, dav_ok_size), ("browser upload", web_time, web_growth, web_ok_size)]
    ok = True
    for label, elapsed, growth, whole in rows:
        ratio = copy / elapsed
        fine = growth < GROWTH_LIMIT_MB and ratio >= 0.5 and whole
        ok = ok and fine
        print(
            f"{label + ':':<25} {elapsed:6.1f} s  {mb / elapsed:7.0f} MB/s  = {ratio:.2f} × cp (floor 0.50)  "
            f"RSS growth {growth:5.1f} MB (limit {GROWTH_LIMIT_MB})  stored whole: {'yes' if whole else 'NO'}  "
            f"{'ok' if fine else 'MISSED'}"
        )

    # PROPFIND depth 1: a folder of N files, rows made directly (the listing reads rows, not bytes).
    def fill(folder, count: int) -> None:
        have = DriveEntry.objects.filter(parent=folder).count()
        DriveEntry.objects.bulk_create(
            [
                DriveEntry(
                    account=account,
                    space="my_files",
                    parent=folder,
                    name=f"page {number:05} – épreuve.pdf",
                    size=1000 + number,
                    content_type="application/pdf",
                    sha256=f"{number:064x}",
                )
                for number in range(have, count)
            ],
            batch_size=2000,
        )

    def propfind(path: str) -> tuple[float, int, int]:
        environ = lambda: environ_for(  # noqa: E731
            "PROPFIND",
            path,
            length=len(PROPFIND),
            body=__import__("io").BytesIO(PROPFIND),
            headers={"Authorization": auth, "Depth": "1", "Content-Type": "application/xml"},
        )
        call(dav, environ())
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            status, body = call(dav, environ())
            elapsed = time.perf_counter() - started
        assert status.startswith("207"), status
        return elapsed, len(queries), body.count(b"<D:response>")

    small = services.folder_create(account=account, space="my_files", parent=None, name="Trois cents", user=user)
    large = services.folder_create(account=account, space="my_files", parent=None, name="Dix mille", user=user)
    fill(small, 300)
    fill(large, files)
    small_time, small_queries, small_members = propfind("/dav/My files/Trois cents/")
    large_time, large_queries, large_members = propfind("/dav/My files/Dix mille/")
    print(f"PROPFIND depth 1, {small_members - 1:>6,} files: {small_time:6.3f} s  {small_queries} queries")
    fine = large_time < PROPFIND_LIMIT_S and large_queries == small_queries and large_members == files + 1
    ok = ok and fine
    print(
        f"PROPFIND depth 1, {large_members - 1:>6,} files: {large_time:6.3f} s  {large_queries} queries "
        f"(limit {PROPFIND_LIMIT_S:.0f} s, queries as for 300)  {'ok' if fine else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
