"""`process_get_for_user` reads the process, its related rows and its steps with SQL written
out once (issue 20: compiling the ORM's querysets cost more than running them). What it hands
the pages must be what the ORM would: the same field values (converted, e.g. dates and JSON),
saved-instance state, related objects already loaded, and no query when a page reads them."""

import pytest
from django.db.models import Prefetch

from processes import selectors, services
from processes.models import Process, ProcessStep, SignOff
from tests.factories import SchoolYearFactory
from tests.processes.conftest import sign_both

pytestmark = pytest.mark.django_db


def _values(instance):
    return {
        field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
    }


def _orm(pk):
    steps = ProcessStep.objects.order_by("number").prefetch_related(
        Prefetch("sign_offs", queryset=SignOff.objects.select_related("user"))
    )
    return (
        Process.objects.select_related("school__board", "school_year", "created_from__school_year")
        .prefetch_related(Prefetch("steps", queryset=steps))
        .get(pk=pk)
    )


@pytest.fixture
def copied(process, school, director, pmr):
    """This year's process copied from last year's, with signed steps in both."""
    sign_both(process, 1, director, pmr)
    next_year = SchoolYearFactory(start_year=process.school_year.start_year + 1)
    copy = services.process_create(
        school=school, school_year=next_year, actor=director, copy_from=process
    )
    sign_both(copy, 1, director, pmr)
    return copy


@pytest.mark.parametrize("which", ["original", "copy"])
def test_the_process_read_equals_the_orms(which, copied, director, django_assert_num_queries):
    pk = copied.created_from_id if which == "original" else copied.pk
    expected = _orm(pk)
    got = selectors.process_get_for_user(user=director, pk=pk)

    assert _values(got) == _values(expected)
    assert not got._state.adding and got._state.db == "default"
    with django_assert_num_queries(0):
        school, board, year = got.school, got.school.board, got.school_year
        created_from = got.created_from
        created_year = created_from.school_year if created_from else None
        steps = list(got.steps.all())
        sign_offs = [list(step.sign_offs.all()) for step in steps]
        signers = [[s.user for s in offs] for offs in sign_offs]
        step_processes = [step.process for step in steps]
    assert _values(school) == _values(expected.school)
    assert _values(board) == _values(expected.school.board)
    assert _values(year) == _values(expected.school_year)
    assert (created_from is None) == (expected.created_from is None)
    if created_from is not None:
        assert _values(created_from) == _values(expected.created_from)
        assert _values(created_year) == _values(expected.created_from.school_year)
    assert [_values(s) for s in steps] == [_values(s) for s in expected.steps.all()]
    assert [[_values(o) for o in offs] for offs in sign_offs] == [
        [_values(o) for o in step.sign_offs.all()] for step in expected.steps.all()
    ]
    assert [[_values(u) for u in users] for users in signers] == [
        [_values(o.user) for o in step.sign_offs.all()] for step in expected.steps.all()
    ]
    assert any(signers), "the fixture signed a step"
    assert all(p is got for p in step_processes)


def test_a_step_read_from_the_process_still_filters_and_saves_like_the_orms(
    copied, director, django_assert_num_queries
):
    got = selectors.process_get_for_user(user=director, pk=copied.pk)
    step = selectors.process_step(got, 2)
    # A filtered related manager goes to the database, as after prefetch_related.
    assert got.steps.filter(number=2).get().pk == step.pk
    step.planned_date = step.planned_date  # an unchanged save writes the same row
    step.save()
    assert ProcessStep.objects.get(pk=step.pk).planned_date == step.planned_date


def test_a_missing_process_is_404(director):
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.process_get_for_user(user=director, pk=987654)
