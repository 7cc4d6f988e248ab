from django.urls import path

from ..views import publication

urlpatterns = [
    # step 10: the published school plan
    path(
        "process/<int:pk>/school-plan/published/",
        publication.publication_detail,
        name="publication",
    ),
    path(
        "process/<int:pk>/school-plan/publish/",
        publication.publication_publish,
        name="publication-publish",
    ),
    path(
        "process/<int:pk>/school-plan/comment/",
        publication.publication_comment,
        name="publication-comment",
    ),
    path(
        "process/<int:pk>/school-plan/v<int:number>.pdf",
        publication.school_plan_pdf,
        name="school-plan-pdf",
    ),
]
