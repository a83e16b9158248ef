"""The national establishment directory (fr-en-annuaire-education): reading its CSV, importing it, and
writing files in its format (tests, benchmark and demo have no internet)."""
