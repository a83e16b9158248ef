#!/usr/bin/env python
"""Stored documents against today's render-per-click, side by side in one run (issue 11).

    .venv/bin/python bench/bench_documents.py [--lines 50] [--seconds 10] [--runs 10] [--skip-callgrind]
                                              [--parts 1,2,3]

1. Downloads through gunicorn (the portal's gunicorn.conf.py, DEBUG off) at 16 concurrent
   connections: the stored 50-line quote PDF and the same quote rendered on every click (today's
   view, served by bench/documents_site/ only). A download is the view ``quotes:pdf`` (session,
   scope, a 302) then the signed link it names, answered before Django by
   ``portal.documents.signed`` (the file, no middleware, no query). Measured with wrk: the signed
   link alone, the view alone, the render per click; with Python threads (wrk follows no
   redirect): the full flow, view + file. Floors: p95 under 30 ms for the stored file (the signed
   link), and the full flow at least 20 times the downloads per second of the render per click.
   Beside them, the CPU time of one request of each in this process (Django's test client, the
   WSGI application): a figure a busy machine does not move much, when the latencies above are the
   load's as much.
2. From "request a quote" (the customer's POST) to the PDF stored, with an idle, warm Celery worker
   on the ``documents`` queue (Redis: REDIS_URL, default redis://127.0.0.1:6379/13), median and
   p95 over the runs, split where the time goes (the worker's INFO log). Floor: 1.5 s for both.
3. The warm render in instructions (valgrind's callgrind, repeatable on a noisy machine): a process
   rendering 1 + 2 times minus one rendering 1 + 1 time. Ceiling: today's 1.65 G.

It runs on PostgreSQL as production does (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/colophon_bench_documents, created and dropped), stored files in a
temporary folder removed at the end. Needs wrk and valgrind (Debian packages); a part whose tool is
missing says so and is skipped.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
PYTHON = sys.executable
P95_LIMIT_MS = 30.0
SPEEDUP_FLOOR = 20.0
STORED_LIMIT_S = 1.5
INSTRUCTIONS_CEILING = 1.65e9
CONNECTIONS = 16
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/colophon_bench_documents"

WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d seconds=%f p50=%f p95=%f p99=%f errors=%d non2xx=%d\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, summary.errors.status))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="documents_site.settings",
        PYTHONPATH=f"{ROOT}{os.pathsep}{BENCH}",
        DATABASE_URL=env.get("DATABASE_URL", DEFAULT_URL),
        MEDIA_ROOT=str(tmp / "media"),
        DJANGO_DEBUG="false",
        REDIS_URL=env.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
        CELERY_TASK_ALWAYS_EAGER="false",
        LOG_LEVEL="WARNING",
        # A signed link made before a wrk run stays good through it (production: 60 s).
        DOCUMENT_LINK_SECONDS="3600",
        # Persistent database connections, as in production (COLOPHON_ENV=production: 60 s).
        DATABASE_CONN_MAX_AGE=env.get("DATABASE_CONN_MAX_AGE", "60"),
    )
    # One thread per gunicorn worker: two WeasyPrint renders in threads of one process corrupt each
    # other's state (AssertionError in weasyprint/pdf/stream.py, "corrupted double-linked list" from
    # GLib), so today's view under the default 2 threads fails instead of being measured.
    env.setdefault("GUNICORN_THREADS", "1")
    return env


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path[:0] = [str(ROOT), str(BENCH)]
    import django

    django.setup()
    import logging

    for name in ("weasyprint", "fontTools", "celery", "kombu"):
        logging.getLogger(name).setLevel(logging.WARNING)


def make_world(lines: int):
    """A customer with a signed-in session, a 50-line draft and its quote with the PDF stored."""
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    from portal.documents.services import document_render
    from portal.models import Document
    from quotes.services import quote_create_from_order
    from tests.factories import AccountFactory, UserFactory
    from tests.quotes.factories import order_with_lines

    user = UserFactory(account=AccountFactory(name="Éditions du Beffroi"))
    order = order_with_lines(account=user.account, lines=lines // 2, baskets=2)
    quote = quote_create_from_order(order=order, user=user)
    document = Document.objects.get(object_id=quote.pk, kind="quote")
    document_render(document_id=document.pk)
    client = Client()
    client.force_login(user)
    return user, order, quote, client, client.cookies["sessionid"].value


def process_tree_cpu(pid: int) -> float:
    """CPU seconds spent by gunicorn's master ``pid`` and its workers, the recycled ones included
    (a worker reaped by the master adds to its cutime/cstime): a figure the machine's load moves
    much less than latencies."""
    tick = os.sysconf("SC_CLK_TCK")

    def stat(process: str) -> list[str]:
        with open(f"/proc/{process}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()

    fields = stat(str(pid))
    total = sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    for entry in os.listdir("/proc"):
        if entry.isdigit() and entry != str(pid):
            try:
                child = stat(entry)
            except OSError:
                continue
            if child[1] == str(pid):  # ppid
                total += int(child[11]) + int(child[12])
    return total / tick


def wrk(url: str, cookie: str, seconds: int, tmp: Path, server: int | None = None) -> dict[str, float]:
    script = tmp / "report.lua"
    script.write_text(WRK_SCRIPT)
    command = ["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--timeout", "60s", "-s", str(script)]
    command += ["-H", f"Cookie: sessionid={cookie}", url]
    cpu_before = process_tree_cpu(server) if server else 0.0
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(r"RESULT (.*)", output)
    values = dict(item.split("=") for item in match.group(1).split())
    result = {key: float(value) for key, value in values.items()}
    result["rps"] = result["requests"] / result["seconds"]
    if server and result["requests"]:
        result["cpu_ms"] = (process_tree_cpu(server) - cpu_before) / result["requests"] * 1000
    return result


def flows(base: str, view_path: str, cookie: str, seconds: float) -> dict[str, float]:
    """The whole download as a browser makes it, on CONNECTIONS keep-alive connections: the view
    (scope checked, 302) then the signed link it names (the file). wrk follows no redirect, so
    this client is Python threads (http.client); each flow's time is from its first byte sent
    to the file's last byte read."""
    import http.client
    import threading
    from urllib.parse import urlsplit

    host = urlsplit(base)
    durations: list[float] = []
    failures = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def run() -> None:
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
        mine: list[float] = []
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                connection.request("GET", view_path, headers={"Cookie": f"sessionid={cookie}"})
                redirect = connection.getresponse()
                redirect.read()
                location = redirect.getheader("Location", "")
                connection.request("GET", location)
                download = connection.getresponse()
                body = download.read()
                ok = redirect.status == 302 and download.status == 200 and body.startswith(b"%PDF-")
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
            if ok:
                mine.append(time.perf_counter() - started)
            else:
                with lock:
                    failures[0] += 1
        connection.close()
        with lock:
            durations.extend(mine)

    began = time.perf_counter()
    threads = [threading.Thread(target=run) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    ordered = sorted(durations) or [float("nan")]

    def percentile(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

    return {
        "requests": len(durations),
        "seconds": elapsed,
        "rps": len(durations) / elapsed,
        "p50": percentile(0.50),
        "p95": percentile(0.95),
        "p99": percentile(0.99),
        "errors": failures[0],
        "non2xx": 0,
    }


def part_downloads(env, tmp, quote, client, cookie, seconds) -> bool:
    if shutil.which("wrk") is None:
        print("1. downloads: skipped (wrk is not installed: apt-get install wrk)")
        return True
    port = free_port()
    gunicorn = subprocess.Popen(
        [
            *(PYTHON, "-m", "gunicorn", "-c", str(ROOT / "portal" / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}"),
            *("--access-logfile", "/dev/null", "--error-logfile", str(tmp / "gunicorn.log"), "portal.wsgi:application"),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        view_path = f"/quotes/{quote.pk}/pdf/"
        view_url = f"{base}{view_path}"
        render_url = f"{base}/bench/quotes/{quote.pk}/render-per-click/"
        # A link as the view signs it (valid DOCUMENT_LINK_SECONDS, long enough for the bench).
        signed_url = base + client.get(view_path)["Location"]
        check = subprocess.run(
            [
                *("curl", "-s", "-L", "-o", "/dev/null", "-w", "%{http_code} %{size_download} %{num_redirects}"),
                *("-b", f"sessionid={cookie}", view_url),
            ],
            capture_output=True,
            text=True,
        ).stdout
        wrk(view_url, cookie, 2, tmp)  # warm every gunicorn worker
        signed = wrk(signed_url, "", seconds, tmp, server=gunicorn.pid)
        view = wrk(view_url, cookie, seconds, tmp, server=gunicorn.pid)
        flow = flows(base, view_path, cookie, seconds)
        # Renders last: one still queued would hold a worker while the downloads are measured.
        wrk(render_url, cookie, 4, tmp)
        rendered = wrk(render_url, cookie, max(seconds, 30), tmp, server=gunicorn.pid)
    finally:
        gunicorn.kill()  # renders still queued would hold a graceful stop for half a minute
        gunicorn.wait(30)
    speedup = flow["rps"] / rendered["rps"] if rendered["rps"] else float("inf")
    workers = env.get("GUNICORN_WORKERS", f"{(os.cpu_count() or 1) * 2 + 1}")
    threads = env["GUNICORN_THREADS"]
    lines = quote.lines.count()
    print(f"1. downloads of a {lines}-line quote PDF through gunicorn ({workers} workers × {threads} thread),")
    print(f"   {CONNECTIONS} connections, {seconds} s each (first check, redirect followed: HTTP {check})")
    rows = (
        ("signed link (the file)", signed),
        ("view (scope, 302)", view),
        ("full flow (view + file)", flow),
        ("render per click (today)", rendered),
    )
    for label, r in rows:
        print(
            f"   {label:26} {r['rps']:8.1f} req/s   p50 {r['p50']:8.1f} ms   p95 {r['p95']:8.1f} ms"
            f"   p99 {r['p99']:8.1f} ms   errors {int(r['errors'])}, non-2xx {int(r['non2xx'])}"
            + (f"   gunicorn CPU {r['cpu_ms']:.2f} ms/req" if "cpu_ms" in r else "")
        )
    print("   (wrk for all but the full flow, which is Python threads: its req/s are whole downloads)")
    if "cpu_ms" in signed:
        # Little's law: at 16 connections the mean wait is 16 × the CPU per request / the cores
        # the server gets; what a quiet machine's 2 cores give, beside what this run's share gave.
        print(
            f"   at {os.cpu_count()} cores free, the signed link's CPU ({signed['cpu_ms']:.2f} ms) would allow"
            f" {(os.cpu_count() or 1) * 1000 / signed['cpu_ms']:.0f} req/s, a mean wait of"
            f" {CONNECTIONS * signed['cpu_ms'] / (os.cpu_count() or 1):.1f} ms at {CONNECTIONS} connections"
            " (wrk's own CPU not counted)"
        )
    ok_p95 = signed["requests"] > 0 and signed["p95"] < P95_LIMIT_MS and not (signed["non2xx"] or signed["errors"])
    ok_speed = flow["requests"] > 0 and rendered["requests"] > 0 and speedup >= SPEEDUP_FLOOR
    print(f"   stored file p95 < {P95_LIMIT_MS:.0f} ms: {'yes' if ok_p95 else 'NO'} ({signed['p95']:.1f} ms)")
    print(f"   full flow p95 (not a floor): {flow['p95']:.1f} ms")
    if rendered["requests"]:
        print(f"   full flow speed-up ≥ {SPEEDUP_FLOOR:.0f}×: {'yes' if ok_speed else 'NO'} ({speedup:.0f}×)")
    else:
        print(f"   speed-up ≥ {SPEEDUP_FLOOR:.0f}×: NO (no render per click finished in the window: too busy to tell)")
    return ok_p95 and ok_speed and not flow["errors"]


def part_cpu_per_request(quote, client) -> None:
    from wsgiref.util import FileWrapper, setup_testing_defaults

    from portal.wsgi import application

    def median_cpu(call, runs: int) -> float:
        spent = []
        for _ in range(runs + 1):
            started = time.process_time()
            call()
            spent.append(time.process_time() - started)
        return statistics.median(spent[1:])

    view_path = f"/quotes/{quote.pk}/pdf/"

    def view() -> None:
        response = client.get(view_path)
        assert response.status_code == 302, response.status_code

    signed_path = client.get(view_path)["Location"]

    def signed() -> None:
        environ = {"PATH_INFO": signed_path, "REQUEST_METHOD": "GET", "wsgi.file_wrapper": FileWrapper}
        setup_testing_defaults(environ)
        statuses = []
        body = application(environ, lambda status, headers, exc_info=None: statuses.append(status))
        content = b"".join(body)
        body.close()
        assert statuses == ["200 OK"] and content.startswith(b"%PDF-"), statuses

    def rendered() -> None:
        response = client.get(f"/bench/quotes/{quote.pk}/render-per-click/")
        assert response.status_code == 200 and response.content.startswith(b"%PDF-"), response.status_code

    view_cpu, signed_cpu, render_cpu = median_cpu(view, 40), median_cpu(signed, 200), median_cpu(rendered, 5)
    print(
        f"   CPU per request, in-process (median): signed link {signed_cpu * 1000:.2f} ms,"
        f" view {view_cpu * 1000:.1f} ms, render per click {render_cpu * 1000:.0f} ms"
        f" ({render_cpu / (view_cpu + signed_cpu):.0f}× the whole download)"
    )


TASK_LOG = re.compile(
    r"\[(\d+-\d+-\d+ \d+:\d+:\d+,\d+): INFO/[\w-]+\] Task \S+\[([\w-]+)\] (received|succeeded in ([\d.]+)s)"
)


def task_times(log: str, zone: str) -> list[tuple[float, float]]:
    """(received, succeeded) epoch times of each task in the worker's INFO log, in order."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    received: dict[str, float] = {}
    done: list[tuple[float, float]] = []
    for match in TASK_LOG.finditer(log):
        stamp = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S,%f").replace(tzinfo=ZoneInfo(zone)).timestamp()
        if match.group(3) == "received":
            received[match.group(2)] = stamp
        elif match.group(2) in received:
            done.append((received.pop(match.group(2)), stamp))
    return done


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def part_request_to_stored(env, tmp, user, order, client, runs: int) -> bool:
    from django.conf import settings

    from portal.models import Document

    try:
        import redis

        redis.Redis.from_url(settings.REDIS_URL).ping()
    except Exception as error:  # any failure: no broker to measure with
        print(f"2. request → stored: skipped (no Redis at {settings.REDIS_URL}: {error})")
        return True
    log = tmp / "worker.log"
    worker = subprocess.Popen(
        [
            *(PYTHON, "-m", "celery", "-A", "portal", "worker", "-Q", "documents", "-c", "1", "-P", "prefork"),
            *("-n", f"bench-documents-{os.getpid()}@%h", "--without-heartbeat", "--without-gossip", "--without-mingle"),
            *("-l", "INFO", "--logfile", str(log)),  # INFO: the task's received and succeeded times
        ],
        cwd=ROOT,
        env=env,
    )

    def wait_stored(quote_pk: int, timeout: float = 120) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if Document.objects.filter(object_id=quote_pk, kind="quote", status=Document.Status.READY).exists():
                return time.perf_counter()
            time.sleep(0.005)
        raise TimeoutError(f"quote {quote_pk}: never stored (see {log})")

    from django.db.models import F
    from django.utils import timezone

    from orders.models import Order

    def request_quote() -> tuple[float, float, float]:
        """(epoch at the click, seconds to land on the quote's page, seconds to the PDF stored)"""
        # The order changed since its last quote: a new quote, so a new render (else the same one).
        Order.objects.filter(pk=order.pk).update(updated_at=timezone.now(), name=F("name"))
        clicked, started = time.time(), time.perf_counter()
        response = client.post(f"/quotes/from-order/{order.pk}/")
        assert response.status_code == 302, response.status_code
        quote_pk = int(response["Location"].rstrip("/").split("/")[-1])
        landed = time.perf_counter() - started
        return clicked, landed, wait_stored(quote_pk) - started

    try:
        from celery import current_app

        with current_app.connection_for_write() as conn:
            conn.default_channel.queue_purge("documents")
        # The worker's pool process warms its renderer at start (portal.celery); this first quote
        # waits for the worker to be up at all.
        _, _, first = request_quote()
        elapsed = []
        for _ in range(runs):
            time.sleep(1.0)  # the worker is idle, waiting
            elapsed.append(request_quote())
    finally:
        worker.terminate()
        worker.wait(30)
    worker_log = log.read_text()
    tasks = task_times(worker_log, settings.TIME_ZONE)[1:]  # the measured runs' renders
    warmed = re.search(r"documents: renderers warmed in ([\d.]+) s", worker_log)
    totals = [total for _, _, total in elapsed]
    print(f"2. request → PDF stored, idle warm worker, {order.baskets.count()} baskets, {runs} runs")
    print(
        f"   (first quote after the worker started: {first:.3f} s, its start included; the pool process"
        f" warmed its renderer at start: {f'{float(warmed.group(1)):.2f} s' if warmed else 'NOT SEEN'})"
    )
    print(f"   PDF stored after: median {statistics.median(totals):.3f} s, p95 {percentile(totals, 0.95):.3f} s")
    if len(tasks) == len(elapsed):
        queued = [
            received - clicked - landed for (clicked, landed, _), (received, _) in zip(elapsed, tasks, strict=True)
        ]
        ran = [succeeded - received for received, succeeded in tasks]
        seen = [clicked + total - succeeded for (clicked, _, total), (_, succeeded) in zip(elapsed, tasks, strict=True)]
        parts = (
            ("click → on the quote's page (the POST, its commit)", [landed for _, landed, _ in elapsed]),
            ("page → task received by the worker (queue)", queued),
            ("task: load, render, store", ran),
            ("stored → seen by this bench (5 ms polling)", seen),
        )
        for label, values in parts:
            print(
                f"   {label:52} median {statistics.median(values) * 1000:6.0f} ms"
                f"   p95 {percentile(values, 0.95) * 1000:6.0f} ms"
            )
    ok = statistics.median(totals) < STORED_LIMIT_S and percentile(totals, 0.95) < STORED_LIMIT_S
    print(f"   stored < {STORED_LIMIT_S} s (median and p95): {'yes' if ok else 'NO'}")
    return ok


CALLGRIND_PROGRAM = textwrap.dedent(
    """
    import sys
    sys.path[:0] = [{root!r}, {bench!r}]
    import bench_quote_pdf
    from quotes.documents import render_quote_pdf
    quote = bench_quote_pdf.build_quote({lines})
    for _ in range(1 + {warm}):
        render_quote_pdf(quote)
    """
)


def instructions(warm: int, lines: int, tmp: Path) -> int:
    program = tmp / f"render_{warm}.py"
    program.write_text(CALLGRIND_PROGRAM.format(root=str(ROOT), bench=str(BENCH), lines=lines, warm=warm))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "PYTHONHASHSEED": "0"}
    env["DATABASE_URL"] = f"sqlite:///{tmp / 'unused.sqlite3'}"
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp / f'callgrind.{warm}'}", PYTHON, str(program)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    match = re.search(r"Collected : (\d+)", result.stderr)
    if not match:
        raise RuntimeError(result.stderr[-2000:])
    return int(match.group(1))


def part_instructions(tmp: Path, lines: int) -> bool:
    if shutil.which("valgrind") is None:
        print("3. render instructions: skipped (valgrind is not installed)")
        return True
    one, two = instructions(1, lines, tmp), instructions(2, lines, tmp)
    per_render = two - one
    ok = per_render <= INSTRUCTIONS_CEILING * 1.02  # callgrind's own noise is well under 1 %
    print(f"3. warm {lines}-line render under callgrind: {per_render / 1e9:.3f} G instructions")
    print(f"   (processes of 1+1 and 1+2 renders: {one / 1e9:.2f} G and {two / 1e9:.2f} G)")
    print(f"   not above today's {INSTRUCTIONS_CEILING / 1e9:.2f} G: {'yes' if ok else 'NO'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration of each download measure")
    parser.add_argument("--runs", type=int, default=10, help="requests measured from the click to the stored PDF")
    parser.add_argument("--skip-callgrind", action="store_true")
    parser.add_argument("--parts", default="1,2,3", help="which parts to run (a part left out is not judged)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="colophon-bench-documents-") as folder:
        tmp = Path(folder)
        env = environment(tmp)
        sys.path.insert(0, str(BENCH))
        from bench_contact_import import drop_database, recreate_database

        recreate_database(env["DATABASE_URL"])
        try:
            setup_django(env)
            user, order, quote, client, cookie = make_world(args.lines)
            print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
            parts = {part.strip() for part in args.parts.split(",")}
            verdicts = []
            if "1" in parts:
                verdicts.append(part_downloads(env, tmp, quote, client, cookie, args.seconds))
                part_cpu_per_request(quote, client)
            if "2" in parts:
                verdicts.append(part_request_to_stored(env, tmp, user, order, client, args.runs))
            if "3" in parts and not args.skip_callgrind:
                verdicts.append(part_instructions(tmp, args.lines))
            print(f"all floors met: {'yes' if all(verdicts) else 'NO'}")
        finally:
            from django.db import connections

            connections.close_all()
            drop_database(env["DATABASE_URL"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
