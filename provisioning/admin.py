"""The Django admin for provisioning: every model, scoped to the admin user's contact center."""
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from . import service_states
from .choices import ServiceState
from .models import (
    ContactCenter,
    ContactCenterFeature,
    Device,
    HttpSession,
    Setting,
    SettingsGroup,
    Skill,
    SystemService,
    User,
    UserSkill,
    VoiceEnvironment,
)


def _scoped(request):
    """Whether the admin user is limited to its contact center (superusers see everything)."""
    return not request.user.is_superuser and request.user.contact_center_id is not None


class ContactCenterScopedAdmin(admin.ModelAdmin):
    """Staff users that belong to a contact center see and choose only its objects."""

    contact_center_path = "contact_center"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not _scoped(request):
            return queryset
        return queryset.filter(**{f"{self.contact_center_path}_id": request.user.contact_center_id})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if _scoped(request):
            related = db_field.remote_field.model
            if related is ContactCenter:
                kwargs["queryset"] = ContactCenter.objects.filter(pk=request.user.contact_center_id)
            elif any(f.name == "contact_center" for f in related._meta.fields):
                kwargs["queryset"] = related._default_manager.filter(contact_center_id=request.user.contact_center_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ContactCenterFeatureInline(admin.TabularInline):
    """Non-default features (api-supervisor-monitoring, api-mobile-push-notifications)."""

    model = ContactCenterFeature
    extra = 0


@admin.register(ContactCenter)
class ContactCenterAdmin(admin.ModelAdmin):
    list_display = ("name", "country_code", "created_at")
    search_fields = ("name",)
    inlines = [ContactCenterFeatureInline]


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

    def get_readonly_fields(self, request, obj=None):
        # A contact center admin may not make anyone a superuser or staff, or move users elsewhere.
        if _scoped(request):
            return ("is_staff", "is_superuser")
        return ()


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
    list_display = ("name", "contact_center", "service_state")

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "service_state":  # ReadOnly applies to the Provisioning service only
            kwargs["choices"] = [choice for choice in db_field.choices if choice[0] != ServiceState.READ_ONLY]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        """A changed Voice service state goes through service_states, which announces it."""
        if not change or "service_state" not in form.changed_data:
            return super().save_model(request, obj, form, change)
        new_state, obj.service_state = obj.service_state, form.initial["service_state"]
        super().save_model(request, obj, form, change)
        service_states.set_voice_state(obj, new_state)


@admin.register(SettingsGroup)
class SettingsGroupAdmin(ContactCenterScopedAdmin):
    list_display = ("name", "display_name", "key", "contact_center")
    search_fields = ("name",)


@admin.register(Setting)
class SettingAdmin(ContactCenterScopedAdmin):
    list_display = ("group", "key", "contact_center")
    list_filter = ("group",)
    search_fields = ("group", "key")


@admin.register(ContactCenterFeature)
class ContactCenterFeatureAdmin(ContactCenterScopedAdmin):
    list_display = ("feature_id", "contact_center")


@admin.register(SystemService)
class SystemServiceAdmin(admin.ModelAdmin):
    list_display = ("id", "state")

    def save_model(self, request, obj, form, change):
        """The Provisioning service's state goes through service_states, which announces it."""
        if obj.pk != service_states.PROVISIONING_ID:
            return super().save_model(request, obj, form, change)
        service_states.set_provisioning_state(obj.state)


@admin.register(HttpSession)
class HttpSessionAdmin(admin.ModelAdmin):
    """Open HTTP sessions, for superusers only (a session key is a login): who is logged in until
    when. Deleting one logs that client out; sessions are made by logging in, never here."""

    list_display = ("user", "expire_date")
    list_select_related = ("user",)
    search_fields = ("user__user_name",)
    fields = ("user", "expire_date")

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
