"""Unlinking a secret answer (a ballot, a survey response) from whoever gave it.

While voting or a survey is open, an answer and the participation saying who answered are
written in one transaction. The database's bookkeeping keeps traces of that: rows of one
transaction share PostgreSQL's ``xmin``, row ids and the physical order follow the order of
writing, and deleted rows linger in the table file's free space. Both apps seal the answer
while it is open (``voting.sealing``), and at closing use this module to erase the traces:

- ``rows_rewrite_shuffled`` deletes the answers (or participations) and writes them again in
  ONE batch, in a random order (``random.SystemRandom``) with new ids, so neither ``xmin``,
  the ids nor the order relate an answer to a participation any more;
- ``table_rewrite_after_commit`` then has PostgreSQL write the table into a new file
  (``werkdruk.db.rewrite_table``, ``VACUUM FULL``), so the deleted originals are gone from
  disk too.
"""

import random
from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.db.models import Model, QuerySet

from .db import rewrite_table


def rows_rewrite_shuffled(queryset: QuerySet, rows: Iterable[Model]) -> None:
    """Replace every row of ``queryset`` by the unsaved ``rows``, in one batch in a random
    order. ``rows`` may be read from ``queryset``: they are read before anything is deleted.
    The rows' ids must be new random ones (a UUID default), not taken from the old rows."""
    rows = list(rows)
    random.SystemRandom().shuffle(rows)
    queryset.delete()
    queryset.model.objects.bulk_create(rows)


def table_rewrite_after_commit(model) -> None:
    """Once the current transaction commits, write ``model``'s table into a new file without
    the rows deleted before (PostgreSQL; nothing elsewhere)."""
    transaction.on_commit(partial(rewrite_table, model), robust=True)
