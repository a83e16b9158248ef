"""WebDAV refusals not covered elsewhere, and a depth-1 PROPFIND whose queries do not grow with the folder."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from drive import app_passwords, attachments
from drive.dav import stores
from drive.models import DavLock, DriveEntry
from tests.drive.dav_support import DavClient, dav_path
from tests.drive.factories import folder, upload
from tests.drive.test_attach import my_pdf
from tests.factories import AccountFactory, UserFactory
from tests.files.factories import ProductFactory, pdf_bytes
from tests.orders.factories import BasketFactory, LineFactory, OrderFactory

pytestmark = pytest.mark.django_db

ALLPROP = b'<?xml version="1.0"?><propfind xmlns="DAV:"><allprop/></propfind>'
LOCK = (
    b'<?xml version="1.0"?><lockinfo xmlns="DAV:"><lockscope><exclusive/></lockscope>'
    b"<locktype><write/></locktype><owner>test</owner></lockinfo>"
)


@pytest.fixture
def member(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return UserFactory(account=AccountFactory())


def client_for(user) -> DavClient:
    _row, secret = app_passwords.app_password_create(user=user, name="Portable")
    return DavClient(user.email, secret)


@pytest.fixture
def dav(member):
    return client_for(member)


def _queries(dav, path, body=ALLPROP) -> tuple[int, bytes]:
    dav.request("PROPFIND", path, body, {"Depth": "1"})
    with CaptureQueriesContext(connection) as queries:
        status, _headers, answer = dav.request("PROPFIND", path, body, {"Depth": "1"})
    assert status == 207
    return len(queries), answer


@pytest.mark.parametrize("fast_from", [1, 10**9], ids=["fast listing", "wsgidav"])
def test_propfind_depth_1_runs_the_same_queries_for_10_or_200_files(dav, member, monkeypatch, fast_from):
    from drive.dav import listing

    monkeypatch.setattr(listing, "FAST_LISTING_MIN", fast_from)
    target = folder(member.account, "Projet")
    folder(member.account, "Sous-dossier", parent=target)
    for number in range(10):
        upload(member.account, f"f{number:03}.txt", b"x", parent=target)
    few, _answer = _queries(dav, "/dav/My%20files/Projet/")
    for number in range(10, 200):
        upload(member.account, f"f{number:03}.txt", b"x", parent=target)
    many, answer = _queries(dav, "/dav/My%20files/Projet/")
    assert many == few
    assert answer.count(b"<d:response>") + answer.count(b"<D:response>") + answer.count(b":response>") >= 201


def test_the_listing_still_shows_each_members_properties_and_locks(dav, member):
    target = folder(member.account, "Projet")
    upload(member.account, "a.txt", b"a", parent=target)
    upload(member.account, "b.txt", b"b", parent=target)
    proppatch = (
        b'<?xml version="1.0"?><propertyupdate xmlns="DAV:" xmlns:z="urn:colophon">'
        b"<set><prop><z:couleur>bleu</z:couleur></prop></set></propertyupdate>"
    )
    assert dav.request("PROPPATCH", dav_path("My files", "Projet", "a.txt"), proppatch)[0] == 207
    assert dav.request("LOCK", dav_path("My files", "Projet", "b.txt"), LOCK, {"Timeout": "Second-60"})[0] == 200
    _count, answer = _queries(dav, "/dav/My%20files/Projet/")
    assert answer.count(b"bleu") == 1 and answer.count(b"<D:activelock>") == 1


def test_an_infinite_lock_is_cut_to_a_month(dav, member):
    upload(member.account, "a.txt", b"a")
    status, _headers, _body = dav.request("LOCK", dav_path("My files", "a.txt"), LOCK, {"Timeout": "Infinite"})
    assert status == 200
    assert DavLock.objects.get().expire <= time.time() + 4 * 604800 + 5


def test_an_account_cannot_hold_locks_without_end(dav, member, monkeypatch):
    monkeypatch.setattr(stores, "MAX_LOCKS_PER_ACCOUNT", 3)
    for number in range(3):
        upload(member.account, f"f{number}.txt", b"x")
        assert dav.request("LOCK", dav_path("My files", f"f{number}.txt"), LOCK)[0] == 200
    upload(member.account, "f3.txt", b"x")
    assert dav.request("LOCK", dav_path("My files", "f3.txt"), LOCK)[0] == 403
    assert DavLock.objects.count() == 3


def test_another_accounts_lock_on_the_same_path_neither_shows_nor_blocks(dav, member):
    neighbour = UserFactory(account=AccountFactory())
    upload(neighbour.account, "a.txt", b"theirs")
    assert client_for(neighbour).request("LOCK", dav_path("My files", "a.txt"), LOCK)[0] == 200
    upload(member.account, "a.txt", b"mine")
    assert dav.request("PUT", dav_path("My files", "a.txt"), b"changed")[0] == 204
    assert dav.request("DELETE", dav_path("My files", "a.txt"))[0] == 204
    assert DavLock.objects.filter(account=neighbour.account).count() == 1


def test_a_lock_on_another_accounts_file_is_not_found_and_makes_nothing(dav):
    upload(AccountFactory(), "secret.txt", b"x")
    status, _headers, _body = dav.request("LOCK", dav_path("Drive", "Dossier absent", "x.txt"), LOCK)
    assert status in (404, 409)
    assert not DavLock.objects.exists() and DriveEntry.objects.count() == 1


@pytest.mark.parametrize(
    "name",
    ["a" * 201, "bad\x01name.txt", "con:tent.txt", "...", "\u2024\u2024", "x\u202eexe.txt".replace("\u202e", "\\")],
)
def test_absurd_names_are_refused_and_nothing_is_stored(dav, name):
    for method in ("PUT", "MKCOL"):
        status, _headers, _body = dav.request(
            method, "/dav/My%20files/" + _quote(name), b"x" if method == "PUT" else b""
        )
        assert status in (400, 403, 404, 409), (method, name, status)
    assert not DriveEntry.objects.exists()


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


def test_a_file_used_by_an_order_in_production_cannot_be_replaced_or_deleted_over_webdav(dav, member):
    product = ProductFactory(account=member.account)
    entry = my_pdf(member.account, "interieur.pdf")
    attachments.file_attach(entry=entry, product=product, kind="interior", user=None)
    order = OrderFactory(account=member.account, status="in_production", number="C2026-0300")
    LineFactory(basket=BasketFactory(order=order), product=product)
    path = dav_path("My files", "interieur.pdf")
    assert dav.request("PUT", path, pdf_bytes(pages=2))[0] == 403
    assert dav.request("DELETE", path)[0] == 403
    assert dav.request("MOVE", path, headers={"Destination": "/dav/My%20files/autre.pdf"})[0] == 403
    assert DriveEntry.objects.get(pk=entry.pk).sha256 == entry.sha256
