"""werkdruk.db.rewrite_table: after a commit PostgreSQL rewrites the table into a new file;
inside a transaction it does nothing and leaves the transaction usable."""

import pytest
from django.db import connection, transaction

from voting.models import Ballot
from werkdruk.db import rewrite_table

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="VACUUM FULL is PostgreSQL's"
)


def filenode(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_filenode(%s)", [model._meta.db_table])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_inside_a_transaction_it_does_nothing_and_the_transaction_goes_on():
    with transaction.atomic():
        rewrite_table(Ballot)
        assert Ballot.objects.count() == 0  # the transaction was not aborted


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_after_a_commit_the_table_is_written_into_a_new_file():
    before = filenode(Ballot)
    rewrite_table(Ballot)
    assert filenode(Ballot) != before


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_on_commit_it_runs_once_the_transaction_has_committed():
    before = filenode(Ballot)
    with transaction.atomic():
        transaction.on_commit(lambda: rewrite_table(Ballot))
        assert filenode(Ballot) == before
    assert filenode(Ballot) != before
