"""The design-scale data set (DESIGN.md), generated with COPY into a PostgreSQL database of its own.

API (for the benches and for later work)::

    from design_data import ensure_design_data, DEFAULT_DSN

    info = ensure_design_data(DEFAULT_DSN, scale=1.0)   # builds once (≈ 10 min), then reuses it
    info.dsn               # the database's URL: run Django against it with DATABASE_URL=info.dsn
    info.big_account_id    # the account holding 100,000 orders (scaled)
    info.small_account_id  # an account holding exactly 1 order
    info.big_email, info.small_email, info.password   # customers to sign in as (PBKDF2 hash)
    info.counts            # {"accounts": 5000, "orders": 1000000, ...} as generated

    .venv/bin/python bench/design_data.py [--dsn URL] [--scale 0.01] [--force]

``ensure_design_data(dsn, *, scale=1.0, force=False)`` migrates the database named in ``dsn`` (created
if missing, through ``manage.py migrate`` with ``DATABASE_URL=dsn``), fills it, and writes a marker
row (table ``design_data_marker``) last: a database whose marker has the same scale and generator
version is reused as it is; another scale, another version or a half-built database is dropped and
built again. ``--scale 0.01`` builds a hundredth of everything (a quick run of a minute).

At scale 1: 5,000 accounts (two users each), 500,000 products (one in ten of the large account, most
with an ISBN-13 and a PDF file), ~100,000 address-book entries, 300 booksellers, 1,000,000 orders of 3
baskets (3,000,000 baskets, one line each: 3,000,000 lines) placed over the two years before the build
(a few drafts and orders in progress, most completed), one account holding 100,000 of them; French
companies, names, cities and postcodes, book titles; order numbers ``C<year>-<n>`` without gap per
year and the number sequences set after them. Counters the models keep are computed after the COPY
(an address's ``use_count`` and ``last_used_at``); add a step to ``COUNTERS`` for a new one. The
search documents (products, orders, baskets) are written with the same words as ``search_rebuild``
would (``portal.search.text.words``), so the search index matches the data.

Speed: COPY on several connections at once with foreign-key triggers off (``session_replication_role
= replica``), the tables' secondary indexes dropped during the COPY and built again after it (with
``maintenance_work_mem`` raised), then ``VACUUM ANALYZE``. A column a later migration adds that is NOT NULL
without a database default is filled with its type's zero value, so the generator keeps working when
models grow (a new counter then needs its step in ``COUNTERS``).

The rare marks the benches search for (``RARE``): the word "zygomatique" in a few of the large
account's product titles, the ISBN ``9782070368228`` (``2-07-036822-X``) and the document number
``DN-2026-0457`` on one of its products.
"""

from __future__ import annotations

import argparse
import base64
import bisect
import hashlib
import math
import os
import random
import subprocess
import sys
import time
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from portal.search.text import words as search_words  # noqa: E402  (no Django needed)

DEFAULT_DSN = "postgres://postgres@127.0.0.1:5432/colophon_design"
VERSION = 1
PASSWORD = "design-data-password"  # noqa: S105 (a bench customer of a generated database)
BIG_EMAIL = "grande.compte@design.colophon.test"
SMALL_EMAIL = "petit.compte@design.colophon.test"
RARE = {"word": "zygomatique", "isbn10": "2-07-036822-X", "isbn13": "9782070368228", "doc_number": "DN-2026-0457"}

FULL = {"accounts": 5_000, "products": 500_000, "orders": 1_000_000, "big_orders": 100_000, "booksellers": 300}
BASKETS_PER_ORDER = 3

# --- French vocabulary ----------------------------------------------------------------------------------

CITIES = [
    ("75005", "Paris"), ("75011", "Paris"), ("75015", "Paris"), ("69003", "Lyon"), ("69007", "Lyon"),
    ("13001", "Marseille"), ("13008", "Marseille"), ("59000", "Lille"), ("59800", "Lille"), ("31000", "Toulouse"),
    ("33000", "Bordeaux"), ("44000", "Nantes"), ("67000", "Strasbourg"), ("34000", "Montpellier"),
    ("35000", "Rennes"), ("06000", "Nice"), ("76000", "Rouen"), ("51100", "Reims"), ("42000", "Saint-Étienne"),
    ("83000", "Toulon"), ("38000", "Grenoble"), ("21000", "Dijon"), ("49000", "Angers"), ("37000", "Tours"),
    ("63000", "Clermont-Ferrand"), ("87000", "Limoges"), ("80000", "Amiens"), ("25000", "Besançon"),
    ("66000", "Perpignan"), ("57000", "Metz"), ("54000", "Nancy"), ("14000", "Caen"), ("29200", "Brest"),
    ("64000", "Pau"), ("17000", "La Rochelle"), ("86000", "Poitiers"), ("45000", "Orléans"),
    ("68100", "Mulhouse"), ("72000", "Le Mans"), ("59100", "Roubaix"), ("59200", "Tourcoing"),
    ("62000", "Arras"), ("02100", "Saint-Quentin"), ("74000", "Annecy"), ("73000", "Chambéry"),
    ("84000", "Avignon"), ("30000", "Nîmes"), ("11000", "Carcassonne"), ("65000", "Tarbes"),
    ("97400", "Saint-Denis"), ("20000", "Ajaccio"), ("56100", "Lorient"), ("22000", "Saint-Brieuc"),
    ("85000", "La Roche-sur-Yon"), ("18000", "Bourges"), ("03100", "Montluçon"), ("71100", "Chalon-sur-Saône"),
    ("88000", "Épinal"), ("10000", "Troyes"), ("41000", "Blois"),
]  # fmt: skip
FIRST_NAMES = [
    "Marie",
    "Jean",
    "Pierre",
    "Michel",
    "André",
    "Philippe",
    "Nathalie",
    "Isabelle",
    "Sylvie",
    "Catherine",
    "Françoise",
    "Hélène",
    "Élodie",
    "Céline",
    "Stéphane",
    "Frédéric",
    "Sébastien",
    "Jérôme",
    "Grégoire",
    "Benoît",
    "Anaïs",
    "Léa",
    "Chloé",
    "Zoé",
    "Inès",
    "Maëlle",
    "Noémie",
    "Théo",
    "Hugo",
    "Louis",
    "Gabriel",
    "Raphaël",
    "Jules",
    "Lucas",
    "Mathéo",
    "Timothée",
    "Agnès",
    "Bérénice",
    "Joël",
    "Loïc",
    "Gaëlle",
    "Aurélie",
    "Cécile",
    "Josiane",
    "Thérèse",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefebvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Sanchez",
    "Gérard",
    "Nguyen",
    "Boyer",
    "Denis",
    "Lemaire",
    "Duval",
    "Joly",
    "Gautier",
    "Roger",
    "Roche",
    "Roy",
    "Noël",
    "Meyer",
    "Lucas",
    "Meunier",
    "Jean",
    "Pérez",
    "Marchand",
    "Dufour",
    "Blanchard",
    "Marie",
    "Barbier",
    "Brun",
    "Dumas",
    "Brunet",
    "Schmitt",
    "Leroux",
    "Colin",
    "Fernandez",
    "Pierre",
    "Renard",
    "Arnaud",
    "Rolland",
    "Caron",
    "Aubert",
    "Giraud",
    "Leclerc",
    "Vidal",
    "Bourgeois",
    "Renaud",
    "Lemoine",
    "Picard",
    "Gaillard",
    "Philippe",
    "Leclercq",
    "Lacroix",
    "Fabre",
    "Dupuis",
    "Olivier",
    "Rodriguez",
    "Da",
    "Silva",
    "Hubert",
    "Louis",
    "Charles",
    "Guillot",
    "Rivière",
    "Le",
    "Gall",
    "Guillaume",
    "Adam",
    "Rey",
    "Moulin",
    "Gonzalez",
    "Berger",
    "Lecomte",
    "Menard",
    "Fleury",
    "Deschamps",
    "Carpentier",
    "Julien",
    "Benoît",
    "Paris",
    "Maillard",
    "Marchal",
    "Aubry",
    "Vasseur",
    "Le",
    "Roux",
    "Renault",
    "Jacquet",
    "Collet",
    "Prévost",
    "Poirier",
    "Charpentier",
    "Royer",
    "Huet",
    "Baron",
    "Dupuy",
    "Pons",
    "Paul",
    "Laine",
    "Carré",
    "Breton",
    "Rémy",
    "Schneider",
    "Perret",
    "Giraud",
    "Turet",
    "Besnard",
    "Lejeune",
    "Étienne",
    "Hamon",
    "Gilbert",
]
STREETS = [
    "rue de la République",
    "avenue Jean-Jaurès",
    "rue Victor-Hugo",
    "boulevard Gambetta",
    "rue du Général-de-Gaulle",
    "place de l’Église",
    "rue des Écoles",
    "chemin des Vignes",
    "rue Pasteur",
    "allée des Tilleuls",
    "rue de la Gare",
    "avenue de la Libération",
    "rue Nationale",
    "quai des Chartrons",
    "rue Émile-Zola",
    "impasse des Lilas",
    "rue Molière",
    "boulevard Voltaire",
    "rue Jean-Moulin",
    "rue du Faubourg-Saint-Honoré",
    "route de Lyon",
    "rue des Peupliers",
]
COMPANY_KINDS = [
    "Éditions", "Librairie", "Lycée", "Collège", "École élémentaire", "Association", "Mairie de", "Imprimerie",
    "Médiathèque", "Théâtre", "Cabinet", "Atelier", "Presses universitaires de", "Fondation", "Comité d’entreprise",
]  # fmt: skip
COMPANY_NAMES = [
    "Gallimard",
    "du Seuil",
    "de l’Aube",
    "Gravelle",
    "Jules-Ferry",
    "Victor-Hugo",
    "Marie-Curie",
    "Jean-Moulin",
    "Louis-Pasteur",
    "des Quatre Vents",
    "du Rivage",
    "Lumière",
    "Saint-Exupéry",
    "de la Loire",
    "des Flandres",
    "du Vieux-Port",
    "Montaigne",
    "Condorcet",
    "Colette",
    "Albert-Camus",
    "des Alpes",
    "du Littoral",
    "Rabelais",
    "George-Sand",
    "du Lac",
    "Vauban",
    "de Provence",
    "Champollion",
    "Descartes",
    "des Tilleuls",
    "Belle-Île",
    "la Fontaine",
    "de l’Estuaire",
    "Clemenceau",
    "des Hautes-Terres",
]
TITLE_HEADS = [
    "Cahier de vacances", "Atlas", "Manuel", "Carnet de bord", "Annales", "Recueil", "Guide pratique",
    "Catalogue", "Rapport annuel", "Livret d’accueil", "Programme", "Brochure", "Mémoire", "Anthologie",
    "Journal", "Bulletin", "Fascicule", "Dossier pédagogique", "Album", "Roman", "Précis", "Abécédaire",
]  # fmt: skip
TITLE_SUBJECTS = [
    "des gravitations", "de l’élève", "de géographie", "d’histoire", "des sciences", "de mathématiques",
    "du jardinier", "des oiseaux", "de la mer", "des étoiles", "du patrimoine", "de la rentrée", "des saisons",
    "de poésie", "de l’orchestre", "du théâtre", "des volcans", "de la forêt", "des châteaux", "de cuisine",
    "du marin", "des énergies", "de philosophie", "d’éducation civique", "de l’écologie", "des métiers",
    "du cinéma", "des légendes", "de la Révolution", "des océans", "de la montagne", "du vignoble",
]  # fmt: skip
TITLE_TAILS = [
    "CP", "CE1", "CE2", "CM1", "CM2", "6e", "5e", "4e", "3e", "seconde", "première", "terminale", "tome 1",
    "tome 2", "tome 3", "édition 2025", "édition 2026", "nouvelle édition", "illustré", "grand format", "",
    "", "", "volume 2", "hors-série", "spécial", "collector", "poche",
]  # fmt: skip
ORDER_NAMES = [
    "Rentrée {year}", "Réassort {month}", "Commande {month} {year}", "Salon du livre {year}", "Kermesse {year}",
    "Fête de fin d’année", "Conseil d’administration", "Portes ouvertes {year}", "Séminaire {month}",
    "Tirage complémentaire", "Réimpression {month}", "Envoi libraires {month}", "Festival {year}", "",
]  # fmt: skip
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]

# --- helpers ---------------------------------------------------------------------------------------------


@dataclass
class DesignData:
    dsn: str
    scale: float
    big_account_id: int
    small_account_id: int
    big_email: str = BIG_EMAIL
    small_email: str = SMALL_EMAIL
    password: str = PASSWORD
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    reused: bool = False


def _db_name(dsn: str) -> str:
    return dsn.rsplit("/", 1)[1].split("?")[0]


def _admin_dsn(dsn: str) -> str:
    return dsn.rsplit("/", 1)[0] + "/postgres"


def _password_hash(password: str, *, iterations: int = 1_000_000) -> str:
    """Django's ``pbkdf2_sha256`` format (its default hasher), computed once for every generated user."""
    salt = "designdata" + "0" * 12
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations)
    return f"pbkdf2_sha256${iterations}${salt}${base64.b64encode(digest).decode()}"


def _isbn13(rng: random.Random) -> str:
    body = "978" + "".join(str(rng.randint(0, 9)) for _ in range(9))
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower().replace(" ", ""))
    return "".join(c for c in text if not unicodedata.combining(c))


def _ts(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S+00")


_WORDS: dict[str, tuple[str, ...]] = {}


def _words(part: str) -> tuple[str, ...]:
    """``portal.search.text.words`` of a part, remembered (the parts come from small pools)."""
    found = _WORDS.get(part)
    if found is None:
        found = _WORDS[part] = tuple(search_words(part)) if part else ()
    return found


def _text(parts) -> str:
    """``portal.search.text.document_text(*parts)``, from remembered words."""
    seen: dict[str, None] = {}
    for part in parts:
        if part:
            for word in _words(part):
                seen[word] = None
    return " ".join(seen)


def _esc(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    value = str(value)
    if "\\" in value or "\t" in value or "\n" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return value


ZERO_BY_TYPE = {
    "integer": "0", "bigint": "0", "smallint": "0", "numeric": "0", "double precision": "0", "real": "0",
    "boolean": "f", "jsonb": "{}", "json": "{}", "character varying": "", "text": "",
    "timestamp with time zone": "1970-01-01 00:00:00+00", "date": "1970-01-01", "uuid": str(uuid.UUID(int=0)),
}  # fmt: skip


class Copier:
    """A COPY into one table on its own connection; columns the generator does not know are zero-filled."""

    def __init__(self, dsn: str, table: str, columns: list[str]):
        import psycopg

        self.connection = psycopg.connect(dsn)
        self.connection.execute("SET session_replication_role = replica")
        self.connection.execute("SET synchronous_commit = off")
        rows = self.connection.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s"
            " AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
            [table],
        ).fetchall()
        extra = [(name, kind) for name, kind in rows if name not in columns and name != "id"]
        self.suffix = "".join("\t" + ZERO_BY_TYPE.get(kind, "") for _, kind in extra)
        names = ", ".join([*columns, *(name for name, _ in extra)])
        self.cursor = self.connection.cursor()
        self._copy_cm = self.cursor.copy(f"COPY {table} ({names}) FROM STDIN")
        self.copy = self._copy_cm.__enter__()
        self.buffer: list[str] = []
        self.rows = 0

    def row(self, *values) -> None:
        self.buffer.append("\t".join(map(_esc, values)) + self.suffix + "\n")
        self.rows += 1
        if len(self.buffer) >= 5000:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.copy.write("".join(self.buffer))
            self.buffer = []

    def close(self) -> int:
        self.flush()
        self._copy_cm.__exit__(None, None, None)
        self.connection.commit()
        self.connection.close()
        return self.rows


TABLES = [
    "contacts_account", "contacts_user", "library_product", "files_productfile", "orders_address",
    "orders_bookseller", "orders_order", "orders_shippingbasket", "orders_basketline", "search_searchdocument",
]  # fmt: skip

#: SQL run after the COPY, in order, to set the counters the models keep (add yours here)
COUNTERS = [
    """UPDATE orders_address a SET use_count = u.n, last_used_at = u.at
       FROM (SELECT b.address_id, count(*) AS n, max(coalesce(o.submitted_at, o.created_at)) AS at
             FROM orders_shippingbasket b JOIN orders_order o ON o.id = b.order_id
             WHERE b.address_id IS NOT NULL GROUP BY b.address_id) u
       WHERE a.id = u.address_id""",
    """INSERT INTO portal_numbersequence (name, year, last_number)
       SELECT 'order', substr(number, 2, 4)::int, max(substr(number, 7)::int)
       FROM orders_order WHERE number IS NOT NULL GROUP BY 2
       ON CONFLICT (name, year) DO UPDATE SET last_number = EXCLUDED.last_number""",
]


def _drop_secondary_indexes(connection) -> list[str]:
    """Drop the indexes that back no constraint on the generated tables; return their definitions."""
    rows = connection.execute(
        """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
           FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
           WHERE t.relname = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
        [TABLES],
    ).fetchall()
    for name, _ in rows:
        connection.execute(f"DROP INDEX {name}")
    return [definition for _, definition in rows]


# --- the generation --------------------------------------------------------------------------------------


def _count(name: str, scale: float) -> int:
    return max(1, round(FULL[name] * scale))


def generate(dsn: str, scale: float) -> DesignData:
    import psycopg

    rng = random.Random(2026)
    started = time.perf_counter()
    n_accounts = max(10, _count("accounts", scale))
    n_products = max(n_accounts * 5, _count("products", scale))
    n_orders = max(n_accounts, _count("orders", scale))
    n_big = _count("big_orders", scale)
    n_booksellers = max(5, _count("booksellers", scale))
    big, small = 1, 2
    now = time.time()
    epoch_start = now - 730 * 86400

    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute("SET maintenance_work_mem = '1GB'")
        indexes = _drop_secondary_indexes(admin)
        # the catalogue entries the products point at
        formats = []
        for position, (name, w, h) in enumerate([("A4", 210, 297), ("A5", 148, 210), ("A3", 297, 420)]):
            formats.append(
                admin.execute(
                    "INSERT INTO library_paperformat (name, code, is_active, position, width_mm, height_mm, is_custom)"
                    " VALUES (%s, %s, true, %s, %s, %s, false) ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name"
                    " RETURNING id",
                    [name, name.lower(), position, w, h],
                ).fetchone()[0]
            )
        bindings = []
        for position, (name, code) in enumerate([("Dos carré collé", "dos-carre-colle"), ("Agrafé", "agrafe")]):
            bindings.append(
                admin.execute(
                    "INSERT INTO library_binding (name, code, is_active, position, min_pages, max_pages, page_multiple)"
                    " VALUES (%s, %s, true, %s, 4, 1000, 2) ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name"
                    " RETURNING id",
                    [name, code, position],
                ).fetchone()[0]
            )

    def copier(table, columns):
        return Copier(dsn, table, columns)

    # accounts and users
    accounts = copier("contacts_account", ["id", "name", "kind", "uai", "email", "phone", "created_at"])
    users = copier(
        "contacts_user",
        ["id", "password", "is_superuser", "email", "first_name", "last_name", "language", "is_staff", "is_active",
         "date_joined", "account_id", "state", "terms_accepted_at"],
    )  # fmt: skip
    password = _password_hash(PASSWORD)
    user_of: list[int] = [0] * (n_accounts + 1)
    user_id = 0
    for account in range(1, n_accounts + 1):
        if account == big:
            name = "Éditions Gravelle"
        elif account == small:
            name = "Librairie du Petit Compte"
        else:
            name = f"{rng.choice(COMPANY_KINDS)} {rng.choice(COMPANY_NAMES)} {account}"
        created = _ts(epoch_start - rng.randint(1, 400) * 86400)
        accounts.row(account, name, "company", "", f"contact@compte{account}.fr", "01 23 45 67 89", created)
        for n in range(2):
            user_id += 1
            user_of[account] = user_of[account] or user_id
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            email = _ascii(f"{first}.{last}.{user_id}@compte{account}.fr")
            if n == 0 and account == big:
                email = BIG_EMAIL
            elif n == 0 and account == small:
                email = SMALL_EMAIL
            users.row(user_id, password, False, email, first, last, "fr", False, True, created, account, "active",
                      created)  # fmt: skip
    counts = {"accounts": accounts.close(), "users": users.close()}

    # how orders and products are spread: the big account, the 1-order account, the others skewed
    other_weights = [1.0 / (i**0.6) for i in range(1, n_accounts - 1)]
    other_accounts = list(range(3, n_accounts + 1))
    total_weight = sum(other_weights)
    cumulative, acc = [], 0.0
    for w in other_weights:
        acc += w / total_weight
        cumulative.append(acc)

    def other_account() -> int:
        return other_accounts[min(bisect.bisect(cumulative, rng.random()), len(other_accounts) - 1)]

    # products
    products = copier(
        "library_product",
        ["id", "title", "page_count", "quantity_to_print", "isbn", "attached_document_name", "remarks", "doc_number",
         "created_at", "updated_at", "account_id", "binding_id", "paper_format_id", "width_mm", "height_mm"],
    )  # fmt: skip
    files = copier(
        "files_productfile",
        ["id", "kind", "file", "original_name", "size", "sha256", "uploaded_at", "preflight_status",
         "preflight_report", "product_id"],
    )  # fmt: skip
    by_account: dict[int, list[int]] = {}
    product_parts: list[tuple] = [()]  # index = product id: the parts of its words
    product_created: list[float] = [0.0]
    product_pages: list[int] = [0]
    file_id = 0
    big_products = max(5, n_products // 10)
    for pid in range(1, n_products + 1):
        if pid <= big_products:
            account = big
        elif pid <= big_products + 3:
            account = small
        elif pid <= big_products + 3 + (n_accounts - 2) * 3:
            account = 3 + (pid - big_products - 4) % (n_accounts - 2)  # every account has products
        else:
            account = other_account()
        by_account.setdefault(account, []).append(pid)
        title = " ".join(x for x in (rng.choice(TITLE_HEADS), rng.choice(TITLE_SUBJECTS), rng.choice(TITLE_TAILS)) if x)
        isbn = _isbn13(rng) if rng.random() < 0.7 else ""
        doc_number = f"DN-{rng.randint(2021, 2026)}-{rng.randint(0, 99999):05d}" if rng.random() < 0.6 else ""
        if account == big and pid % 997 == 0:
            title += f" {RARE['word']}"
        if account == big and pid == big_products // 2:
            isbn, doc_number, title = RARE["isbn13"], RARE["doc_number"], "Gravitations, lycée de Lille"
        created = epoch_start - rng.randint(0, 200) * 86400 + rng.randint(0, 86399)
        pages = rng.choice([4, 8, 16, 24, 32, 48, 64, 96, 128, 192, 256, 320])
        slug = title.lower().replace(" ", "_").replace("’", "")[:60]
        attached = f"{slug}_couverture.pdf" if rng.random() < 0.1 else ""
        fmt = rng.choice(formats)
        products.row(pid, title, pages, rng.choice([50, 100, 250, 500, 1000, 2000]), isbn, attached, "", doc_number,
                     _ts(created), _ts(created), account, rng.choice(bindings), fmt, None, None)  # fmt: skip
        file_names: list[str] = []
        if rng.random() < 0.7:
            file_id += 1
            original = f"{slug}_interieur_v{rng.randint(1, 4)}.pdf"
            file_names.append(original)
            files.row(file_id, "interior", f"products/{account}/{uuid.UUID(int=rng.getrandbits(128)).hex}.pdf",
                      original, rng.randint(200_000, 90_000_000), "", _ts(created), "passed", "{}", pid)  # fmt: skip
        product_parts.append((title, isbn, doc_number, attached, *file_names))
        product_created.append(created)
        product_pages.append(pages)
    counts["products"], counts["product files"] = products.close(), files.close()

    # address book and booksellers
    addresses = copier(
        "orders_address",
        ["id", "company", "first_name", "last_name", "line1", "line2", "postcode", "city", "country", "phone", "email",
         "use_count", "created_at", "account_id", "building", "cedex", "locality"],
    )  # fmt: skip
    address_of: dict[int, list[int]] = {}
    address_parts: list[tuple] = [()]
    aid = 0
    for account in range(1, n_accounts + 1):
        size = 2_000 if account == big else (1 if account == small else rng.randint(3, 37))
        size = max(1, round(size * min(1.0, scale * 10))) if account == big else size
        for _ in range(size):
            aid += 1
            postcode, city = rng.choice(CITIES)
            company = f"{rng.choice(COMPANY_KINDS)} {rng.choice(COMPANY_NAMES)}" if rng.random() < 0.8 else ""
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            line1 = f"{rng.randint(1, 180)} {rng.choice(STREETS)}"
            addresses.row(aid, company, first, last, line1, "", postcode, city, "FR", "", "", 0,
                          _ts(epoch_start - 86400), account, "", "", "")  # fmt: skip
            address_of.setdefault(account, []).append(aid)
            address_parts.append((company, first, last, line1, "", "", "", postcode, city, ""))
    counts["addresses"] = addresses.close()
    booksellers = copier(
        "orders_bookseller",
        ["id", "name", "network_code", "line1", "line2", "postcode", "city", "country", "phone", "email", "is_active",
         "building", "cedex", "locality"],
    )  # fmt: skip
    bookseller_parts: list[tuple] = [()]
    for bid in range(1, n_booksellers + 1):
        postcode, city = rng.choice(CITIES)
        name = f"Librairie {rng.choice(COMPANY_NAMES)} {rng.choice(LAST_NAMES)}"
        booksellers.row(bid, name, f"LIB{bid:05d}", f"{rng.randint(1, 90)} {rng.choice(STREETS)}", "", postcode, city,
                        "FR", "", "", True, "", "", "")  # fmt: skip
        bookseller_parts.append((name, postcode, city))
    counts["booksellers"] = booksellers.close()

    # orders, baskets, lines and their search documents, in the order they were placed
    orders = copier(
        "orders_order",
        ["id", "name", "number", "status", "created_at", "updated_at", "submitted_at", "account_id", "created_by_id",
         "customer_reference", "source", "submitter_email", "submitter_name", "tracking_reference",
         "wished_delivery_date"],
    )  # fmt: skip
    baskets = copier(
        "orders_shippingbasket",
        ["id", "kind", "position", "company", "first_name", "last_name", "line1", "line2", "postcode", "city",
         "country", "phone", "email", "pickup_name", "address_id", "bookseller_id", "order_id", "building", "cedex",
         "locality"],
    )  # fmt: skip
    lines = copier("orders_basketline", ["id", "quantity", "product_id", "basket_id"])
    documents = copier("search_searchdocument", ["account_id", "kind", "object_id", "text", "last_ordered_at"])
    owner = [big] * n_big + [other_account() for _ in range(n_orders - n_big - 1)]
    rng.shuffle(owner)
    owner.insert(rng.randint(0, len(owner)), small)  # the account of exactly one order
    times = sorted(epoch_start + rng.random() * (now - epoch_start - 3600) for _ in range(n_orders))
    last_ordered = [0.0] * (n_products + 1)
    sequence: dict[int, int] = {}
    bid_ = lid = 0
    statuses_recent = ["submitted", "accepted", "in_production", "shipped", "ready_for_pickup", "changes_requested"]
    for oid in range(1, n_orders + 1):
        account, created = owner[oid - 1], times[oid - 1]
        recent = now - created < 20 * 86400
        roll = rng.random()
        if recent and roll < 0.15:
            status = "draft"
        elif roll < 0.01:
            status = "cancelled"
        elif recent:
            status = rng.choice(statuses_recent)
        else:
            status = "completed"
        submitted = None if status == "draft" else created + rng.randint(60, 3 * 86400)
        number = None
        if submitted is not None:
            year = datetime.fromtimestamp(submitted, UTC).year
            sequence[year] = sequence.get(year, 0) + 1
            number = f"C{year}-{sequence[year]:06d}"
        when = datetime.fromtimestamp(created, UTC)
        name = rng.choice(ORDER_NAMES).format(year=when.year, month=MONTHS[when.month - 1])
        reference = f"BC-{rng.randint(1000, 99999)}" if rng.random() < 0.3 else ""
        tracking = (
            f"6A{rng.randint(10**10, 10**11 - 1)}" if status in ("shipped", "completed") and rng.random() < 0.5 else ""
        )
        wished = (when + timedelta(days=rng.randint(7, 40))).date().isoformat() if rng.random() < 0.4 else None
        orders.row(oid, name, number, status, _ts(created), _ts(submitted or created),
                   _ts(submitted) if submitted else None, account, user_of[account], reference, "portal", "", "",
                   tracking, wished)  # fmt: skip
        dated = submitted or created
        order_head = (number, name, reference)
        order_words: list = [number, name, reference, tracking, ""]
        account_products = by_account[account]
        account_addresses = address_of[account]
        for position in range(BASKETS_PER_ORDER):
            bid_ += 1
            roll = rng.random()
            if roll < 0.8:
                kind = "address"
                address = account_addresses[int(len(account_addresses) * rng.random() ** 2)]
                company, first, last, line1, _, _, _, postcode, city, _ = address_parts[address]
                baskets.row(bid_, kind, position, company, first, last, line1, "", postcode, city, "FR", "", "", "",
                            address, None, oid, "", "", "")  # fmt: skip
                basket_words = list(address_parts[address])
            elif roll < 0.92:
                kind, seller = "bookseller", rng.randint(1, n_booksellers)
                baskets.row(bid_, kind, position, "", "", "", "", "", "", "", "FR", "", "", "", None, seller, oid,
                            "", "", "")  # fmt: skip
                basket_words = ["", "", "", "", "", "", "", "", "", "", *bookseller_parts[seller]]
            else:
                kind, collector = "pickup", f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                baskets.row(bid_, kind, position, "", "", "", "", "", "", "", "FR", "01 02 03 04 05", "", collector,
                            None, None, oid, "", "", "")  # fmt: skip
                basket_words = ["", "", "", "", "", "", "", "", "", collector]
            # the line: the account's products, the first ones (its best sellers) more often
            product = account_products[int(len(account_products) * rng.random() ** 3)]
            lid += 1
            lines.row(lid, rng.choice([10, 25, 50, 100, 150, 200, 300, 500, 1000, 2500]), product, bid_)
            title, isbn, doc_number = product_parts[product][:3]
            basket_words += [title, isbn, doc_number]
            if submitted is not None and submitted > last_ordered[product]:
                last_ordered[product] = submitted
            documents.row(account, "basket", bid_, _text((*order_head, *basket_words)), _ts(dated))
            order_words += basket_words
        documents.row(account, "order", oid, _text(order_words), _ts(dated))
    counts["orders"], counts["baskets"], counts["lines"] = orders.close(), baskets.close(), lines.close()
    owner_of_product = {pid: account for account, pids in by_account.items() for pid in pids}
    for pid in range(1, n_products + 1):
        documents.row(owner_of_product[pid], "product", pid, _text(product_parts[pid]),
                      _ts(last_ordered[pid] or product_created[pid]))  # fmt: skip
    counts["search documents"] = documents.close()
    copied = time.perf_counter()
    print(f"  COPY of {sum(counts.values()):,} rows: {copied - started:.0f} s", flush=True)

    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute("SET maintenance_work_mem = '1GB'")
        admin.execute("SET max_parallel_maintenance_workers = 2")
        for table in TABLES:
            admin.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT coalesce(max(id), 0) + 1 FROM "  # noqa: S608 (our table names)
                + table
                + "), false)",
                [table],
            )
        for statement in COUNTERS:
            admin.execute(statement)
        for definition in indexes:
            admin.execute(definition)
        admin.execute("VACUUM ANALYZE")  # hint bits and visibility map set now, not by the first reads
        info = DesignData(dsn=dsn, scale=scale, big_account_id=big, small_account_id=small, counts=counts)
        info.seconds = time.perf_counter() - started
        admin.execute(
            "CREATE TABLE design_data_marker (version int, scale float, big int, small int, counts text, seconds float)"
        )
        admin.execute(
            "INSERT INTO design_data_marker VALUES (%s, %s, %s, %s, %s, %s)",
            [VERSION, scale, big, small, repr(counts), info.seconds],
        )
    print(f"  indexes, counters and VACUUM ANALYZE: {time.perf_counter() - copied:.0f} s", flush=True)
    return info


def _marker(dsn: str) -> DesignData | None:
    import psycopg

    try:
        with psycopg.connect(dsn) as connection:
            row = connection.execute(
                "SELECT version, scale, big, small, counts, seconds FROM design_data_marker"
            ).fetchone()
    except psycopg.Error:
        return None
    if row is None or row[0] != VERSION:
        return None
    import ast

    return DesignData(dsn=dsn, scale=row[1], big_account_id=row[2], small_account_id=row[3],
                      counts=ast.literal_eval(row[4]), seconds=row[5], reused=True)  # fmt: skip


def _recreate(dsn: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(_admin_dsn(dsn), autocommit=True) as connection:
        name = sql.Identifier(_db_name(dsn))
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(name))


def ensure_design_data(dsn: str = DEFAULT_DSN, *, scale: float = 1.0, force: bool = False) -> DesignData:
    """The design-scale data in the database of ``dsn``: reused when built at this ``scale``, else built."""
    if not force:
        found = _marker(dsn)
        if found is not None and math.isclose(found.scale, scale):
            return found
    import psycopg

    # one build at a time per database (two benches started together: the second waits, then reuses)
    with psycopg.connect(_admin_dsn(dsn), autocommit=True) as lock:
        lock.execute("SELECT pg_advisory_lock(hashtext(%s))", [_db_name(dsn)])
        if not force:
            found = _marker(dsn)
            if found is not None and math.isclose(found.scale, scale):
                return found
        return _build(dsn, scale)


def _build(dsn: str, scale: float) -> DesignData:
    started = time.perf_counter()
    print(f"Building the design data (scale {scale}) into {_db_name(dsn)}…", flush=True)
    _recreate(dsn)
    env = {**os.environ, "DATABASE_URL": dsn, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], check=True, env=env, cwd=ROOT)
    print(f"  migrate: {time.perf_counter() - started:.0f} s", flush=True)
    info = generate(dsn, scale)
    info.seconds = time.perf_counter() - started
    print(f"Built in {info.seconds / 60:.1f} min: " + ", ".join(f"{v:,} {k}" for k, v in info.counts.items()))
    return info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dsn", default=os.environ.get("DESIGN_DATABASE_URL", DEFAULT_DSN))
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--force", action="store_true", help="build again even if the database is there")
    args = parser.parse_args()
    info = ensure_design_data(args.dsn, scale=args.scale, force=args.force)
    state = "reused" if info.reused else "built"
    print(f"{state}: {info.dsn} (scale {info.scale}), large account {info.big_account_id} ({info.big_email}),")
    print(f"  1-order account {info.small_account_id} ({info.small_email}), password {info.password!r}")
    print("  " + ", ".join(f"{v:,} {k}" for k, v in info.counts.items()) + f"; built in {info.seconds / 60:.1f} min")


if __name__ == "__main__":
    main()
