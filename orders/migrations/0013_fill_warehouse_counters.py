"""Fill the warehouse's counters and the address book's words for the data placed before them.

The counters as ``orders.counters`` keeps them (copies in the orders neither draft nor cancelled, their
latest submission; the baskets made with each entry), each written by one ``UPDATE`` with correlated
subqueries, in the database; the words in batches (their normalisation is Python's).
"""

from django.db import migrations, models
from django.db.models.functions import Coalesce

from portal.search.text import document_text

NOT_ORDERED = ("draft", "cancelled")
SEARCHED_FIELDS = ("company", "first_name", "last_name", "line1", "line2", "postcode", "city", "country")


def fill(apps, schema_editor):
    Product = apps.get_model("library", "Product")
    BasketLine = apps.get_model("orders", "BasketLine")
    ShippingBasket = apps.get_model("orders", "ShippingBasket")
    Address = apps.get_model("orders", "Address")
    lines = (
        BasketLine.objects.filter(product=models.OuterRef("pk"))
        .exclude(basket__order__status__in=NOT_ORDERED)
        .order_by()
        .values("product")
    )
    Product.objects.update(
        copies_ordered=Coalesce(models.Subquery(lines.annotate(n=models.Sum("quantity")).values("n")), 0),
        last_order_at=models.Subquery(lines.annotate(at=models.Max("basket__order__submitted_at")).values("at")),
    )
    baskets = ShippingBasket.objects.filter(address=models.OuterRef("pk")).order_by().values("address")
    Address.objects.update(use_count=Coalesce(models.Subquery(baskets.annotate(n=models.Count("pk")).values("n")), 0))
    batch = []
    for address in Address.objects.order_by("pk").iterator(chunk_size=2000):
        address.search_text = " " + document_text(*(getattr(address, name) for name in SEARCHED_FIELDS))[:999]
        batch.append(address)
        if len(batch) == 2000:
            Address.objects.bulk_update(batch, ["search_text"])
            batch = []
    Address.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [("orders", "0012_warehouse_counters"), ("library", "0003_warehouse_counters")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
