"""Database helpers shared by the apps."""

from django.db import connection


def rewrite_table(model) -> None:
    """PostgreSQL: ``VACUUM FULL`` writes the model's table into a new file without the rows
    deleted before, so their contents no longer linger in the old file's free space.

    Meant for ``transaction.on_commit``. VACUUM cannot run inside a transaction, so within one
    (a test's, or a caller's outer block) it does nothing. It holds an exclusive lock on the
    table for the moment it takes; use it for small tables only.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM FULL {connection.ops.quote_name(model._meta.db_table)}")
