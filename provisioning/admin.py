"""The Django admin for provisioning: every model, scoped to the admin user's contact center."""
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ContactCenter, Device, Skill, User, UserSkill, VoiceEnvironment


class ContactCenterScopedAdmin(admin.ModelAdmin):
    """Staff users that belong to a contact center see only its objects; superusers see all."""

    contact_center_path = "contact_center"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser or request.user.contact_center_id is None:
            return queryset
        return queryset.filter(**{f"{self.contact_center_path}_id": request.user.contact_center_id})


@admin.register(ContactCenter)
class ContactCenterAdmin(admin.ModelAdmin):
    list_display = ("name", "country_code", "created_at")
    search_fields = ("name",)


class UserSkillInline(admin.TabularInline):
    model = UserSkill
    extra = 0
    autocomplete_fields = ("skill",)


@admin.register(User)
class UserAdmin(ContactCenterScopedAdmin, BaseUserAdmin):
    list_display = ("user_name", "first_name", "last_name", "roles_text", "contact_center", "is_active")
    list_filter = ("contact_center", "is_active", "roles_text")
    search_fields = ("user_name", "first_name", "last_name")
    ordering = ("user_name",)
    inlines = [UserSkillInline]
    fieldsets = (
        (None, {"fields": ("user_name", "password", "contact_center")}),
        ("Person", {"fields": ("first_name", "last_name", "roles_text", "settings")}),
        ("Status", {"fields": ("is_active", "change_password_on_first_login", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("user_name", "password1", "password2", "contact_center")}),)
    filter_horizontal = ()


@admin.register(Device)
class DeviceAdmin(ContactCenterScopedAdmin):
    list_display = ("phone_number", "e164_number", "user", "telephony_network", "device_state", "contact_center")
    list_filter = ("contact_center", "telephony_network", "device_state")
    search_fields = ("phone_number", "e164_number", "user__user_name")
    readonly_fields = ("e164_number", "digits", "country_name", "country_code", "calling_code", "location", "local_number")


@admin.register(Skill)
class SkillAdmin(ContactCenterScopedAdmin):
    list_display = ("name", "contact_center")
    search_fields = ("name",)


@admin.register(UserSkill)
class UserSkillAdmin(ContactCenterScopedAdmin):
    contact_center_path = "user__contact_center"
    list_display = ("user", "skill", "level")
    search_fields = ("user__user_name", "skill__name")


@admin.register(VoiceEnvironment)
class VoiceEnvironmentAdmin(ContactCenterScopedAdmin):
    list_display = ("name", "contact_center")
