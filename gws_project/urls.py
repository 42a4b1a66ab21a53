"""Top-level routes: the GWS API under /api/v2/, its schema and Swagger UI, the Django admin."""
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from gws_project.api.views import VersionView

api_v2 = [
    path("diagnostics/version", VersionView.as_view(), name="version"),
    path("", include("provisioning.api.urls")),
    path("", include("voice.api.urls")),
    path("", include("dispositions.api.urls")),
]

urlpatterns = [
    path("api/v2/", include(api_v2)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("admin/", admin.site.urls),
    path("", include("webui.urls")),
]

handler404 = "gws_project.api.errors.not_found_view"
handler500 = "gws_project.api.errors.server_error_view"
