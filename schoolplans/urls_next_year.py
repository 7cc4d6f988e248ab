from django.urls import path

from . import views_next_year as views

urlpatterns = [
    # next year: last year's unplanned money offered as a carry-over (school budget page)
    path("process/<int:pk>/carry-over/", views.carry_over_offer, name="carry-over-offer"),
    path("process/<int:pk>/carry-over/accept/", views.carry_over_accept, name="carry-over-accept"),
]
