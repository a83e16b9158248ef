"""What the account export and the anonymisation (``portal.account_data``) find of an account in the
apps of today: the account, its contacts, its address book, its library and files, its orders, its
quotes. Registered from ``WorkspaceConfig.ready``; apps that come later register their own sections.

Layout added to the archive (beside ``manifest.json``)::

    account.json  contacts.json  addresses.json
    products.json                          the library, each product with its files' records
    files/<product>/<file>                 the stored files of the products (print files, invoices…)
    orders.json                            the orders (as the contacts' backup's ``jobs.json``)
    orders/<order>/job-ticket.json         one order, its baskets and lines (the backup's ticket)
    quotes.json                            the quotes, their baskets and lines
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.db.models import Prefetch

from contacts.models import Account, User, UserSession
from files.models import ProductFile
from library.models import Product
from orders.models import Address, BasketLine, Order, ShippingBasket
from portal.account_data import AccountArchive, register_account_section, safe_component
from portal.upkeep import Progress
from quotes.models import Quote, QuoteBasket

from .backups import _fields, _job_ticket, _order_summary, _profile

CHUNK = 200
#: What replaces a person's name, a street, a phone: nothing identifies them any more.
ANONYMOUS_PERSON = {"first_name": "", "last_name": ""}
ANONYMOUS_STREET = {"line1": "", "line2": "", "building": "", "locality": "", "cedex": "", "phone": "", "email": ""}


def anonymous_email(user_id: int) -> str:
    return f"anonymised-{user_id}@anonymised.invalid"


# --- Export ----------------------------------------------------------------------------------


def export_account(archive: AccountArchive, scope, progress: Progress) -> int:
    account = Account.objects.get(pk=scope.account_id)
    archive.write_json(
        archive.name("account.json"), _fields(account) | {"kind": account.kind, "created_at": account.created_at}
    )
    return 1


def export_contacts(archive: AccountArchive, scope, progress: Progress) -> int:
    users = User.objects.filter(account_id=scope.account_id).select_related("account").order_by("pk")
    progress.start("contacts")
    rows = []
    for user in users.iterator(chunk_size=CHUNK):
        rows.append({"id": user.pk, **_profile(user), "active": user.is_active})
        progress.advance()
    archive.write_json(archive.name("contacts.json"), rows)
    return len(rows)


def export_addresses(archive: AccountArchive, scope, progress: Progress) -> int:
    rows = [_fields(a, skip=("account",)) for a in Address.objects.visible_to(scope).order_by("pk").iterator(CHUNK)]
    archive.write_json(archive.name("addresses.json"), rows)
    return len(rows)


def export_products(archive: AccountArchive, scope, progress: Progress) -> int:
    products = (
        Product.objects.visible_to(scope)
        .prefetch_related(Prefetch("files", ProductFile.objects.order_by("uploaded_at", "pk")))
        .order_by("pk")
    )
    progress.start("products and their files", products.count())
    entries: dict[int, str] = archive.shared.setdefault("product_files", {})
    rows = []
    for product in products.iterator(chunk_size=CHUNK):
        folder = safe_component(f"{product.pk} {product.title}", fallback=f"product-{product.pk}")
        files = []
        for product_file in product.files.all():
            entry = archive.name("files", folder, safe_component(product_file.original_name, fallback="file.pdf"))
            stored = archive.copy_file(entry, product_file.file.storage, product_file.file.name, product_file.size)
            if stored:
                entries[product_file.pk] = entry
            files.append(
                {
                    "kind": product_file.kind,
                    "original_name": product_file.original_name,
                    "size": product_file.size,
                    "sha256": product_file.sha256,
                    "uploaded_at": product_file.uploaded_at,
                    "in_archive": entry if stored else None,
                }
            )
        rows.append({**_fields(product, skip=("account", "created_by")), "files": files})
        progress.advance()
    archive.write_json(archive.name("products.json"), rows)
    return len(rows)


def export_orders(archive: AccountArchive, scope, progress: Progress) -> int:
    lines = BasketLine.objects.select_related("product").prefetch_related(
        Prefetch("product__files", ProductFile.objects.order_by("uploaded_at", "pk"))
    )
    baskets = ShippingBasket.objects.select_related("bookseller").prefetch_related(Prefetch("lines", lines))
    orders = Order.objects.visible_to(scope).prefetch_related(Prefetch("baskets", baskets)).order_by("created_at", "pk")
    progress.start("orders", orders.count())
    entries = archive.shared.get("product_files", {})
    summaries = []
    for order in orders.iterator(chunk_size=CHUNK):
        label = " ".join(part for part in (order.number or f"order-{order.pk}", order.name) if part)
        folder = archive.name("orders", safe_component(label, fallback=f"order-{order.pk}"))
        archive.write_json(f"{folder}/job-ticket.json", _job_ticket(order, entries))
        summaries.append({**_order_summary(order), "folder": folder})
        progress.advance()
    archive.write_json(archive.name("orders.json"), summaries)
    return len(summaries)


def export_quotes(archive: AccountArchive, scope, progress: Progress) -> int:
    baskets = QuoteBasket.objects.prefetch_related("lines").order_by("position", "pk")
    quotes = Quote.objects.visible_to(scope).prefetch_related(Prefetch("baskets", baskets)).order_by("pk")
    rows = []
    for quote in quotes.iterator(chunk_size=CHUNK):
        rows.append(
            {
                **_fields(quote, skip=("account",)),
                "baskets": [
                    {
                        **_fields(basket, skip=("quote",)),
                        "lines": [_fields(line, skip=("basket",)) for line in basket.lines.all()],
                    }
                    for basket in quote.baskets.all()
                ],
            }
        )
    archive.write_json(archive.name("quotes.json"), rows)
    return len(rows)


# --- Anonymisation -----------------------------------------------------------------------------


def anonymise_account(account_id: int, dry_run: bool, progress: Progress) -> int:
    """The account's name stays (the invoices' party); its own e-mail and phone go."""
    rows = Account.objects.filter(pk=account_id).exclude(email="", phone="")
    return rows.count() if dry_run else rows.update(email="", phone="")


def anonymise_contacts(account_id: int, dry_run: bool, progress: Progress) -> int:
    """Each person: no name, an e-mail that reaches nobody, no password, signed out, deactivated."""
    people = User.objects.filter(account_id=account_id).exclude(email__endswith="@anonymised.invalid")
    progress.start("contacts to anonymise")
    changed = 0
    for user in people.order_by("pk").iterator(chunk_size=CHUNK):
        changed += 1
        progress.advance()
        if dry_run:
            continue
        user.first_name = user.last_name = ""
        user.email = anonymous_email(user.pk)
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["first_name", "last_name", "email", "is_active", "password"])
        EmailAddress.objects.filter(user=user).delete()
    if not dry_run and changed:
        sessions = UserSession.objects.filter(user__account_id=account_id)
        Session.objects.filter(session_key__in=sessions.values("session_key")).delete()
        sessions.delete()
    return changed


def _anonymise_recipients(rows, dry_run: bool) -> int:
    changed = rows.exclude(**ANONYMOUS_PERSON, **ANONYMOUS_STREET)
    return changed.count() if dry_run else changed.update(**ANONYMOUS_PERSON, **ANONYMOUS_STREET)


def anonymise_addresses(account_id: int, dry_run: bool, progress: Progress) -> int:
    """The address book: no person, no street, no phone or e-mail (company, postcode, city and country
    stay, for the shop's statistics)."""
    return _anonymise_recipients(Address.objects.filter(account_id=account_id), dry_run)


def anonymise_orders(account_id: int, dry_run: bool, progress: Progress) -> int:
    """The orders stay (with their invoices, kept 10 years); their destinations lose the person, the
    street, the phone and the e-mail."""
    return _anonymise_recipients(ShippingBasket.objects.filter(order__account_id=account_id), dry_run)


def anonymise_quotes(account_id: int, dry_run: bool, progress: Progress) -> int:
    """The quotes' destinations, kept as text and as a copy, lose the person and the street."""
    baskets = QuoteBasket.objects.filter(quote__account_id=account_id).exclude(destination_label="", destination={})
    return baskets.count() if dry_run else baskets.update(destination_label="", destination={})


def register() -> None:
    register_account_section("account", export=export_account, anonymise=anonymise_account, order=10)
    register_account_section("contacts", export=export_contacts, anonymise=anonymise_contacts, order=20)
    register_account_section("addresses", export=export_addresses, anonymise=anonymise_addresses, order=30)
    register_account_section("products", export=export_products, order=40)
    register_account_section("orders", export=export_orders, anonymise=anonymise_orders, order=50)
    register_account_section("quotes", export=export_quotes, anonymise=anonymise_quotes, order=60)
