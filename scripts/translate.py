#!/usr/bin/env python
"""Extract the strings to translate, fill French translations, compile — safely from parallel shells.

    .venv/bin/python scripts/translate.py                  # extract + compile, print what is missing
    .venv/bin/python scripts/translate.py fr.json          # also fill msgstr from a JSON file
    .venv/bin/python scripts/translate.py --check          # exit 1 if any French string is missing

The JSON maps each English msgid to its French text; a msgid with a plural form maps to a list
[singular, plural]; a msgid with a context is written "context\u0004msgid". One lock serialises
every run so two people extracting at once never overwrite each other's catalogue.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
IGNORES = [".venv", "var", "tests", "bench", "node_modules", "scripts", "test-artifacts"]


def run_manage(*args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def extract() -> None:
    ignore = [f"--ignore={pattern}" for pattern in IGNORES]
    # No fuzzy guesses: a string is either translated by someone or listed as missing.
    run_manage("makemessages", "-l", "fr", "--no-obsolete", "--no-location", *ignore)


def fill(translations: dict) -> int:
    catalogue = polib.pofile(str(PO), wrapwidth=0)
    # The header makemessages writes is marked fuzzy; msgfmt would then drop its plural rule.
    catalogue.metadata_is_fuzzy = False
    filled = 0
    for entry in catalogue:
        key = f"{entry.msgctxt}\u0004{entry.msgid}" if entry.msgctxt else entry.msgid
        if key not in translations:
            continue
        value = translations[key]
        if entry.msgid_plural:
            forms = value if isinstance(value, list) else [value, value]
            entry.msgstr_plural = {0: forms[0], 1: forms[1]}
        else:
            entry.msgstr = value if isinstance(value, str) else value[0]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
        entry.previous_msgid_plural = None
        entry.previous_msgctxt = None
        filled += 1
    catalogue.save(str(PO))
    return filled


def missing() -> list[str]:
    catalogue = polib.pofile(str(PO))
    return [e.msgid for e in catalogue if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]


def main(argv: list[str]) -> int:
    os.chdir(ROOT)
    PO.parent.mkdir(parents=True, exist_ok=True)
    with open(ROOT / "locale" / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if "--check" in argv:
            todo = missing()
            for msgid in todo:
                print(f"untranslated: {msgid!r}")
            return 1 if todo else 0
        extract()
        sources = [a for a in argv if not a.startswith("--")]
        for path in sources:
            with open(path, encoding="utf-8") as handle:
                print(f"{fill(json.load(handle))} entries filled from {path}")
        if sources:
            # polib saves unwrapped lines; a second extraction lets gettext wrap them as it always
            # does, so a run with a JSON file and a run without one give the same file.
            extract()
        run_manage("compilemessages", "-l", "fr", "--ignore=.venv")
        todo = missing()
    print(f"{len(todo)} French strings still missing" + (":" if todo else "."))
    for msgid in todo[:200]:
        print(f"  {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
