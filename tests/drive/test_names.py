"""Names of folders and files: one path segment, no traversal, no look-alikes, no controls."""

import pytest

from drive.services import InvalidName, clean_entry_name


@pytest.mark.parametrize(
    "name",
    [
        "",
        "   ",
        ".",
        "..",
        "...",
        "a/b",
        "a\\b",
        "..%2f".replace("%2f", "/"),
        "\uff0e\uff0e",
        "a\x00b",
        "x" * 201,
        "a:b",
    ],
)
def test_refused_names(name):
    with pytest.raises(InvalidName):
        clean_entry_name(name)


def test_names_are_kept_readable():
    assert clean_entry_name("Été 2026 — e\u0301preuves.pdf") == "Été 2026 — épreuves.pdf"  # NFC
    # Kept as a synced folder has it, so the client finds it again under the name it wrote.
    assert clean_entry_name("  Été 2026.pdf ") == "  Été 2026.pdf "
    assert clean_entry_name("facture\u202efdp.exe") == "facturefdp.exe"
