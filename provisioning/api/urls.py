"""Provisioning routes under /api/v2/."""
from django.urls import path

from . import settings_views, views

urlpatterns = [
    path("me", views.MeView.as_view(), name="me"),
    path("me/devices", views.MeDevicesView.as_view(), name="me-devices"),
    path("me/devices/<str:device_id>", views.MeDeviceView.as_view(), name="me-device"),
    path("me/skills", views.MeSkillsView.as_view(), name="me-skills"),
    path("users", views.UsersView.as_view(), name="users"),
    path("users/<str:pk>", views.UserView.as_view(), name="user"),
    path("users/<str:user_id>/devices", views.UserDevicesView.as_view(), name="user-devices"),
    path("users/<str:user_id>/devices/<str:device_id>", views.UserDeviceView.as_view(), name="user-device"),
    path("users/<str:user_id>/skills", views.UserSkillsView.as_view(), name="user-skills"),
    path("users/<str:user_id>/skills/<str:skill_id>", views.UserSkillView.as_view(), name="user-skill"),
    path("devices", views.DevicesView.as_view(), name="devices"),
    path("devices/<str:pk>", views.DeviceView.as_view(), name="device"),
    path("skills", views.SkillsView.as_view(), name="skills"),
    path("skills/<str:pk>", views.SkillView.as_view(), name="skill"),
    path("voice-environments", views.VoiceEnvironmentsView.as_view(), name="voice-environments"),
    path("voice-environments/<str:pk>", views.VoiceEnvironmentView.as_view(), name="voice-environment"),
    path("me/settings/<str:group>", settings_views.MeSettingsGroupView.as_view(), name="me-settings-group"),
    path("settings", settings_views.SettingsView.as_view(), name="settings"),
    path("settings/<str:group>", settings_views.SettingsGroupView.as_view(), name="settings-group"),
    path("features", settings_views.FeaturesView.as_view(), name="features"),
    path("features/<str:feature_id>", settings_views.FeatureView.as_view(), name="feature"),
    path("system/features", settings_views.SystemFeaturesView.as_view(), name="system-features"),
    path("system/features/<str:feature_id>", settings_views.SystemFeatureView.as_view(), name="system-feature"),
    path("services", settings_views.ServicesView.as_view(), name="services"),
    path("services/<str:service_id>", settings_views.ServiceView.as_view(), name="service"),
    path("system/routing-templates", settings_views.RoutingTemplatesView.as_view(), name="routing-templates"),
    path(
        "system/routing-templates/<str:template_id>", settings_views.RoutingTemplateView.as_view(), name="routing-template"
    ),
]
