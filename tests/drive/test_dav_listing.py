"""The fast listing of a big folder gives what WsgiDAV itself gives, and steps aside when it must."""

import xml.etree.ElementTree as ET

import pytest
from defusedxml import ElementTree as SafeET

from drive import app_passwords
from drive.dav import listing
from tests.drive.dav_support import DavClient, dav_path
from tests.drive.factories import folder, upload
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db

ALLPROP = b'<?xml version="1.0"?><propfind xmlns="DAV:"><allprop/></propfind>'


@pytest.fixture
def member(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return UserFactory(account=AccountFactory())


@pytest.fixture
def dav(member):
    _row, secret = app_passwords.app_password_create(user=member, name="Portable")
    return DavClient(member.email, secret)


def parsed(body: bytes) -> dict:
    """{href: {property: its XML}} of a multistatus."""
    found = {}
    for response in SafeET.fromstring(body).iter("{DAV:}response"):
        href = response.findtext("{DAV:}href")
        props = response.find("{DAV:}propstat/{DAV:}prop")
        found[href] = {child.tag: ET.tostring(child) for child in props}
    return found


@pytest.mark.parametrize("body", [ALLPROP, b""])
@pytest.mark.parametrize("where", [("My files", "Projet été"), ("My files",)])
def test_the_fast_listing_is_what_wsgidav_answers(dav, member, monkeypatch, body, where):
    target = folder(member.account, "Projet été") if len(where) == 2 else None
    folder(member.account, "Sous-dossier (1)", parent=target)
    upload(member.account, "a & b 'c' ; d=e.txt", b"x", parent=target)
    upload(member.account, "vide.bin", b"", parent=target)
    upload(member.account, "Été 100 % ½ #1.pdf", b"%PDF-1.4", parent=target)
    path = dav_path(*where) + "/"
    monkeypatch.setattr(listing, "FAST_LISTING_MIN", 10**9)
    status, _headers, slow = dav.request("PROPFIND", path, body, {"Depth": "1"})
    assert status == 207
    monkeypatch.setattr(listing, "FAST_LISTING_MIN", 1)
    status, headers, fast = dav.request("PROPFIND", path, body, {"Depth": "1"})
    assert status == 207 and headers["Content-Type"].startswith("application/xml")
    assert parsed(fast) == parsed(slow)
    assert len(parsed(fast)) == 5


def test_it_steps_aside_for_properties_locks_named_props_and_other_depths(dav, member, monkeypatch):
    monkeypatch.setattr(listing, "FAST_LISTING_MIN", 1)
    calls = []
    real = listing.fast_propfind

    def spy(resource, environ, start_response):
        answer = real(resource, environ, start_response)
        calls.append(answer is not None)
        return answer

    monkeypatch.setattr(listing, "fast_propfind", spy)
    upload(member.account, "a.txt", b"a")
    path = "/dav/My%20files/"
    named = b'<?xml version="1.0"?><propfind xmlns="DAV:"><prop><getetag/></prop></propfind>'
    assert dav.request("PROPFIND", path, named, {"Depth": "1"})[0] == 207
    assert dav.request("PROPFIND", path, ALLPROP, {"Depth": "0"})[0] == 207
    proppatch = (
        b'<?xml version="1.0"?><propertyupdate xmlns="DAV:" xmlns:z="urn:colophon">'
        b"<set><prop><z:couleur>bleu</z:couleur></prop></set></propertyupdate>"
    )
    assert dav.request("PROPPATCH", dav_path("My files", "a.txt"), proppatch)[0] == 207
    status, _headers, answer = dav.request("PROPFIND", path, ALLPROP, {"Depth": "1"})
    assert status == 207 and b"bleu" in answer
    assert calls == [False, False, False]
