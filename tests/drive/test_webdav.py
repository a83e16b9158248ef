"""The drive over WebDAV: app passwords only, the account's own entries, the drive's rules on writes."""

import pytest

from drive import app_passwords, services
from drive.models import DavLock, DavProperty, DriveEntry
from tests.drive.dav_support import DavClient, dav_path
from tests.drive.factories import folder, upload
from tests.factories import AccountFactory, UserFactory
from tests.files.factories import pdf_bytes

pytestmark = pytest.mark.django_db

PROPFIND = b'<?xml version="1.0"?><propfind xmlns="DAV:"><allprop/></propfind>'


@pytest.fixture
def member(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return UserFactory(account=AccountFactory(), password="mot-de-passe-principal")


@pytest.fixture
def dav(member):
    _created, secret = app_passwords.app_password_create(user=member, name="Portable")
    return DavClient(member.email, secret)


def test_the_main_password_does_not_open_webdav(member):
    status, headers, _body = DavClient(member.email, "mot-de-passe-principal").request("PROPFIND", "/dav/")
    assert status == 401 and "Basic" in headers.get("WWW-Authenticate", "")


def test_both_spaces_appear_as_folders(dav):
    status, _headers, body = dav.request("PROPFIND", "/dav/", PROPFIND, {"Depth": "1"})
    assert status == 207
    assert b"/dav/My%20files/" in body and b"/dav/Drive/" in body


def test_put_stores_under_a_generated_key_and_get_reads_it_back(dav, member):
    status, _headers, _body = dav.request("PUT", dav_path("My files", "Été 2026.txt"), b"bonjour")
    assert status == 201
    stored = DriveEntry.objects.get(account=member.account, name="Été 2026.txt")
    assert (
        stored.size == 7
        and stored.file.name.startswith(f"drive/{member.account_id}/")
        and "2026" not in stored.file.name
    )
    status, _headers, body = dav.request("GET", dav_path("My files", "Été 2026.txt"))
    assert status == 200 and body == b"bonjour"


def test_another_accounts_paths_are_not_found(dav):
    stranger = AccountFactory()
    upload(stranger, "secret.txt", b"x")
    for method in ("GET", "DELETE", "PROPFIND"):
        status, _headers, _body = dav.request(method, dav_path("My files", "secret.txt"))
        assert status == 404, method
    assert DriveEntry.objects.filter(account=stranger).count() == 1


@pytest.mark.parametrize(
    "path", ["/dav/My%20files/..%2F..%2Fetc%2Fpasswd", "/dav/Autre/x.txt", "/dav/My%20files/%EF%BC%8E%EF%BC%8E"]
)
def test_traversal_and_unknown_spaces_are_refused(dav, path):
    status, _headers, _body = dav.request("PUT", path, b"x")
    assert status in (400, 403, 404, 409)
    assert not DriveEntry.objects.exists()


def test_a_put_past_the_quota_is_refused_and_nothing_stays(dav, member, tmp_path):
    services.quota_set(account=member.account, limit_bytes=100)
    status, _headers, _body = dav.request("PUT", dav_path("My files", "gros.bin"), b"z" * 500)
    assert status == 507
    assert not DriveEntry.objects.exists()
    assert not any((tmp_path / "drive").rglob("*")) if (tmp_path / "drive").exists() else True


def test_a_put_that_lies_about_its_length_leaves_nothing(dav):
    status, _headers, _body = dav.request("PUT", dav_path("My files", "court.bin"), b"abc", length=10_000)
    assert status >= 400
    assert not DriveEntry.objects.filter(name="court.bin", size__gt=0).exists()


def test_a_pdf_goes_through_the_intake(dav, member):
    assert dav.request("PUT", dav_path("My files", "livre.pdf"), pdf_bytes(pages=1))[0] == 201
    status, _headers, _body = dav.request("PUT", dav_path("My files", "faux.pdf"), b"MZ" + b"\0" * 3000)
    assert status == 415
    assert list(DriveEntry.objects.values_list("name", flat=True)) == ["livre.pdf"]


def test_read_only_order_folders_refuse_writes(dav, member):
    kept = folder(member.account, "C2026-0001", space="drive", read_only=True)
    assert dav.request("PUT", dav_path("Drive", "C2026-0001", "x.txt"), b"x")[0] == 403
    assert dav.request("DELETE", dav_path("Drive", "C2026-0001"))[0] == 403
    assert dav.request("MOVE", dav_path("Drive", "C2026-0001"), headers={"Destination": "/dav/Drive/Autre"})[0] == 403
    assert DriveEntry.objects.get(pk=kept.pk).name == "C2026-0001"
    assert DriveEntry.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b'<propfind xmlns="DAV:"><prop><displayname>&lol2;</displayname></prop></propfind>',
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<propfind xmlns="DAV:">&e;</propfind>',
        b"<propfind xmlns='DAV:'><allprop>",
    ],
)
def test_xml_bombs_and_broken_xml_are_refused(dav, body):
    for method in ("PROPFIND", "PROPPATCH"):
        assert dav.request(method, "/dav/My%20files/", body, {"Depth": "0"})[0] == 400
    assert not DavProperty.objects.exists()


def test_dead_properties_and_locks_are_rows_of_the_account(dav, member):
    dav.request("PUT", dav_path("My files", "a.txt"), b"a")
    proppatch = (
        b'<?xml version="1.0"?><propertyupdate xmlns="DAV:" xmlns:z="urn:colophon">'
        b"<set><prop><z:couleur>bleu</z:couleur></prop></set></propertyupdate>"
    )
    assert dav.request("PROPPATCH", dav_path("My files", "a.txt"), proppatch)[0] == 207
    assert DavProperty.objects.get().account_id == member.account_id
    lock = (
        b'<?xml version="1.0"?><lockinfo xmlns="DAV:"><lockscope><exclusive/></lockscope>'
        b"<locktype><write/></locktype><owner>test</owner></lockinfo>"
    )
    status, headers, _body = dav.request("LOCK", dav_path("My files", "a.txt"), lock, {"Timeout": "Second-60"})
    assert status == 200 and headers["Lock-Token"]
    assert DavLock.objects.get().account_id == member.account_id
    # Another account's client does not see the lock, nor the property, nor the file.
    other = UserFactory(account=AccountFactory())
    _created, secret = app_passwords.app_password_create(user=other, name="Autre")
    assert DavClient(other.email, secret).request("PUT", dav_path("My files", "a.txt"), b"b")[0] == 201
    assert DriveEntry.objects.get(account=member.account).size == 1
