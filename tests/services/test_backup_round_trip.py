"""Backups with the field's tools, as the README gives them: pg_dump of the database → pg_restore into a
fresh database → the integrity check passes on it → a customer signed in on the restored portal sees the
same orders (and one that was damaged on purpose is found by the check)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection, transaction

from files.models import ProductFile
from library.models import Product
from orders.models import Order
from portal.numbering import number_next
from tests.factories import AccountFactory, UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n" + b"0" * 5000 + b"\n%%EOF\n"

CUSTOMER_SEES = """
import json, sys
import django
django.setup()
from django.test import Client
from django.urls import reverse
from contacts.models import User
from orders.models import Order
from portal.numbering import number_next
user = User.objects.get(email=sys.argv[1])
client = Client()
client.force_login(user)
page = client.get(reverse("orders:list"))
assert page.status_code == 200, page.status_code
shown = sorted(o.number for o in Order.objects.visible_to(user) if o.number and o.number in page.content.decode())
print(json.dumps(shown))
"""


def _url(name: str) -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{name}"


def _psql_args() -> list[str]:
    db = connection.settings_dict
    return ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"]]


@pytest.fixture
def restored_name():
    if connection.vendor != "postgresql" or not shutil.which("pg_dump"):
        pytest.skip("needs PostgreSQL and its client tools")
    name = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:6]}"
    yield name
    subprocess.run(["dropdb", *_psql_args(), "--if-exists", "--force", name], check=False)


def _manage(*args: str, database: str, media: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": _url(database), "MEDIA_ROOT": str(media), "CELERY_TASK_ALWAYS_EAGER": "true"}
    env.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_dump_restore_check_and_the_customer_sees_the_same_orders(restored_name, settings, tmp_path):
    account = AccountFactory(name="Éditions du Lac")
    ana = UserFactory(email="ana-restore@lac.fr", account=account)
    book = Product.objects.create(account=account, title="Le Lac", page_count=120)
    item = ProductFile(product=book, kind=ProductFile.Kind.INTERIOR, original_name="lac.pdf", size=len(PDF))
    item.file.save("lac.pdf", ContentFile(PDF), save=False)
    item.save()
    with transaction.atomic():
        numbers = [number_next(sequence="order") for _ in range(5)]
        other = number_next(sequence="order")
    for number in numbers:
        Order.objects.create(
            account=account, created_by=ana, name=f"Commande {number}", number=number, status="submitted"
        )
    Order.objects.create(account=AccountFactory(), created_by=None, name="Pas à Ana", number=other, status="submitted")

    dump = tmp_path / "colophon.dump"
    source = connection.settings_dict["NAME"]
    subprocess.run(["pg_dump", *_psql_args(), "--format=custom", "--no-owner", "-f", str(dump), source], check=True)
    subprocess.run(["createdb", *_psql_args(), restored_name], check=True)
    subprocess.run(
        ["pg_restore", *_psql_args(), "--no-owner", "--exit-on-error", "-d", restored_name, str(dump)], check=True
    )

    media = Path(settings.MEDIA_ROOT)
    check = _manage("manage.py", "integrity_check", "--deep", "--no-progress", database=restored_name, media=media)
    assert check.returncode == 0, check.stdout + check.stderr

    seen = _manage("-c", CUSTOMER_SEES, "ana-restore@lac.fr", database=restored_name, media=media)
    assert seen.returncode == 0, seen.stderr
    assert json.loads(seen.stdout.strip().splitlines()[-1]) == numbers

    # The check is not blind: the restored portal without its files is found wanting.
    (media / item.file.name).unlink()
    damaged = _manage("manage.py", "integrity_check", "--no-progress", database=restored_name, media=media)
    assert damaged.returncode == 1 and "missing file" in damaged.stdout + damaged.stderr
