"""
The Django admin of groups: the trees as a drag-and-drop list (django-mptt's DraggableMPTTAdmin),
dispositions and members edited inline, scoped to the admin user's contact center.

Every write goes through dispositions.services, as the API's do: the admin's own paths (the form's
save, the inline formsets, drag-and-drop moves, deletes) are redirected there, so tree writes are
locked and checked the same way whoever makes them.
"""
from django import forms, http
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.models import CHANGE, LogEntry
from mptt.admin import DraggableMPTTAdmin, MPTTAdminForm

from gws_project.api.errors import GWSError
from provisioning.admin import ContactCenterScopedAdmin
from provisioning.models import User

from . import services
from .models import Disposition, Group, GroupMembership


def _scoped(request):
    """Whether the admin user is limited to its contact center (superusers see everything)."""
    return not request.user.is_superuser and request.user.contact_center_id is not None


class GroupAdminForm(MPTTAdminForm):
    """mptt's form (no parent among the group's own descendants) plus the Grouping API's rules."""

    contact_center_id = None  # set by GroupAdmin.get_form for scoped admins

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.contact_center_id is not None and self.instance._state.adding:
            self.instance.contact_center_id = self.contact_center_id

    def _get_validation_exclusions(self):
        # Naming a new default group replaces the old one (services._clear_default), as the API
        # does: the one-default constraint is the service's business, not a form error.
        return {*super()._get_validation_exclusions(), "default_group"}

    def _post_clean(self):
        super()._post_clean()
        if self.errors or self.instance.contact_center_id is None:
            return
        try:
            services.check_placement(self.instance, self.instance.parent)
        except GWSError as error:
            self.add_error(None, error.message)


class DispositionInlineForm(forms.ModelForm):
    """A disposition's name is immutable once created: clients store it with their calls."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance._state.adding:
            self.fields["name"].disabled = True


class DispositionInline(admin.TabularInline):
    model = Disposition
    form = DispositionInlineForm
    fields = ("name", "display_name")
    extra = 1


class MembershipInlineForm(forms.ModelForm):
    """Members are added or removed, not swapped."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance._state.adding:
            self.fields["user"].disabled = True


class MembershipInline(admin.TabularInline):
    model = GroupMembership
    form = MembershipInlineForm
    fields = ("user",)
    extra = 1

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and _scoped(request):
            kwargs["queryset"] = User.objects.filter(contact_center_id=request.user.contact_center_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Group)
class GroupAdmin(ContactCenterScopedAdmin, DraggableMPTTAdmin):
    form = GroupAdminForm
    list_display = ("tree_actions", "indented_title", "contains", "default_group", "contact_center")
    list_display_links = ("indented_title",)
    list_select_related = ("contact_center",)
    list_filter = ("contains", "default_group")
    search_fields = ("name", "dispositions__name", "dispositions__display_name")
    expand_tree_by_default = True

    def get_list_display(self, request):
        if _scoped(request):
            return [name for name in self.list_display if name != "contact_center"]
        return self.list_display

    def get_list_filter(self, request):
        return self.list_filter if _scoped(request) else (*self.list_filter, "contact_center")

    def get_fields(self, request, obj=None):
        fields = ["name", "contains", "parent", "default_group"]
        return fields if _scoped(request) else ["contact_center", *fields]

    def get_readonly_fields(self, request, obj=None):
        # A group's contents and tenant are fixed once it exists: its subtree depends on both.
        return ("contact_center", "contains") if obj is not None else ()

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if _scoped(request):
            form = type(form.__name__, (form,), {"contact_center_id": request.user.contact_center_id})
        return form

    def get_inlines(self, request, obj):
        if obj is None:
            return []  # what a group holds is chosen first; its contents are edited afterwards
        return [DispositionInline] if obj.holds_dispositions else [MembershipInline]

    # --- Who may write -----------------------------------------------------------------------
    # The services let only contact center admins (and superusers) change trees; staff that hold
    # Django permissions without ROLE_ADMIN read the tree but are not offered writes they would be
    # refused.

    def _may_write(self, request):
        return request.user.is_superuser or request.user.is_cc_admin

    def has_add_permission(self, request):
        return self._may_write(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._may_write(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_write(request) and super().has_delete_permission(request, obj)

    # --- Writes, through the services -------------------------------------------------------

    def save_model(self, request, obj, form, change):
        services.save_group(request.user, obj)

    def save_formset(self, request, form, formset, change):
        group, actor = form.instance, request.user
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            if formset.model is Disposition:
                services.delete_disposition(actor, obj)
            else:
                services.remove_member(actor, group, obj.user)
        for obj in instances:
            if formset.model is Disposition and obj._state.adding:
                services.create_disposition(actor, group, {"name": obj.name, "displayName": obj.display_name})
            elif formset.model is Disposition:
                services.update_disposition(actor, obj, {"displayName": obj.display_name})
            elif obj._state.adding:
                services.add_member(actor, group, obj.user)

    def delete_model(self, request, obj):
        services.delete_group(request.user, obj)

    def delete_queryset(self, request, queryset):
        self._delete_groups(request, queryset)

    def _delete_groups(self, request, queryset):
        deleted = 0
        for group in queryset:
            # A group may already be gone with the subtree of another selected one.
            if Group.objects.filter(pk=group.pk).exists():
                services.delete_group(request.user, group)
                deleted += 1
        return deleted

    def delete_selected_tree(self, modeladmin, request, queryset):
        """The "delete selected" action, deleting each subtree through the services."""
        if request.POST.get("post"):
            deleted = self._delete_groups(request, queryset)
            self.message_user(request, f"Successfully deleted {deleted} groups with their sub-groups.")
            return None
        return delete_selected(self, request, queryset)

    def _move_node(self, request):
        """A drag-and-drop move (DraggableMPTTAdmin's POST cmd=move_node), through the services.

        Overrides mptt's handler, which calls the tree manager directly without the contact
        center's lock or the Grouping API's rules.
        """
        queryset = self.get_queryset(request)
        try:
            group = queryset.get(pk=request.POST.get("cut_item"))
            target = queryset.get(pk=request.POST.get("pasted_on"))
        except (Group.DoesNotExist, TypeError, ValueError):
            self.message_user(request, "Objects have disappeared, try again.", level=messages.ERROR)
            return http.HttpResponse("FAIL, invalid objects.")
        if not self.has_change_permission(request, group):
            self.message_user(request, "No permission", level=messages.ERROR)
            return http.HttpResponse("FAIL, no permission.")
        try:
            services.move_group(request.user, group, target, request.POST.get("position"))
        except GWSError as error:
            self.message_user(request, error.message, level=messages.ERROR)
            return http.HttpResponse("FAIL, invalid move.")
        LogEntry.objects.log_actions(
            user_id=request.user.pk,
            queryset=[group],
            action_flag=CHANGE,
            change_message=[{"changed": {"fields": ["parent"]}}],
            single_object=True,
        )
        self.message_user(request, f"{group} has been successfully moved.")
        return http.HttpResponse("OK, moved.")
