"""URLs of the voting app: the PMR's pages (manage), paper ballots and sheets, the ballot."""

from . import ballot, manage, paper

app_name = "voting"

# The ballot first: werkdruk/urls.py resolves the voting app's URLs first for it.
urlpatterns = [*ballot.urlpatterns, *manage.urlpatterns, *paper.urlpatterns]
