from django.urls import path

from ..views import roles

ROLES = "school/<int:pk>/roles/"

urlpatterns = [
    path(ROLES, roles.school_roles, name="school-roles"),
    path(f"{ROLES}appoint/", roles.school_role_appoint, name="school-role-appoint"),
    path(f"{ROLES}<int:role_pk>/remove/", roles.school_role_remove, name="school-role-remove"),
    path(f"{ROLES}<int:role_pk>/replace/", roles.school_role_replace, name="school-role-replace"),
]
