"""Demo data for the embedded default: a publisher with a draft order, a school, and a staff member."""

from __future__ import annotations

from contacts.models import Account, User
from orders.models import Order

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


def load_demo_data() -> int:
    """Create whatever is missing; return how many objects were created."""
    created = 0
    publisher, new = Account.objects.get_or_create(
        name="Éditions du Phare", defaults={"kind": Account.Kind.COMPANY, "email": "contact@phare.demo"}
    )
    created += new
    school, new = Account.objects.get_or_create(
        uai="0750655E", defaults={"name": "Lycée Louis-le-Grand", "kind": Account.Kind.SCHOOL}
    )
    created += new
    client, new = _user(email="client@demo.colophon.test", account=publisher, first_name="Camille", last_name="Durand")
    created += new
    _, new = _user(email="lycee@demo.colophon.test", account=school, first_name="Jules", last_name="Martin")
    created += new
    _, new = _user(email="staff@demo.colophon.test", account=None, first_name="Sacha", last_name="Atelier", staff=True)
    created += new
    _, new = Order.objects.get_or_create(
        account=publisher, name="Recueil de poèmes — tirage de printemps", defaults={"created_by": client}
    )
    created += new
    return created
