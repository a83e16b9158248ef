"""The search matches as a French reader expects, on both engines, and never across accounts.

Run on SQLite (FTS5) by default and on PostgreSQL (full-text + trigram) with ``--services`` and a
PostgreSQL ``DATABASE_URL``: the same tests, the same answers.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from files.models import ProductFile
from orders import services
from orders.models import ShippingBasket
from portal import search
from portal.access import Area, member_scope
from portal.search import engines
from portal.search.models import SearchDocument
from portal.search.text import document_text, query_words
from tests.factories import AccountFactory, OrderFactory, UserFactory
from tests.library.factories import ProductFactory
from tests.orders.factories import BasketFactory, LineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return UserFactory()


def found(user, query, kind=None):
    documents = search.matching(member_scope(user), query, kinds=[kind] if kind else None)
    return {(d.kind, d.object_id) for d in documents}


def products_found(user, query):
    return {object_id for kind, object_id in found(user, query, "product")}


def test_accents_and_case_are_ignored(member):
    product = ProductFactory(account=member.account, title="Élève de l’Œuvre")
    assert products_found(member, "eleve") == {product.pk}
    assert products_found(member, "ÉLÈVE oeuvre") == {product.pk}
    assert products_found(member, "œuvre") == {product.pk}


def test_a_word_is_the_start_of_a_longer_one_but_not_its_middle(member):
    product = ProductFactory(account=member.account, title="Gravitations")
    assert products_found(member, "gravit") == {product.pk}
    assert products_found(member, "vitations") == set()


def test_every_word_must_match_in_any_order(member):
    both = ProductFactory(account=member.account, title="Le Cycle des Gravitations")
    ProductFactory(account=member.account, title="Le Cycle des saisons")
    assert products_found(member, "gravitations cycle") == {both.pk}
    assert products_found(member, "cycle gravit") == {both.pk}
    assert products_found(member, "cycle absent") == set()


def test_an_isbn10_finds_the_product_stored_as_isbn13_hyphens_or_not(member):
    product = ProductFactory(account=member.account, title="Folio", isbn="9782070368228")
    assert products_found(member, "2-07-036822-0") == set()  # a wrong check digit is just a word
    assert products_found(member, "207036822X") == {product.pk}
    assert products_found(member, "2-07-036822-x") == {product.pk}
    assert products_found(member, "978-2-07-036822-8") == {product.pk}


def test_the_shops_document_number_and_a_file_name_are_found(member):
    product = ProductFactory(account=member.account, title="Catalogue", doc_number="DN-2026-0457")
    ProductFile.objects.create(
        product=product, kind="interior", file="x.pdf", original_name="catalogue_v3_final.pdf", size=1
    )
    assert products_found(member, "DN-2026-0457") == {product.pk}
    assert products_found(member, "0457") == {product.pk}  # a number is found anywhere in the words
    assert products_found(member, "catalogue_v3") == {product.pk}
    assert products_found(member, "final") == {product.pk}


def test_an_order_is_found_by_number_reference_recipient_and_product(member):
    order = OrderFactory(account=member.account, name="Rentrée", customer_reference="BC-77", number="C2026-000123")
    basket = BasketFactory(order=order, company="Librairie du Turet", city="Lille")
    LineFactory(basket=basket, product=ProductFactory(account=member.account, title="Gravitations"))
    assert found(member, "c2026-000123", "order") == {("order", order.pk)}
    assert found(member, "000123", "order") == {("order", order.pk)}
    assert found(member, "bc-77 rentree", "order") == {("order", order.pk)}
    assert found(member, "turet gravit", "basket") == {("basket", basket.pk)}
    assert found(member, "lille gravitations") == {("order", order.pk), ("basket", basket.pk)}


def test_another_accounts_data_is_never_found(member):
    other = AccountFactory()
    ProductFactory(account=other, title="Gravitations", isbn="9782070368228")
    order = OrderFactory(account=other, name="Gravitations", number="C2026-000999")
    LineFactory(basket=BasketFactory(order=order, city="Lille"))
    assert found(member, "gravitations") == set()
    assert found(member, "207036822X") == set()
    assert found(member, "000999") == set()
    assert SearchDocument.objects.filter(account_id=other.pk).count() == 4  # 2 products, a basket, an order
    assert not SearchDocument.objects.visible_to(member).exists()


def test_a_reader_without_the_area_finds_nothing_of_it(member):
    ProductFactory(account=member.account, title="Gravitations")
    scope = member_scope(member)
    narrowed = type(scope)(
        reader=scope.reader,
        user_id=scope.user_id,
        account_id=scope.account_id,
        areas=frozenset({Area.ORDERS}),
    )
    assert not SearchDocument.objects.visible_to(narrowed).filter(kind="product").exists()
    assert SearchDocument.objects.visible_to(scope).filter(kind="product").exists()


def test_results_come_by_date_of_last_order_newest_first(member):
    now = timezone.now()
    old = OrderFactory(
        account=member.account, name="Atlas ancien", status="submitted", submitted_at=now - timedelta(days=9)
    )
    new = OrderFactory(account=member.account, name="Atlas récent", status="submitted", submitted_at=now)
    draft = OrderFactory(account=member.account, name="Atlas brouillon", created_at=now - timedelta(days=3))
    ids = [d.object_id for d in search.matching(member_scope(member), "atlas", kinds=["order"])]
    assert ids == [new.pk, draft.pk, old.pk]


def test_the_documents_follow_the_data_in_the_same_transaction(member):
    product = ProductFactory(account=member.account, title="Brouillon")
    product.title = "Gravitations"
    product.save()
    assert products_found(member, "gravit") == {product.pk}
    assert products_found(member, "brouillon") == set()

    order = OrderFactory(account=member.account)
    basket = BasketFactory(order=order, company="Turet")
    line = LineFactory(basket=basket, product=product)
    assert found(member, "turet gravit", "order") == {("order", order.pk)}
    services.line_remove(line=line)
    assert found(member, "turet gravit", "order") == set()
    services.basket_duplicate(basket=ShippingBasket.objects.get(pk=basket.pk))  # bulk_create: no signal
    assert len(found(member, "turet", "basket")) == 2
    product.delete()
    order.delete()
    assert not SearchDocument.objects.filter(account_id=member.account_id).exists()


def test_a_product_orders_date_follows_its_orders(member):
    product = ProductFactory(account=member.account, title="Gravitations")
    order = OrderFactory(account=member.account)
    LineFactory(basket=BasketFactory(order=order), product=product)
    document = SearchDocument.objects.get(kind="product", object_id=product.pk)
    assert document.last_ordered_at == product.created_at  # never ordered: its creation
    order.submitted_at = timezone.now()
    order.status = "submitted"
    order.save()
    document.refresh_from_db()
    assert document.last_ordered_at == order.submitted_at


def test_search_rebuild_refills_every_kind(member, capsys):
    product = ProductFactory(account=member.account, title="Gravitations")
    LineFactory(basket=BasketFactory(order=OrderFactory(account=member.account)), product=product)
    before = set(SearchDocument.objects.values_list("kind", "object_id", "text"))
    SearchDocument.objects.all().delete()
    assert products_found(member, "gravit") == set()
    call_command("search_rebuild")
    assert set(SearchDocument.objects.values_list("kind", "object_id", "text")) == before
    assert products_found(member, "gravit") == {product.pk}
    assert "product: 1 documents" in capsys.readouterr().out


def test_the_words_stored_and_searched_are_made_alike():
    assert document_text("Élève", "ÉLÈVE", "L’Œuvre") == "eleve l oeuvre"
    assert document_text("2-07-036822-X") == "207036822x 9782070368228"
    assert query_words("2-07-036822-X Gravit") == ["9782070368228", "gravit"]
    assert len(query_words(" ".join(f"w{n}" for n in range(20)))) == 8
    assert query_words("  ,;  ") == []


def test_an_empty_query_finds_nothing(member):
    ProductFactory(account=member.account, title="Gravitations")
    assert found(member, "") == set()
    assert found(member, " - ") == set()


@pytest.mark.services
def test_postgresql_serves_the_words_from_its_gin_indexes(member):
    assert connection.vendor == "postgresql"
    ProductFactory(account=member.account, title="Gravitations", doc_number="DN-2026-0457")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows: make the planner show its choice
    # The words' conditions are the indexes' expressions (the account's index is left aside here: on a
    # handful of rows the planner rightly prefers it).
    everyone = SearchDocument.objects.all()
    plan = engines.filter_words(everyone, query_words("gravit"), account_id=member.account_id).explain()
    assert "searchdoc_words_fts" in plan
    plan = engines.filter_words(everyone, query_words("2026-0457"), account_id=member.account_id).explain()
    assert "searchdoc_words_trgm" in plan
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'search_searchdocument'")
        names = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT extname FROM pg_extension")
        extensions = {row[0] for row in cursor.fetchall()}
    assert {"searchdoc_words_fts", "searchdoc_words_trgm"} <= names
    assert {"unaccent", "pg_trgm"} <= extensions


def test_a_very_long_document_keeps_its_first_words_whole(member, monkeypatch):
    from portal.search import api

    monkeypatch.setattr(api, "TEXT_MAX_LENGTH", 30)
    product = ProductFactory(account=member.account, title="alpha beta gamma delta epsilon zeta eta theta")
    stored = SearchDocument.objects.get(kind="product", object_id=product.pk).text
    assert stored == "alpha beta gamma delta epsilon"
    assert products_found(member, "epsilon") == {product.pk} and products_found(member, "theta") == set()


def test_a_word_with_digits_is_found_wherever_it_stands(member):
    first = ProductFactory(account=member.account, title="9782070368228 en tête", isbn="")
    middle = ProductFactory(account=member.account, title="Annales 3e 2026 sciences")
    assert products_found(member, "978207036") == {first.pk}  # the first word of the text
    assert products_found(member, "3e annales") == {middle.pk}
    assert products_found(member, "sciences 2026") == {middle.pk}
    assert products_found(member, "2026 tete") == set()


@pytest.mark.services
def test_postgresql_stores_the_words_and_the_digit_words_beside_the_text(member):
    ProductFactory(account=member.account, title="Gravitations DN-2026-0457 lycée 6e", isbn="9782070368228")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT words::text, digits FROM search_searchdocument WHERE kind = 'product' AND account_id = %s",
            [member.account_id],
        )
        words, digits = cursor.fetchone()
    account = member.account_id
    assert f"'{account}kgravitations'" in words and f"'{account}klycee'" in words and ":" not in words
    assert digits.split() == ["20260457", "6e", "9782070368228"]


@pytest.mark.services
def test_postgresql_looks_the_words_up_under_the_accounts_keys_only(member):
    """The shared index never answers for another account, even for a query not scoped by hand."""
    mine = ProductFactory(account=member.account, title="Gravitations")
    other = AccountFactory(pk=member.account_id * 10 + 1)  # its id starts with ours: 1 → 11, 7 → 71
    ProductFactory(account=other, title="Gravitations")
    everyone = SearchDocument.objects.filter(kind="product")
    found_ids = engines.filter_words(everyone, ["gravit"], account_id=member.account_id)
    assert set(found_ids.values_list("object_id", flat=True)) == {mine.pk}
