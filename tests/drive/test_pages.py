"""The drive's pages: both spaces, the listing paginated, usage and quota, empty states."""

import pytest
from django.urls import reverse

from drive import services
from drive.views import PAGE_SIZE
from tests.drive.factories import folder, upload
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client):
    user = UserFactory(account=AccountFactory())
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return user


def test_both_spaces_show_their_empty_state(client, member):
    page = client.get(reverse("drive:my_files")).content.decode()
    assert "No file yet. Send the PDFs of your order here." in page
    assert 'for="drive-files"' in page and "data-drive-upload" in page and "js/drive.js" in page
    page = client.get(reverse("drive:archive")).content.decode()
    assert "Nothing in your drive yet." in page


def test_the_listing_shows_this_space_only_with_usage_and_quota(client, member):
    account = member.account
    services.quota_set(account=account, limit_bytes=1000)
    upload(account, "ici.txt", b"x" * 250)
    upload(account, "la-bas.txt", b"y" * 250, space="drive")
    upload(AccountFactory(), "etranger.txt")
    page = client.get(reverse("drive:my_files")).content.decode()
    assert "ici.txt" in page and "la-bas.txt" not in page and "etranger.txt" not in page
    assert "500\xa0bytes used of 1000\xa0bytes" in page
    assert 'value="50"' in page


def test_a_folder_page_has_its_breadcrumbs_and_is_paginated(client, member):
    account = member.account
    outer = folder(account, "Projet", space="drive")
    inner = folder(account, "Sous", space="drive", parent=outer)
    for number in range(PAGE_SIZE + 3):
        upload(account, f"f{number:03}.txt", space="drive", parent=inner)
    response = client.get(reverse("drive:folder", args=[inner.pk]))
    page = response.content.decode()
    assert reverse("drive:folder", args=[outer.pk]) in page and "Page 1 of 2" in page
    assert "f000.txt" in page and f"f{PAGE_SIZE:03}.txt" not in page
    page = client.get(reverse("drive:folder", args=[inner.pk]) + "?page=2").content.decode()
    assert f"f{PAGE_SIZE + 2:03}.txt" in page


def test_the_listing_runs_the_same_queries_whatever_the_number_of_files(client, member, django_assert_max_num_queries):
    account = member.account
    target = folder(account, "Projet")
    for number in range(30):
        upload(account, f"f{number}.txt", parent=target)
    client.get(reverse("drive:folder", args=[target.pk]))
    with django_assert_max_num_queries(15):
        client.get(reverse("drive:folder", args=[target.pk]))


def test_a_read_only_folder_offers_no_change(client, member):
    kept = folder(member.account, "C2026-0001", space="drive", read_only=True)
    page = client.get(reverse("drive:folder", args=[kept.pk])).content.decode()
    assert "data-drive-upload" not in page and "its content cannot be changed here" in page
    page = client.get(reverse("drive:archive")).content.decode()
    assert reverse("drive:delete", args=[kept.pk]) not in page


def test_the_pages_follow_the_readers_language(client, member):
    upload(member.account, "a.txt", b"x" * 10)
    page = client.get(reverse("drive:my_files"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="fr">' in page and "10\xa0octets" in page
