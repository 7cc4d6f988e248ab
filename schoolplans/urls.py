from . import urls_merge, urls_next_year, urls_ratification

app_name = "schoolplans"

urlpatterns = [
    *urls_merge.urlpatterns,
    *urls_ratification.urlpatterns,
    *urls_next_year.urlpatterns,
]
