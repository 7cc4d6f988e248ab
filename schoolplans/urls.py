from . import urls_merge, urls_ratification

app_name = "schoolplans"

urlpatterns = [*urls_merge.urlpatterns, *urls_ratification.urlpatterns]
