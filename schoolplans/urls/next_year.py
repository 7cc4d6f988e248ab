from django.urls import path

from ..views import next_year

urlpatterns = [
    # next year: last year's unplanned money offered as a carry-over (school budget page)
    path("process/<int:pk>/carry-over/", next_year.carry_over_offer, name="carry-over-offer"),
    path(
        "process/<int:pk>/carry-over/accept/", next_year.carry_over_accept, name="carry-over-accept"
    ),
]
