"""The library's search reads the search documents of the reader's account only: its subquery is
scoped (it never scans every account's products and files), and another account's products are
never found, whatever their words."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from library.selectors import product_library
from portal.access import member_scope
from tests.factories import AccountFactory
from tests.library.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_the_subquery_holds_the_readers_account_only(customer):
    ProductFactory(account=customer.account, title="Les Gravitations")
    theirs = ProductFactory(account=AccountFactory(), title="Les Gravitations")
    scope = member_scope(customer)
    with CaptureQueriesContext(connection) as captured:
        found = list(product_library(scope=scope, text="gravit"))
    assert theirs not in found and len(found) == 1
    (sql,) = [q["sql"] for q in captured]
    subquery = sql[sql.index("search_searchdocument") :]
    assert f'U0."account_id" = {customer.account_id}' in subquery
    assert "library_productfile" not in sql and "LIKE" not in sql.upper().replace("ILIKE", "")
