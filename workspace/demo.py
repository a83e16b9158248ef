"""Demo data for the embedded default: a publisher with a draft order, a school, and a staff member."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from contacts.models import Account, User
from drive.demo import demo_drive
from library.models import Binding, PaperFormat, PaperWeight, PrintType, Product
from orders.demo import demo_warehouse
from orders.models import Bookseller, Order
from subscribers.demo import demo_agency_subscribers
from subscriptions.demo import demo_school_orders
from subscriptions.demo_access import demo_school_access
from subscriptions.invoicing.demo import demo_invoices
from subscriptions.models import Offer

from .demo_history import demo_order_history

DEMO_PASSWORD = "colophon-demo"  # noqa: S105 (printed on purpose: embedded demo only)


def _user(
    *, email: str, account: Account | None, first_name: str, last_name: str, staff: bool = False
) -> tuple[User, bool]:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "account": account,
            "first_name": first_name,
            "last_name": last_name,
            "is_staff": staff,
            "is_superuser": staff,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user, created


def _catalogue() -> int:
    """The lists of the product form (staff keep them in admin) and a few booksellers of the network."""
    created = 0
    for position, (code, name, min_pages, max_pages, multiple) in enumerate(
        [
            ("perfect", "Dos carré collé", 32, 600, 2),
            ("saddle", "Piqûre à cheval", 8, 64, 4),
            ("wire", "Spirale métallique", 10, 400, 2),
            ("none", "Sans reliure", 1, 1000, 1),
        ]
    ):
        _, new = Binding.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "min_pages": min_pages,
                "max_pages": max_pages,
                "page_multiple": multiple,
                "position": position,
            },
        )
        created += new
    for position, (code, name, width, height, custom) in enumerate(
        [
            ("a4", "A4", 210, 297, False),
            ("a5", "A5", 148, 210, False),
            ("a3", "A3", 297, 420, False),
            ("custom", "Autre (sur mesure)", None, None, True),
        ]
    ):
        _, new = PaperFormat.objects.get_or_create(
            code=code,
            defaults={"name": name, "width_mm": width, "height_mm": height, "is_custom": custom, "position": position},
        )
        created += new
    for position, grams in enumerate([80, 90, 115, 250, 300]):
        _, new = PaperWeight.objects.get_or_create(
            code=f"{grams}g", defaults={"name": f"{grams} g/m²", "grams": grams, "position": position}
        )
        created += new
    for position, (code, name) in enumerate([("bw", "Noir et blanc"), ("colour", "Quadrichromie")]):
        _, new = PrintType.objects.get_or_create(code=code, defaults={"name": name, "position": position})
        created += new
    for code, name, line1, postcode, city in [
        ("PR00001", "Librairie Le Furet du Nord", "15 place du Général de Gaulle", "59000", "Lille"),
        ("PR00002", "Librairie Kléber", "1 rue des Francs-Bourgeois", "67000", "Strasbourg"),
        ("PR00003", "Librairie Mollat", "15 rue Vital-Carles", "33000", "Bordeaux"),
        ("PR00004", "Librairie Sauramps", "Allée Jules Milhau", "34000", "Montpellier"),
    ]:
        _, new = Bookseller.objects.get_or_create(
            network_code=code, defaults={"name": name, "line1": line1, "postcode": postcode, "city": city}
        )
        created += new
    return created


def _offers() -> int:
    """Two offers of the school subscription shop: a digital service and a periodical."""
    created = 0
    for name_fr, defaults in [
        (
            "Bibliothèque numérique Colophon",
            {
                "name_en": "Colophon digital library",
                "description_fr": "Accès en ligne aux ouvrages du catalogue pour les élèves et les enseignants.",
                "description_en": "Online access to the catalogue's books for pupils and teachers.",
                "kind": Offer.Kind.DIGITAL,
                "duration": Offer.Duration.SCHOOL_YEAR,
                "price_excl_tax": Decimal("390.00"),
                "vat_rate": Offer.Vat.STANDARD,
            },
        ),
        (
            "La Gazette des lycéens",
            {
                "name_en": "The pupils' gazette",
                "description_fr": "Dix numéros par an, livrés à l’établissement.",
                "description_en": "Ten issues a year, delivered to the school.",
                "kind": Offer.Kind.PERIODICAL,
                "duration": Offer.Duration.TWELVE_MONTHS,
                "price_excl_tax": Decimal("48.00"),
                "vat_rate": Offer.Vat.PRESS,
            },
        ),
    ]:
        _, new = Offer.objects.get_or_create(name_fr=name_fr, defaults=defaults)
        created += new
    return created


def load_demo_data() -> int:
    """Create whatever is missing; return how many objects were created."""
    created = 0
    publisher, new = Account.objects.get_or_create(
        name="Éditions du Phare", defaults={"kind": Account.Kind.COMPANY, "email": "contact@phare.demo"}
    )
    created += new
    school, new = Account.objects.get_or_create(
        uai="0750655E",
        # The account's e-mail is its establishment login's: the school signs in with 0750655E too.
        defaults={"name": "Lycée Louis-le-Grand", "kind": Account.Kind.SCHOOL, "email": "lycee@demo.colophon.test"},
    )
    created += new
    client, new = _user(email="client@demo.colophon.test", account=publisher, first_name="Camille", last_name="Durand")
    created += new
    school_user, new = _user(email="lycee@demo.colophon.test", account=school, first_name="Jules", last_name="Martin")
    created += new
    staff, new = _user(
        email="staff@demo.colophon.test", account=None, first_name="Sacha", last_name="Atelier", staff=True
    )
    created += new
    _, new = Order.objects.get_or_create(
        account=publisher, name="Recueil de poèmes — tirage de printemps", defaults={"created_by": client}
    )
    created += new
    created += _catalogue()
    created += _offers()
    created += demo_school_orders(school_user=school_user, staff_user=staff, now=timezone.now())
    created += demo_school_access(school=school, user=school_user)
    created += demo_invoices(school_user=school_user, staff_user=staff)
    created += demo_agency_subscribers(staff_user=staff, now=timezone.now())
    _, new = Product.objects.get_or_create(
        account=publisher,
        title="Le Gardien du phare",
        defaults={
            "binding": Binding.objects.get(code="perfect"),
            "paper_format": PaperFormat.objects.get(code="a5"),
            "page_count": 184,
            "interior_print_type": PrintType.objects.get(code="bw"),
            "quantity_to_print": 200,
            "cover_paper": PaperWeight.objects.get(code="300g"),
            "interior_paper": PaperWeight.objects.get(code="90g"),
            "isbn": "9782070368228",
            "created_by": client,
        },
    )
    created += new
    # The warehouse's history first (it is made only for an account without placed orders), then the
    # drive's and the agenda's; the second call only recounts the "last / best" counters over them all.
    created += demo_warehouse(account=publisher, user=client)
    created += demo_drive(publisher, client)
    created += demo_order_history(account=publisher, user=client)
    created += demo_warehouse(account=publisher, user=client)
    return created
