"""Every table is classified for erasure: a new table cannot hold personal data unnoticed."""

from sqlmodel import SQLModel

import game_server.models  # noqa: F401  (registers every table)
from game_server.services.privacy.erasure import TABLES


def test_every_table_says_what_erasure_does_with_it():
    tables = set(SQLModel.metadata.tables)
    assert tables - set(TABLES) == set(), "classify these tables in services/erasure.py TABLES"
    assert set(TABLES) - tables == set(), "TABLES names tables that no longer exist"
    assert all(
        what.startswith(("personal", "not personal", "kept", "about"))
        for what in TABLES.values()
    )
