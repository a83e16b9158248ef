"""Signed links to stored documents (``portal.documents.signed``): served outside Django, without a
database query, and refused when forged, altered, expired or pointing to a file no longer stored."""

from __future__ import annotations

import time
from unittest import mock

import pytest
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from portal.documents import signed
from portal.documents.signed import MOUNT, SALT, signed_path, signed_token
from tests.portal.documents_support import wsgi_get

PDF = b"%PDF-1.7 signed test\n%%EOF\n"
SHA = "ab" * 32


@pytest.fixture
def stored(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    name = default_storage.save("documents/quote/0123456789abcdef.pdf", ContentFile(PDF))
    return name


def link(name: str, filename: str = "devis-D2026-000007.pdf", **options) -> str:
    return signed_path(storage_name=name, filename=filename, sha256=SHA, **options)


@pytest.mark.django_db  # allowed, to count: none (the other tests here would fail on any query)
def test_a_signed_link_streams_the_file_without_django_or_the_database(stored, django_assert_num_queries):
    with django_assert_num_queries(0):
        answer = wsgi_get(link(stored))  # Django behind the dispatcher fails the test if reached
    assert answer.status == 200 and answer.body == PDF
    assert answer.headers["Content-Type"] == "application/pdf"
    assert answer.headers["Content-Length"] == str(len(PDF))
    assert answer.headers["Content-Disposition"] == 'attachment; filename="devis-D2026-000007.pdf"'
    assert answer.headers["ETag"] == f'"{SHA}"'
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    max_age = int(answer.headers["Cache-Control"].removeprefix("private, max-age="))
    assert signed.DEFAULT_LINK_SECONDS - 1 <= max_age <= signed.DEFAULT_LINK_SECONDS + signed.EXPIRY_STEP


def test_a_non_ascii_file_name_is_encoded_for_every_browser(stored):
    answer = wsgi_get(link(stored, filename="devis-Éditions du Phare.pdf"))
    assert answer.headers["Content-Disposition"] == "attachment; filename*=utf-8''devis-%C3%89ditions%20du%20Phare.pdf"


def test_the_etag_answers_not_modified_and_head_sends_no_body(stored):
    assert wsgi_get(link(stored), headers={"If-None-Match": f'"{SHA}"'}).status == 304
    assert wsgi_get(link(stored), headers={"If-None-Match": f'"other", W/"{SHA}"'}).status == 304
    assert wsgi_get(link(stored), headers={"If-None-Match": '"other"'}).status == 200
    head = wsgi_get(link(stored), method="HEAD")
    assert head.status == 200 and head.body == b"" and head.headers["Content-Length"] == str(len(PDF))


def test_only_get_and_head(stored):
    answer = wsgi_get(link(stored), method="POST")
    assert answer.status == 405 and answer.headers["Allow"] == "GET, HEAD"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # the signature altered
        lambda token: token.split(":")[0] + ":" + "x" * 43,  # another signature
        lambda token: "",  # nothing
        lambda token: "a" * (signed.MAX_TOKEN_LENGTH + 1),  # too long to be ours
    ],
)
def test_an_altered_or_forged_link_is_refused_and_leaks_nothing(stored, tamper):
    token = signed_token(storage_name=stored, filename="devis.pdf", sha256=SHA)
    answer = wsgi_get(MOUNT + tamper(token))
    assert answer.status == 404 and answer.body == b"Not Found"
    assert "Content-Disposition" not in answer.headers and "ETag" not in answer.headers


def test_a_payload_signed_with_another_key_or_salt_is_refused(stored, settings):
    payload = {"n": stored, "f": "devis.pdf", "e": SHA, "x": int(time.time()) + 600}
    other_salt = signing.Signer(salt="another.purpose").sign_object(payload)
    other_key = signing.Signer(key="not-the-secret-key", salt=SALT).sign_object(payload)
    assert signing.Signer(salt=SALT).sign_object(payload).split(":")[0] == other_key.split(":")[0]
    for token in (other_salt, other_key):
        assert wsgi_get(MOUNT + token).status == 404


def test_a_link_signed_for_one_file_cannot_be_pointed_at_another(stored):
    default_storage.save("documents/quote/secret.pdf", ContentFile(b"%PDF- someone else's"))
    token = signed_token(storage_name=stored, filename="devis.pdf", sha256=SHA)
    value, signature = token.rsplit(":", 1)
    payload = signing.b64_decode(value.encode()).replace(stored.encode(), b"documents/quote/secret.pdf")
    forged = signing.b64_encode(payload).decode() + ":" + signature
    answer = wsgi_get(MOUNT + forged)
    assert answer.status == 404 and b"someone" not in answer.body


def test_an_expired_link_is_refused(stored):
    issued = time.time() - signed.DEFAULT_LINK_SECONDS - signed.EXPIRY_STEP - 1
    old = link(stored, now=issued)
    answer = wsgi_get(old)
    assert answer.status == 410 and answer.body == b"Gone" and "Content-Disposition" not in answer.headers
    with mock.patch.object(signed.time, "time", return_value=issued):
        assert wsgi_get(old).status == 200  # the same link was good when issued


def test_a_link_lives_at_least_its_seconds_and_clicks_within_a_step_share_it(stored, settings):
    settings.DOCUMENT_LINK_SECONDS = 60
    now = 1_800_000_000.0  # a multiple of the step
    first, second = link(stored, now=now + 1), link(stored, now=now + 29)
    assert first == second
    payload = signing.Signer(salt=SALT).unsign_object(first.removeprefix(MOUNT))
    assert payload["x"] == now + 90 and payload["x"] - (now + 29) >= 60


def test_a_signed_file_no_longer_stored_is_not_found(stored):
    path = link(stored)
    default_storage.delete(stored)
    answer = wsgi_get(path)
    assert answer.status == 404 and answer.body == b"Not Found"


def test_a_signed_name_outside_the_storage_is_not_served(stored):
    answer = wsgi_get(link("../../../../etc/passwd"))
    assert answer.status == 404 and b"root" not in answer.body


def test_other_paths_go_to_django():
    reached = []

    def django_app(environ, start_response):
        reached.append(environ["PATH_INFO"])
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"django"]

    assert wsgi_get("/quotes/1/pdf/", app=django_app).body == b"django"
    assert wsgi_get("/documents/signed", app=django_app).body == b"django"  # not under the mount
    assert reached == ["/quotes/1/pdf/", "/documents/signed"]


def test_the_portal_wsgi_application_mounts_the_dispatcher_outermost():
    from portal import wsgi

    assert isinstance(wsgi.application, signed.SignedDocumentDispatcher)


@pytest.mark.django_db
def test_the_same_answer_is_routed_in_django_for_other_servers(stored, client):
    response = client.get(link(stored))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="devis-D2026-000007.pdf"'
    assert response["ETag"] == f'"{SHA}"' and response["X-Content-Type-Options"] == "nosniff"
    refused = client.get(link(stored)[:-2] + "zz")
    assert refused.status_code == 404 and refused.content == b"Not Found"
