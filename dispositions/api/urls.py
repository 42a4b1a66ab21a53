"""Grouping API routes under /api/v2/ ("Hierarchical Dispositions API")."""
from django.urls import path

from . import views

urlpatterns = [
    path("groups", views.GroupsView.as_view(), name="groups"),
    path("groups/<str:pk>", views.GroupView.as_view(), name="group"),
    path("groups/<str:pk>/groups", views.GroupGroupsView.as_view(), name="group-groups"),
    path("groups/<str:pk>/dispositions", views.GroupDispositionsView.as_view(), name="group-dispositions"),
    path(
        "groups/<str:pk>/dispositions/<str:disposition_id>",
        views.GroupDispositionView.as_view(),
        name="group-disposition",
    ),
    path("groups/<str:pk>/users", views.GroupUsersView.as_view(), name="group-users"),
]
