"""Account export (a ZIP of JSON and files, one account and nothing else) and anonymisation of a departed
account (people and addresses gone, orders and the account's name kept, audit-logged), by their commands."""

from __future__ import annotations

import datetime
import json
import zipfile

import pytest
from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

from contacts.models import User
from files.models import ProductFile
from library.models import Product
from orders.models import Address, BasketLine, Order, ShippingBasket
from portal.account_data import ANONYMISED, account_sections
from portal.models import AuditEntry
from quotes.models import Quote, QuoteBasket
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"0" * 1000 + b"\n%%EOF\n"


def product_file(product, kind, name, data=PDF):
    item = ProductFile(product=product, kind=kind, original_name=name, size=len(data))
    item.file.save("ignored.pdf", ContentFile(data), save=False)
    item.save()
    return item


@pytest.fixture
def lac():
    """An account with two contacts, an address, a book with its files, an order delivered to a person, a quote."""
    account = AccountFactory(name="Éditions du Lac", email="contact@lac.fr", phone="01 02 03 04 05")
    ana = UserFactory(email="ana@lac.fr", first_name="Ana", last_name="Dupont", account=account)
    UserFactory(email="bob@lac.fr", first_name="Bob", last_name="Martin", account=account)
    EmailAddress.objects.create(user=ana, email=ana.email, primary=True, verified=True)
    Address.objects.create(account=account, first_name="Jeanne", last_name="Lac", line1="3 rue des Lilas", city="Lyon")
    book = Product.objects.create(account=account, title="Le Lac", page_count=120)
    product_file(book, ProductFile.Kind.INTERIOR, "interieur.pdf")
    product_file(book, ProductFile.Kind.INVOICE, "facture.pdf", data=b"%PDF invoice")
    order = Order.objects.create(account=account, created_by=ana, name="Le Lac", number="C-0001")
    basket = ShippingBasket.objects.create(
        order=order,
        kind=ShippingBasket.Kind.ADDRESS,
        first_name="Jeanne",
        last_name="Lac",
        line1="3 rue des Lilas",
        postcode="69001",
        city="Lyon",
        phone="06 00 00 00 00",
    )
    BasketLine.objects.create(basket=basket, product=book, quantity=30)
    quote = Quote.objects.create(account=account, number="D-0001", valid_until=datetime.date(2026, 12, 31))
    QuoteBasket.objects.create(
        quote=quote, kind="address", destination_label="Jeanne Lac\n3 rue des Lilas\n69001 Lyon", destination={"a": 1}
    )
    # Another account's data is never part of this one's export.
    other = AccountFactory(name="Autre")
    Product.objects.create(account=other, title="Pas à nous", page_count=2)
    Order.objects.create(account=other, created_by=UserFactory(account=other), name="Pas à nous")
    return account


def test_every_section_of_today_is_registered():
    names = [section.name for section in account_sections()]
    assert names[:6] == ["account", "contacts", "addresses", "products", "orders", "quotes"]


def test_the_export_holds_the_account_and_nothing_of_another(lac, tmp_path, capsys):
    target = tmp_path / "lac.zip"
    call_command("account_export", str(lac.pk), "--output", str(target), "--no-progress")
    out = capsys.readouterr().out
    assert "account_export: account" in out and "2 files, 0 missing files" in out

    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        read = lambda entry: json.loads(archive.read(entry))  # noqa: E731
        manifest = read("manifest.json")
        assert manifest["sections"] == {
            "account": 1,
            "contacts": 2,
            "addresses": 1,
            "products": 1,
            "orders": 1,
            "quotes": 1,
        }
        assert read("account.json")["name"] == "Éditions du Lac"
        assert {c["email"] for c in read("contacts.json")} == {"ana@lac.fr", "bob@lac.fr"}
        assert read("addresses.json")[0]["line1"] == "3 rue des Lilas"
        (product,) = read("products.json")
        assert product["title"] == "Le Lac"
        interior = next(f for f in product["files"] if f["kind"] == ProductFile.Kind.INTERIOR)
        assert archive.read(interior["in_archive"]) == PDF
        (order,) = read("orders.json")
        ticket = read(f"{order['folder']}/job-ticket.json")
        assert ticket["baskets"][0]["lines"][0]["files"][0]["in_archive"] in names
        assert read("quotes.json")[0]["number"] == "D-0001"
        assert "Pas à nous" not in json.dumps([read(n) for n in names if n.endswith(".json")], ensure_ascii=False)
    assert not (tmp_path / "lac.zip.partial").exists()


def test_a_dry_run_writes_nothing_and_a_missing_file_exits_1(lac, tmp_path, capsys, monkeypatch):
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    call_command("account_export", str(lac.pk), "--dry-run", "--no-progress")
    assert list(here.iterdir()) == []
    assert "nothing written (dry run)" in capsys.readouterr().out

    gone = ProductFile.objects.get(kind=ProductFile.Kind.INTERIOR)
    gone.file.storage.delete(gone.file.name)
    with pytest.raises(SystemExit) as exit_status:
        call_command("account_export", str(lac.pk), "--output", str(tmp_path / "x.zip"), "--no-progress")
    assert exit_status.value.code == 1
    assert "missing file: files/" in capsys.readouterr().err


def test_an_unknown_account_is_refused():
    with pytest.raises(CommandError, match="no account 999"):
        call_command("account_export", "999")
    with pytest.raises(CommandError, match="no account 999"):
        call_command("account_anonymise", "999", "--yes")


def test_anonymisation_needs_a_confirmation_and_its_dry_run_changes_nothing(lac, capsys):
    with pytest.raises(CommandError, match="--yes"):
        call_command("account_anonymise", str(lac.pk))
    call_command("account_anonymise", str(lac.pk), "--dry-run", "--no-progress")
    out = capsys.readouterr().out
    assert "contacts: 2 would be anonymised" in out and "rows would be anonymised" in out
    assert User.objects.filter(email="ana@lac.fr").exists()
    assert not AuditEntry.objects.filter(action=ANONYMISED).exists()


def test_anonymisation_removes_people_and_addresses_keeps_orders_and_invoices_and_is_audited(lac, capsys):
    call_command("account_anonymise", str(lac.pk), "--yes", "--no-progress")
    assert "account_anonymise: account" in capsys.readouterr().out

    people = list(User.objects.filter(account=lac))
    assert len(people) == 2
    for person in people:
        assert (person.first_name, person.last_name, person.is_active) == ("", "", False)
        assert person.email.endswith("@anonymised.invalid") and not person.has_usable_password()
    assert not EmailAddress.objects.filter(user__account=lac).exists()
    address = Address.objects.get(account=lac)
    assert (address.first_name, address.line1, address.city) == ("", "", "Lyon")
    basket = ShippingBasket.objects.get(order__account=lac)
    assert (basket.first_name, basket.line1, basket.phone, basket.postcode) == ("", "", "", "69001")
    assert QuoteBasket.objects.get(quote__account=lac).destination_label == ""
    lac.refresh_from_db()
    assert (lac.name, lac.email, lac.phone) == ("Éditions du Lac", "", "")
    # What the law keeps: the orders, their products and the invoices' files.
    assert Order.objects.filter(account=lac, number="C-0001").exists()
    invoice = ProductFile.objects.get(kind=ProductFile.Kind.INVOICE)
    assert invoice.file.storage.exists(invoice.file.name)
    (entry,) = AuditEntry.objects.filter(action=ANONYMISED)
    assert entry.account_id == lac.pk and "contacts: 2" in entry.message

    call_command("account_anonymise", str(lac.pk), "--yes", "--no-progress")
    assert "0 rows anonymised" in capsys.readouterr().out
    assert AuditEntry.objects.filter(action=ANONYMISED).count() == 1  # twice changes nothing more
