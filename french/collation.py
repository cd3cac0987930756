"""French alphabetical order, the same on PostgreSQL and SQLite, whatever the server's locale.

Order by `french_order("name")` (descending: `french_order("name").desc()`). PostgreSQL
compares with its ICU collation "fr-x-icu"; SQLite with a collation of the same name that
every new connection registers, which compares `text.sort_key`, the key of Python-side sorts.
"""

from django.db.models.functions import Collate

from .text import sort_key

FRENCH_COLLATION = "fr-x-icu"

# ICU collations are copied into pg_collation by initdb; a cluster whose initdb skipped them
# still gets this one (PostgreSQL built with ICU, as Debian, Ubuntu and the official images are).
CREATE_FRENCH_COLLATION = f"""
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_collation WHERE collname = '{FRENCH_COLLATION}') THEN
    CREATE COLLATION "{FRENCH_COLLATION}" (provider = icu, locale = 'fr');
  END IF;
END
$$;
"""


def french_order(field: str) -> Collate:
    """`field` compared in French alphabetical order, for order_by() and Meta.ordering."""
    return Collate(field, FRENCH_COLLATION)


def compare_in_french(left: str, right: str) -> int:
    if left == right:
        return 0
    left_key, right_key = sort_key(left), sort_key(right)
    if left_key == right_key:  # different texts, same key: any fixed order will do
        left_key, right_key = left, right
    return -1 if left_key < right_key else 1


def register_sqlite_collation(sender, connection, **kwargs):
    """connection_created receiver: SQLite learns the collation that French orderings name."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(FRENCH_COLLATION, compare_in_french)
