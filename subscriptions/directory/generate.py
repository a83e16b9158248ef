"""Files in the format of fr-en-annuaire-education, made up (the machines have no internet).

``write_directory`` writes ``count`` establishments with valid UAI codes (check letter included), a
mix of public and private schools, some with an academic e-mail and some without, the way the real
file is. The same ``seed`` writes the same file.
"""

from __future__ import annotations

import csv
import random
from typing import TextIO

from contacts.validators import UAI_CHECK_LETTERS

HEADERS = [
    "Identifiant_de_l_etablissement",
    "Nom_etablissement",
    "Type_etablissement",
    "Statut_public_prive",
    "Adresse_1",
    "Adresse_2",
    "Code_postal",
    "Nom_commune",
    "Code_departement",
    "Code_academie",
    "Libelle_academie",
    "Telephone",
    "Mail",
    "SIREN_SIRET",
    "etat",
]
ACADEMIES = [
    ("01", "Paris", "75", "Paris"),
    ("02", "Aix-Marseille", "13", "Marseille"),
    ("10", "Lyon", "69", "Lyon"),
    ("04", "Bordeaux", "33", "Bordeaux"),
    ("16", "Toulouse", "31", "Toulouse"),
    ("12", "Lille", "59", "Lille"),
    ("14", "Rennes", "35", "Rennes"),
    ("06", "Nantes", "44", "Nantes"),
]
KINDS = [("Ecole", "École élémentaire"), ("Collège", "Collège"), ("Lycée", "Lycée")]
PATRONS = ["Jules Ferry", "Victor Hugo", "Marie Curie", "Jean Moulin", "Louise Michel", "Jean Jaurès", "Colette"]
STREETS = ["rue de la République", "avenue Jean Jaurès", "place de la Mairie", "rue des Écoles", "boulevard Pasteur"]


def uai_for(number: int, department: str) -> str:
    digits = f"{department[:2]}{number % 100000:05d}"
    return digits + UAI_CHECK_LETTERS[int(digits) % 23]


def directory_rows(count: int, *, seed: int = 1, start: int = 0):
    rng = random.Random(seed)  # noqa: S311  (made-up data, the same for the same seed)
    for index in range(start, start + count):
        code, academy, department, town = ACADEMIES[index % len(ACADEMIES)]
        kind, label = KINDS[rng.randrange(len(KINDS))]
        public = rng.random() < 0.8
        uai = uai_for(index, department)
        has_mail = rng.random() < 0.9
        yield [
            uai,
            f"{label} {PATRONS[rng.randrange(len(PATRONS))]}",
            kind,
            "Public" if public else "Privé",
            f"{rng.randint(1, 120)} {STREETS[rng.randrange(len(STREETS))]}",
            "",
            f"{department}{rng.randint(0, 999):03d}",
            town if index % 3 else f"{town} {index % 17 + 1}e",
            department,
            code,
            academy,
            "0" + " ".join([str(rng.randint(1, 5)), *(str(rng.randint(10, 99)) for _ in range(4))]),
            f"ce.{uai.lower()}@ac-{academy.lower()}.fr" if has_mail else "",
            f"{rng.randint(10**13, 10**14 - 1)}" if public else "",
            "OUVERT",
        ]


def write_directory(handle: TextIO, count: int, *, seed: int = 1, lower_case_headers: bool = False, rows=None) -> None:
    writer = csv.writer(handle, delimiter=";", lineterminator="\n")
    writer.writerow([header.lower() for header in HEADERS] if lower_case_headers else HEADERS)
    writer.writerows(rows if rows is not None else directory_rows(count, seed=seed))
