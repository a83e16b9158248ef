"""`make rehearsal`: the portal scaled out on one machine, under load and faults (no Docker needed).

Starts on loopback, each of its own (nothing shared with the machine's services): a PostgreSQL cluster
(initdb, a free port), a Redis, moto's S3 server, an SMTP sink (aiosmtpd), two gunicorn nodes with the
production settings, two sets of Celery workers (each its own TMPDIR) and beat. Then prints:

- the shared-nothing checks (sign in on node A, go on on node B);
- the load table: wrk, 16 connections across both nodes as signed-in customers (dashboard, order list,
  an order, library, search), requests per second, p50/p95/p99, errors, beside the floor (/healthz);
- the fault table: SIGKILL of an e-mail worker while it sends 200 e-mails (each must arrive once),
  Redis stopped (pages serve, an e-mail asked meanwhile is kept and sent once it is back), PostgreSQL
  restarted under load (only 503 pages while it is down, then the nodes recover).

    python scripts/rehearsal.py [--short]      # --short: a few seconds of load (CI)

Exit status 1 when a check or a fault is not survived.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG_BIN = (
    Path("/usr/lib/postgresql")
    / (sorted(os.listdir("/usr/lib/postgresql"))[-1] if Path("/usr/lib/postgresql").exists() else "15")
    / "bin"
)
PASSWORD = "Répétition-2026-sûre"  # noqa: S105 (a throw-away customer of a throw-away database)
PROXY = {"X-Forwarded-Proto": "https"}  # what the TLS-terminating proxy adds in production


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, timeout: float, interval: float = 0.25) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if predicate():
                return True
        time.sleep(interval)
    return False


class Stack:
    def __init__(self, base: Path) -> None:
        self.base = base
        self.processes: dict[str, subprocess.Popen] = {}
        self.pg_port, self.redis_port, self.s3_port, self.smtp_port = (free_port() for _ in range(4))
        self.web_ports = [free_port(), free_port()]
        self.pg_data = base / "pg"
        self.mail_log = base / "mail.jsonl"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "CELERY_", "EMAIL_"))},
            "COLOPHON_ENV": "production",
            "SECRET_KEY": "rehearsal-" + "k" * 60,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CSRF_TRUSTED_ORIGINS": ",".join(f"https://127.0.0.1:{p}" for p in self.web_ports),
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.pg_port}/colophon",
            "DATABASE_CONN_MAX_AGE": "60",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "STORAGE_BACKEND": "s3",
            "AWS_STORAGE_BUCKET_NAME": "colophon-rehearsal",
            "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{self.s3_port}",
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_ACCESS_KEY_ID": "rehearsal",
            "AWS_SECRET_ACCESS_KEY": "rehearsal",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.smtp_port),
            "EMAIL_USE_TLS": "false",
            "EMAIL_SENDING_LEASE_SECONDS": "10",
            "JOBS_STALE_MINUTES": "1",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }

    # --- processes ---------------------------------------------------------------------------

    def spawn(self, name: str, args: list[str], env: dict | None = None) -> subprocess.Popen:
        log = open(self.base / f"{name}.log", "ab")  # noqa: SIM115 (kept open while the process runs)
        process = subprocess.Popen(
            args, cwd=ROOT, env=env or self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes[name] = process
        return process

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes.pop(name, None)
        if process and process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)

    def manage(self, *args: str, check: bool = True, input_text: str | None = None) -> str:
        result = subprocess.run(
            [PY, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, input=input_text
        )
        if check and result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)}: {result.stdout}{result.stderr}")
        return result.stdout

    def shell(self, code: str) -> str:
        """Run ``code`` in the portal's shell; its last printed line."""
        lines = self.manage("shell", "--no-imports", "-c", code).strip().splitlines()
        return lines[-1] if lines else ""

    # --- services ------------------------------------------------------------------------------

    def postgres_start(self) -> None:
        self.pg("start")

    def pg(self, action: str) -> None:
        options = (
            f"-p {self.pg_port} -k {self.pg_data} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        )
        command = [str(PG_BIN / "pg_ctl"), "-D", str(self.pg_data), "-l", str(self.base / "postgres.log"), "-w"]
        command += ["-o", options, action] if action == "start" else ["-m", "fast", action]
        subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True)

    def start_services(self) -> None:
        self.pg_data.mkdir()
        shutil.chown(self.pg_data, "postgres", "postgres")
        shutil.chown(self.base, "postgres", "postgres")
        subprocess.run(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                str(PG_BIN / "initdb"),
                "-D",
                str(self.pg_data),
                "-A",
                "trust",
                "-U",
                "postgres",
            ],
            check=True,
            capture_output=True,
        )
        self.postgres_start()
        subprocess.run(
            [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.pg_port), "-U", "postgres", "colophon"],
            check=True,
        )
        self.redis_start()
        self.spawn("s3", [str(Path(PY).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(self.s3_port)])
        self.spawn("smtp", [PY, "scripts/rehearsal_smtp_sink.py", str(self.smtp_port), str(self.mail_log), "0.1"])
        assert wait_for(lambda: requests.get(f"http://127.0.0.1:{self.s3_port}/", timeout=1).ok, 30), "moto"
        import boto3

        boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{self.s3_port}",
            region_name="us-east-1",
            aws_access_key_id="rehearsal",
            aws_secret_access_key="rehearsal",  # noqa: S106 (moto's local server takes any key)
        ).create_bucket(Bucket="colophon-rehearsal")

    def redis_start(self) -> None:
        self.spawn(
            "redis",
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.redis_port), "--save", "", "--appendonly", "no"],
        )
        assert wait_for(lambda: socket.create_connection(("127.0.0.1", self.redis_port), 1).close() is None, 20)

    # --- the portal ----------------------------------------------------------------------------

    def start_portal(self) -> None:
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput", "-v", "0")
        for index, port in enumerate(self.web_ports):
            env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "2"}
            self.spawn(
                f"web-{'AB'[index]}",
                [PY, "-m", "gunicorn", "-c", "portal/gunicorn.conf.py", "portal.wsgi:application"],
                env,
            )
        for index in (1, 2):
            self.start_workers(index)
        self.spawn(
            "beat",
            [PY, "-m", "celery", "-A", "portal", "beat", "-l", "WARNING", "-s", str(self.base / "beat-schedule")],
        )
        for port in self.web_ports:
            assert wait_for(
                lambda port=port: requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200, 60
            ), port

    def start_workers(self, index: int) -> None:
        tmp = self.base / f"workers-{index}-tmp"
        tmp.mkdir(exist_ok=True)
        env = {**self.env, "TMPDIR": str(tmp)}
        self.spawn(
            f"emails-{index}",
            [
                PY,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "-Q",
                "emails",
                "-c",
                "1",
                "-n",
                f"emails-{index}@%h",
                "-l",
                "WARNING",
            ],
            env,
        )
        self.spawn(
            f"others-{index}",
            [
                PY,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "-Q",
                "imports,preflight,documents",
                "-c",
                "1",
                "-n",
                f"others-{index}@%h",
                "-l",
                "WARNING",
            ],
            env,
        )

    def seed(self, accounts: int, orders_per_account: int) -> dict:
        code = SEED % {"accounts": accounts, "orders": orders_per_account, "password": PASSWORD}
        return json.loads(self.shell(code))

    def stop(self) -> None:
        for name in list(self.processes):
            self.kill(name, signal.SIGTERM)
        with contextlib.suppress(Exception):
            self.pg("stop")


SEED = r"""
import json
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from contacts.models import Account, User
from library.models import Product
from orders.models import Order
accounts = [Account(name=f"Éditions Répétition {n:04d}") for n in range(%(accounts)d)]
Account.objects.bulk_create(accounts, batch_size=1000)
accounts = list(Account.objects.order_by("pk"))
users = [
    User(email=f"client{n:04d}@repetition.test", first_name="Client", last_name=f"{n:04d}", account=a, password="!")
    for n, a in enumerate(accounts)
]
User.objects.bulk_create(users, batch_size=1000)
users = list(User.objects.filter(account__isnull=False).order_by("pk"))
products = [Product(account=a, title=f"Livre {k} de {a.name}", page_count=100 + k) for a in accounts for k in range(5)]
Product.objects.bulk_create(products, batch_size=2000)
orders = [
    Order(account=u.account, created_by=u, name=f"Commande {k} de {u.last_name}", status="submitted")
    for u in users
    for k in range(%(orders)d)
]
Order.objects.bulk_create(orders, batch_size=2000)
first = users[0]
first.set_password("%(password)s")
first.save(update_fields=["password"])
sessions = []
for user in users[:16]:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    order = Order.objects.filter(created_by=user).order_by("pk").first()
    sessions.append({"session": store.session_key, "order": order.pk, "email": user.email})
print(json.dumps({"signin": first.email, "sessions": sessions, "orders": Order.objects.count()}))
"""

# --- checks ----------------------------------------------------------------------------------


def node(stack: Stack, index: int) -> str:
    return f"http://127.0.0.1:{stack.web_ports[index]}"


def post_form(stack: Stack, index: int, path: str, fields: dict, cookies: dict | None = None) -> requests.Response:
    """GET the form, POST it back with its CSRF token, as a browser behind the TLS proxy would. The
    portal's cookies are Secure: they are carried by hand over the loopback's plain HTTP."""
    cookies = dict(cookies or {})
    url = node(stack, index) + path
    page = requests.get(url, cookies=cookies, headers=PROXY, timeout=30)
    cookies.update(page.cookies.get_dict())
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    origin = f"https://127.0.0.1:{stack.web_ports[index]}"
    answer = requests.post(
        url,
        data={"csrfmiddlewaretoken": token, **fields},
        cookies=cookies,
        headers={**PROXY, "Referer": origin + path, "Origin": origin},
        allow_redirects=False,
        timeout=30,
    )
    answer.sent_cookies = {**cookies, **answer.cookies.get_dict()}
    return answer


def sign_in(stack: Stack, email: str) -> dict:
    return post_form(stack, 0, "/accounts/login/", {"login": email, "password": PASSWORD}).sent_cookies


def shared_nothing(stack: Stack, data: dict) -> list[tuple[str, bool, str]]:
    session = sign_in(stack, data["signin"]).get("sessionid")
    b = node(stack, 1)
    cookies = {"sessionid": session or ""}
    on_b = requests.get(f"{b}/", cookies=cookies, headers=PROXY, allow_redirects=False, timeout=10)
    orders_b = requests.get(f"{b}/orders/", cookies=cookies, headers=PROXY, allow_redirects=False, timeout=10)
    ok = bool(session) and on_b.status_code == 200 and orders_b.status_code == 200
    return [("signed in on A, dashboard and orders on B", ok, f"B answered {on_b.status_code}, {orders_b.status_code}")]


# --- load --------------------------------------------------------------------------------------

LUA = r"""
local targets = %(targets)s
local counter = 0
c200, c503, c5xx, cother = 0, 0, 0, 0
request = function()
  counter = counter + 1
  local target = targets[(counter %% #targets) + 1]
  return wrk.format("GET", target[2], {["Cookie"] = "sessionid=" .. target[1], ["X-Forwarded-Proto"] = "https"})
end
response = function(status, headers, body)
  if status == 200 then c200 = c200 + 1 elseif status == 503 then c503 = c503 + 1
  elseif status >= 500 then c5xx = c5xx + 1 else cother = cother + 1 end
end
local threads = {}
setup = function(thread) table.insert(threads, thread) end
done = function(summary, latency, requests)
  local t200, t503, t5xx, tother = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    t200 = t200 + thread:get("c200"); t503 = t503 + thread:get("c503")
    t5xx = t5xx + thread:get("c5xx"); tother = tother + thread:get("cother")
  end
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d %%d %%d %%d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, t200, t503, t5xx, tother))
end
"""


def customer_targets(data: dict) -> list[tuple[str, str]]:
    targets = []
    for item in data["sessions"]:
        for path in ("/", "/orders/", f"/orders/{item['order']}/", "/library/", "/search/?q=Livre"):
            targets.append((item["session"], path))
    return targets


def wrk(stack: Stack, targets: list[tuple[str, str]], seconds: int, connections: int = 16) -> dict:
    script = stack.base / f"load-{time.monotonic_ns()}.lua"
    lua_targets = "{" + ",".join(f'{{"{s}","{p}"}}' for s, p in targets) + "}"
    script.write_text(LUA % {"targets": lua_targets})
    per_node = connections // 2
    runs = [
        subprocess.Popen(
            ["wrk", "-t1", f"-c{per_node}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), node(stack, i)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in (0, 1)
    ]
    totals = collections.Counter()
    p = {"p50": [], "p95": [], "p99": []}
    for run in runs:
        out, _ = run.communicate(timeout=seconds + 60)
        line = next(line for line in out.splitlines() if line.startswith("RESULT"))
        requests_, duration, p50, p95, p99, socket_errors, c200, c503, c5xx, cother = map(int, line.split()[1:])
        totals.update(requests=requests_, socket_errors=socket_errors, s200=c200, s503=c503, s5xx=c5xx, other=cother)
        totals["rps"] += requests_ / (duration / 1e6)
        for key, value in (("p50", p50), ("p95", p95), ("p99", p99)):
            p[key].append(value / 1000)
    return {**totals, **{k: max(v) for k, v in p.items()}}


def check_targets(targets: list[tuple[str, str]], stack: Stack) -> list[str]:
    wrong = []
    for session, path in targets[:5]:
        for index in (0, 1):
            answer = requests.get(
                node(stack, index) + path,
                cookies={"sessionid": session},
                headers=PROXY,
                allow_redirects=False,
                timeout=20,
            )
            if answer.status_code != 200:
                wrong.append(f"{path} on {'AB'[index]}: {answer.status_code}")
    return wrong


# --- faults -------------------------------------------------------------------------------------

SEND_EMAILS = r"""
from django.db import transaction
from portal.outbox import outbox_record
with transaction.atomic():
    for n in range(%(count)d):
        outbox_record(subject=f"%(tag)s {n:03d}", body="Répétition", to=[f"lecteur{n:03d}@repetition.test"])
print("ok")
"""


def arrivals(stack: Stack, tag: str) -> collections.Counter:
    counts: collections.Counter = collections.Counter()
    if stack.mail_log.exists():
        for line in stack.mail_log.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            if item["subject"].startswith(tag):
                counts[item["message_id"]] += 1
    return counts


def relay(stack: Stack) -> None:
    stack.shell("from portal.tasks import relay_outbox; relay_outbox()")


def fault_email_worker(stack: Stack, count: int = 200) -> tuple[str, bool, str]:
    tag = f"[rehearsal-{int(time.time())}]"
    stack.shell(SEND_EMAILS % {"count": count, "tag": tag})
    wait_for(lambda: sum(arrivals(stack, tag).values()) >= count // 5, 60, 0.05)
    at_kill = sum(arrivals(stack, tag).values())
    stack.kill("emails-1")  # SIGKILL of the whole worker (main process and its child)
    time.sleep(1)
    stack.start_workers_emails_only(1)
    time.sleep(11)  # EMAIL_SENDING_LEASE_SECONDS: the row the dead worker held is given back by the relay
    relay(stack)
    wait_for(lambda: len(arrivals(stack, tag)) >= count, 120, 0.5)
    time.sleep(2)
    got = arrivals(stack, tag)
    twice = sum(1 for n in got.values() if n > 1)
    # The one message in flight at the kill may reach the SMTP server twice (accepted, then the worker
    # died before recording it): it carries the same Message-ID, which the receiver drops. More than that
    # one, or a message missing, is a failure.
    ok = len(got) == count and twice <= 1
    return (
        f"SIGKILL an e-mail worker during {count} e-mails",
        ok,
        f"killed after {at_kill} arrived; {len(got)}/{count} Message-IDs arrived, {twice} arrived twice "
        "(same Message-ID: the one in flight at the kill)",
    )


def fault_redis(stack: Stack, data: dict) -> tuple[str, bool, str]:
    stack.kill("redis")
    session = data["sessions"][0]
    statuses = collections.Counter()
    for index in (0, 1):
        for path in ("/", "/orders/", f"/orders/{session['order']}/", "/library/"):
            answer = requests.get(
                node(stack, index) + path, cookies={"sessionid": session["session"]}, headers=PROXY, timeout=30
            )
            statuses[answer.status_code] += 1
    # An action that must enqueue: a password reset (its e-mail goes through the outbox).
    reset = post_form(stack, 1, "/accounts/password/reset/", {"email": data["signin"]})
    kept = stack.shell(
        "from portal.models import OutgoingEmail; "
        f"print(OutgoingEmail.objects.filter(to=['{data['signin']}'], status='pending').count())"
    ).strip()
    stack.redis_start()
    time.sleep(2)
    stack.shell(
        "from datetime import timedelta; from django.utils import timezone; from portal.models import OutgoingEmail; "
        "OutgoingEmail.objects.filter(status='pending').update(created_at=timezone.now() - timedelta(minutes=2))"
    )
    relay(stack)
    delivered = wait_for(
        lambda: any(data["signin"] in json.loads(line)["to"] for line in stack.mail_log.read_text().splitlines()), 60
    )
    ok = set(statuses) == {200} and reset.status_code == 302 and kept == "1" and delivered
    return (
        "stop Redis: pages serve, the reset e-mail is kept then sent",
        ok,
        f"pages {dict(statuses)}, reset answered {reset.status_code}, kept in outbox {kept}, "
        f"sent when back {delivered}",
    )


def fault_postgres(stack: Stack, targets, seconds: int) -> tuple[str, bool, str]:
    result: dict = {}

    def load():
        result.update(wrk(stack, targets, seconds))

    import threading

    thread = threading.Thread(target=load)
    thread.start()
    time.sleep(seconds / 3)
    stack.pg("stop")
    time.sleep(2)
    stack.postgres_start()
    thread.join()
    recovered = all(
        requests.get(f"{node(stack, i)}/", cookies={"sessionid": targets[0][0]}, headers=PROXY, timeout=20).status_code
        == 200
        for i in (0, 1)
    )
    ok = result.get("s5xx", 1) == 0 and result.get("other", 1) == 0 and recovered
    return (
        "restart PostgreSQL under load",
        ok,
        f"200: {result.get('s200')}, 503: {result.get('s503')}, other 5xx: {result.get('s5xx')}, "
        f"other: {result.get('other')}, socket errors: {result.get('socket_errors')}, recovered: {recovered}",
    )


START_BACKUP = r"""
import os
from django.core.files.base import ContentFile
from django.db import transaction
from contacts.models import User
from files.models import ProductFile
from library.models import Product
from orders.models import BasketLine, Order, ShippingBasket
from workspace.backups import contact_backup_start
customer = User.objects.get(email="%(email)s")
order = Order.objects.filter(created_by=customer).order_by("pk").first()
basket = ShippingBasket.objects.create(order=order, kind="pickup")
for n in range(%(files)d):
    product = Product.objects.create(account=customer.account, title=f"Gros livre {n}", page_count=400)
    item = ProductFile(product=product, kind="interior", original_name=f"gros-{n}.pdf", size=%(size)d)
    item.file.save(f"gros-{n}.pdf", ContentFile(b"%%PDF-1.4\n" + os.urandom(%(size)d - 9)), save=False)
    item.save()
    BasketLine.objects.create(basket=basket, product=product, quantity=1)
staff = User.objects.create_user(email="atelier-%(tag)s@repetition.test", password=None, is_staff=True)
with transaction.atomic():
    (job,) = contact_backup_start(contacts=User.objects.filter(pk=customer.pk), by=staff)
print(job.pk)
"""


def job_state(stack: Stack, job_id: int) -> tuple[str, str]:
    """Read straight from the rehearsal's database (a shell would take seconds to start)."""
    import psycopg

    with psycopg.connect(stack.env["DATABASE_URL"], connect_timeout=5) as db:
        row = db.execute("SELECT status, message FROM portal_backgroundjob WHERE id = %s", [job_id]).fetchone()
    return row[0], row[1]


def fault_job_worker(stack: Stack, data: dict) -> tuple[str, bool, str]:
    """SIGKILL both sets of the imports workers while a long job (a contact's backup copying its files
    from S3) runs: the job must not stay "running" — the sweep ends it failed with a message."""
    tag = str(int(time.time()))
    job_id = int(
        stack.shell(START_BACKUP % {"email": data["signin"], "files": 20, "size": 4 * 1024 * 1024, "tag": tag})
    )
    running = wait_for(lambda: job_state(stack, job_id)[0] == "running", 60, 0.05)
    stack.kill("others-1")
    stack.kill("others-2")
    status_at_kill = job_state(stack, job_id)[0]
    stack.start_workers_others(1)
    stack.start_workers_others(2)
    if status_at_kill != "running":
        return (
            "SIGKILL the workers during a job",
            status_at_kill == "succeeded",
            f"the job was {status_at_kill} at the kill (running seen: {running}): nothing to survive",
        )
    time.sleep(62)  # JOBS_STALE_MINUTES=1 here: the beat's sweep (every 5 minutes) is run by hand below
    stack.shell("from portal.tasks import sweep_stale_jobs; print(sweep_stale_jobs())")
    status, message = job_state(stack, job_id)
    ok = status in ("failed", "succeeded") and bool(message or status == "succeeded")
    return (
        "SIGKILL the workers during a job (a backup)",
        ok,
        f"running at the kill; after the sweep: {status} — {message[:80]}",
    )


class BigPdfUpload:
    """A multipart body of ``size`` bytes (one PDF field), produced as it is read; ``sent`` counts it."""

    def __init__(self, token: str, size: int) -> None:
        self.boundary = "rehearsal-boundary-7d1f"
        head = (
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\ninterior\r\n'
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="file"; filename="enorme.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
        ).encode()
        tail = f"\r\n--{self.boundary}--\r\n".encode()
        self.parts = [head, tail]
        self.len = size
        self.padding = size - len(head) - len(tail)
        self.sent = 0

    def read(self, n: int = 1024 * 1024) -> bytes:
        if self.sent == 0 and self.parts[0]:
            chunk, self.parts[0] = self.parts[0], b""
        elif self.padding > 0:
            chunk = b"0" * min(n, self.padding)
            self.padding -= len(chunk)
        else:
            chunk, self.parts[1] = self.parts[1], b""
        self.sent += len(chunk)
        return chunk


def _s3_names(stack: Stack, prefix: str) -> set[str]:
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{stack.s3_port}",
        region_name="us-east-1",
        aws_access_key_id="rehearsal",
        aws_secret_access_key="rehearsal",  # noqa: S106 (moto's local server takes any key)
    )
    pages = client.get_paginator("list_objects_v2").paginate(Bucket="colophon-rehearsal", Prefix=prefix)
    return {item["Key"] for page in pages for item in page.get("Contents", [])}


def fault_upload_kill(stack: Stack, data: dict) -> tuple[str, bool, str]:
    """Kill web node A (SIGKILL) while a customer uploads a 500 MB PDF to it: no file row, no object
    left in storage after the purge, and node A comes back."""
    import threading

    import psycopg

    session = data["sessions"][0]
    with psycopg.connect(stack.env["DATABASE_URL"]) as db:
        product = db.execute(
            "SELECT p.id FROM library_product p JOIN contacts_user u ON u.account_id = p.account_id "
            "WHERE u.email = %s ORDER BY p.id LIMIT 1",
            [session["email"]],
        ).fetchone()[0]
        rows_before = db.execute("SELECT count(*) FROM files_productfile").fetchone()[0]
    objects_before = _s3_names(stack, "products/")
    cookies = {"sessionid": session["session"]}
    page = requests.get(f"{node(stack, 0)}/files/product/{product}/", cookies=cookies, headers=PROXY, timeout=30)
    cookies.update(page.cookies.get_dict())
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    body = BigPdfUpload(token, 500 * 1024 * 1024)
    origin = f"https://127.0.0.1:{stack.web_ports[0]}"
    outcome: dict = {}

    def upload() -> None:
        try:
            answer = requests.post(
                f"{node(stack, 0)}/files/product/{product}/upload/",
                data=body,
                cookies=cookies,
                headers={
                    **PROXY,
                    "Content-Type": f"multipart/form-data; boundary={body.boundary}",
                    "Referer": f"{origin}/files/product/{product}/",
                    "Origin": origin,
                },
                timeout=120,
            )
            outcome["status"] = answer.status_code
        except requests.RequestException as error:
            outcome["error"] = type(error).__name__

    thread = threading.Thread(target=upload)
    thread.start()
    wait_for(lambda: body.sent >= 150 * 1024 * 1024, 60, 0.02)
    sent_at_kill = body.sent
    stack.kill("web-A")
    thread.join(timeout=120)
    with psycopg.connect(stack.env["DATABASE_URL"]) as db:
        rows_after = db.execute("SELECT count(*) FROM files_productfile").fetchone()[0]
    left = _s3_names(stack, "products/") - objects_before
    purge_env = {**stack.env, "PURGE_ORPHAN_HOURS": "0"}
    purge = subprocess.run(
        [PY, "manage.py", "purge", "--only", "portal.orphan_files", "--no-progress"],
        cwd=ROOT,
        env=purge_env,
        capture_output=True,
        text=True,
    )
    after_purge = _s3_names(stack, "products/") - objects_before
    env = {
        **stack.env,
        "GUNICORN_BIND": f"127.0.0.1:{stack.web_ports[0]}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": "2",
    }
    stack.spawn("web-A", [PY, "-m", "gunicorn", "-c", "portal/gunicorn.conf.py", "portal.wsgi:application"], env)
    back = wait_for(lambda: requests.get(f"{node(stack, 0)}/healthz", timeout=2).status_code == 200, 60)
    ok = rows_after == rows_before and not after_purge and back and purge.returncode == 0
    return (
        "kill web node A during a 500 MB upload",
        ok,
        f"killed after {sent_at_kill // 2**20} MB sent ({outcome}); file rows {rows_before}→{rows_after}, "
        f"new objects {len(left)} then {len(after_purge)} after the purge; node A back: {back}",
    )


def _start_others_only(self: Stack, index: int) -> None:
    env = {**self.env, "TMPDIR": str(self.base / f"workers-{index}-tmp")}
    self.spawn(
        f"others-{index}",
        [
            PY,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-Q",
            "imports,preflight,documents",
            "-c",
            "1",
            "-n",
            f"others-{index}b-{time.monotonic_ns()}@%h",
            "-l",
            "WARNING",
        ],
        env,
    )


Stack.start_workers_others = _start_others_only  # type: ignore[attr-defined]


def _start_emails_only(self: Stack, index: int) -> None:
    tmp = self.base / f"workers-{index}-tmp"
    env = {**self.env, "TMPDIR": str(tmp)}
    self.spawn(
        f"emails-{index}",
        [
            PY,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-Q",
            "emails",
            "-c",
            "1",
            "-n",
            f"emails-{index}b@%h",
            "-l",
            "WARNING",
        ],
        env,
    )


Stack.start_workers_emails_only = _start_emails_only  # type: ignore[attr-defined]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="a few seconds of load, one fault of each kind (CI)")
    parser.add_argument("--keep", action="store_true", help="leave the folder of logs behind")
    options = parser.parse_args()
    seconds = 5 if options.short else 60
    accounts, orders = (50, 10) if options.short else (1000, 40)
    base = Path(tempfile.mkdtemp(prefix="colophon-rehearsal-"))
    stack = Stack(base)
    failures = 0
    try:
        print(
            f"rehearsal in {base}: PostgreSQL :{stack.pg_port}, Redis :{stack.redis_port}, S3 :{stack.s3_port}, "
            f"SMTP :{stack.smtp_port}, web A :{stack.web_ports[0]}, web B :{stack.web_ports[1]}",
            flush=True,
        )
        stack.start_services()
        stack.start_portal()
        data = stack.seed(accounts, orders)
        print(f"data: {accounts} accounts, {data['orders']} orders, {accounts * 5} products", flush=True)

        print("\nshared nothing")
        for label, ok, detail in shared_nothing(stack, data):
            failures += not ok
            print(f"  {'survived' if ok else 'NOT survived':13} {label}: {detail}")

        targets = customer_targets(data)
        wrong = check_targets(targets, stack)
        if wrong:
            print("  pages that do not answer 200:", ", ".join(wrong))
            failures += 1
        print(f"\nload: wrk, 16 connections for {seconds} s across both nodes")
        floor = wrk(stack, [(data["sessions"][0]["session"], "/healthz")], seconds)
        pages = wrk(stack, targets, seconds)
        print(f"  {'':28} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
        for label, row in (("floor (/healthz)", floor), ("customer pages", pages)):
            errors = row["socket_errors"] + row["s5xx"] + row["s503"] + row["other"]
            print(f"  {label:28} {row['rps']:8.1f} {row['p50']:8.1f} {row['p95']:8.1f} {row['p99']:8.1f} {errors:7d}")
        errors = pages["socket_errors"] + pages["s5xx"] + pages["s503"] + pages["other"]
        goal = errors == 0 and pages["p99"] < 500 and pages["rps"] >= 0.3 * floor["rps"]
        failures += not goal
        print(
            f"  goal (0 errors, p99 < 500 ms, ≥ 0.3× floor): {'met' if goal else 'NOT met'}"
            f" ({pages['rps'] / max(floor['rps'], 1e-9):.2f}× floor)"
        )

        print("\nfaults")
        for label, ok, detail in (
            fault_email_worker(stack),
            fault_redis(stack, data),
            fault_job_worker(stack, data),
            fault_upload_kill(stack, data),
            fault_postgres(stack, targets, max(seconds // 2, 6)),
        ):
            failures += not ok
            print(f"  {'survived' if ok else 'NOT survived':13} {label}: {detail}", flush=True)
        print("  not rehearsed yet: SIGKILL of a worker during a preflight (see README, Operating)")
    finally:
        stack.stop()
        if not options.keep and not failures:
            shutil.rmtree(base, ignore_errors=True)
        else:
            print(f"logs kept in {base}")
    print(f"\nrehearsal: {'all survived' if not failures else f'{failures} not survived'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
