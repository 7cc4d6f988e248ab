"""URLs of the voting app: the PMR's pages (manage), paper ballots and sheets, the ballot."""

from . import ballot, manage, paper

app_name = "voting"

urlpatterns = [*manage.urlpatterns, *paper.urlpatterns, *ballot.urlpatterns]
