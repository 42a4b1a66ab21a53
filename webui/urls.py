"""Web UI routes at the site root (the API stays under /api/, the Django admin under /admin/)."""
from django.urls import path

from . import views

app_name = "webui"

urlpatterns = [
    path("", views.home, name="home"),
    path("login", views.LoginView.as_view(), name="login"),
    path("logout", views.LogoutView.as_view(), name="logout"),
    path("console/users", views.page_view("users", "webui/console/users.html"), name="users"),
    path("console/users/<str:user_id>", views.page_view("users", "webui/console/user.html"), name="user"),
    path("console/devices", views.page_view("devices", "webui/console/devices.html"), name="devices"),
    path("console/skills", views.page_view("skills", "webui/console/skills.html"), name="skills"),
    path("console/settings", views.page_view("settings", "webui/console/settings.html"), name="settings"),
    path("console/agent-states", views.page_view("agent-states", "webui/console/agent_states.html"), name="agent-states"),
    path("console/cors", views.page_view("cors", "webui/console/cors.html"), name="cors"),
    path("console/dispositions", views.page_view("dispositions", "webui/console/dispositions.html"), name="dispositions"),
    path("console/features", views.page_view("features", "webui/console/features.html"), name="features"),
    path("board", views.page_view("board", "webui/board.html"), name="board"),
    path("softphone", views.page_view("softphone", "webui/softphone.html"), name="softphone"),
]
