"""
Groups (the GWS Grouping API) as MPTT trees, the dispositions they hold, and agent-group members.

Every top-level group is the root of its own MPTT tree (its ``tree_id``); sub-groups hold the same
kind of thing as their parent. Only ``dispositions.services`` changes these tables: django-mptt
keeps its nested-set columns right only when every write goes through it, one writer at a time.
"""
import secrets
import threading
import time

from django.db import models
from django.db.models import Q
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey

from provisioning.models import ContactCenter, User

from .choices import Contains

_clock_lock = threading.Lock()
_last_nanoseconds = 0


def ordered_id():
    """32 hex digits that sort in creation order: nanoseconds since the epoch, then randomness.

    Lists without sortBy come in primary-key order, so groups and dispositions are listed in the
    order they were created, as the document's examples show them.
    """
    global _last_nanoseconds
    with _clock_lock:
        _last_nanoseconds = max(time.time_ns(), _last_nanoseconds + 1)
        now = _last_nanoseconds
    return f"{now:016x}{secrets.token_hex(8)}"


class TreeNumber(models.Model):
    """A tree_id handed out once, to a new top-level group (see GroupTreeManager)."""

    id = models.BigAutoField(primary_key=True)

    def __str__(self):
        return str(self.id)


class GroupTreeManager(TreeManager):
    """django-mptt's manager, with tree ids that concurrent transactions can never share.

    mptt numbers a new tree max(tree_id) + 1. Writers lock only their own contact center's row,
    so two contact centers creating top-level groups at once could read the same maximum and
    build two roots in one tree; an auto-increment row is unique without any lock.
    """

    def _get_next_tree_id(self):
        return TreeNumber.objects.create().pk


class Group(MPTTModel):
    """A group of the Grouping API: disposition categories, or an agent group (contains users)."""

    id = models.CharField(primary_key=True, max_length=32, default=ordered_id, editable=False)
    contact_center = models.ForeignKey(ContactCenter, on_delete=models.CASCADE, related_name="groups")
    parent = TreeForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    name = models.CharField(max_length=255)
    contains = models.CharField(max_length=16, choices=Contains.choices, default=Contains.DISPOSITIONS)
    # The group /settings/dispositions shows (Configuration Server's
    # interaction.disposition.value-business-attribute): at most one per contact center.
    default_group = models.BooleanField("defaultGroup", default=False)

    objects = GroupTreeManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contact_center"],
                condition=Q(default_group=True),
                name="one_default_group_per_contact_center",
                violation_error_message="Another group is already the default group of this contact center.",
            ),
            models.UniqueConstraint(
                fields=["contact_center", "name"],
                condition=Q(parent__isnull=True),
                name="unique_top_level_group_name",
                violation_error_message="A top-level group with this name already exists.",
            ),
            models.UniqueConstraint(
                fields=["parent", "name"],
                condition=Q(parent__isnull=False),
                name="unique_sub_group_name",
                violation_error_message="This group already has a sub-group with this name.",
            ),
        ]
        # A subtree is one range of lft in one tree: read in one index scan.
        indexes = [models.Index(fields=["tree_id", "lft"], name="group_tree_position")]

    def __str__(self):
        return self.name

    @property
    def holds_dispositions(self):
        return self.contains == Contains.DISPOSITIONS

    @property
    def holds_users(self):
        return self.contains == Contains.USERS


class Disposition(models.Model):
    """A disposition code of a group: ``name`` is what a client sets on a call, and never changes."""

    id = models.CharField(primary_key=True, max_length=32, default=ordered_id, editable=False)
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="dispositions")
    name = models.CharField(max_length=255)
    display_name = models.CharField("displayName", max_length=255)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "name"],
                name="unique_disposition_name_in_group",
                violation_error_message="This group already has a disposition with this name.",
            )
        ]

    def __str__(self):
        return self.name


class GroupMembership(models.Model):
    """A user in an agent group (a group that contains users)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="group_memberships")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="unique_group_member")]

    def __str__(self):
        return f"{self.group} / {self.user}"
