"""Contact centers (tenants) and what they provision: users, devices, skills, voice environments."""
import uuid

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models

from .choices import DeviceState, OnOff, Role, ServiceState, TelephonyNetwork


def hex_id():
    """A GWS-style identifier: 32 lowercase hex digits (users, skills, contact centers)."""
    return uuid.uuid4().hex


class ContactCenter(models.Model):
    """A tenant: every provisioned object belongs to exactly one contact center."""

    id = models.CharField(primary_key=True, max_length=32, default=hex_id, editable=False)
    name = models.CharField(max_length=255, unique=True)
    # ISO 3166 alpha-2 code; phone numbers are normalised relative to it.
    country_code = models.CharField(max_length=2, default=settings.GWS_DEFAULT_COUNTRY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class UserManager(BaseUserManager):
    """Creates users by userName; superusers belong to no contact center (system admins)."""

    use_in_migrations = True

    def create_user(self, user_name, password=None, **fields):
        user = self.model(user_name=user_name, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, user_name, password=None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(user_name, password, **fields)


def parse_roles(roles_text):
    """The roles stored in User.roles_text (comma-separated), as a list."""
    return [role for role in roles_text.split(",") if role]


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in: agent, supervisor or contact-center admin (roles may combine)."""

    id = models.CharField(primary_key=True, max_length=32, default=hex_id, editable=False)
    contact_center = models.ForeignKey(
        ContactCenter, null=True, blank=True, on_delete=models.CASCADE, related_name="users"
    )
    user_name = models.CharField("userName", max_length=255, unique=True)
    first_name = models.CharField("firstName", max_length=150, blank=True)
    last_name = models.CharField("lastName", max_length=150, blank=True)
    # Sorted, comma-joined Role values: keeps filtering and sorting by roles plain SQL on every
    # database (JSON containment is not available on SQLite).
    roles_text = models.CharField("roles", max_length=64, blank=True, db_index=True)
    # GWS "enabled" is Django's is_active: a disabled user cannot log in.
    is_active = models.BooleanField("enabled", default=True)
    change_password_on_first_login = models.BooleanField("changePasswordOnFirstLogin", default=False)
    is_staff = models.BooleanField(default=False, help_text="May log into the Django admin.")
    # Per-user settings groups ({group: {name: value}}), shown under /me?subresources=settings.
    settings = models.JSONField(default=dict, blank=True)
    date_joined = models.DateTimeField(auto_now_add=True)

    objects = UserManager()

    USERNAME_FIELD = "user_name"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["user_name"]
        indexes = [
            models.Index(fields=["contact_center", "last_name", "first_name"]),
        ]

    def __str__(self):
        return self.user_name

    @property
    def roles(self):
        return parse_roles(self.roles_text)

    @roles.setter
    def roles(self, values):
        self.roles_text = ",".join(sorted(set(values)))

    def has_role(self, role):
        return role in self.roles

    @property
    def is_cc_admin(self):
        return Role.ADMIN in self.roles

    @property
    def is_supervisor(self):
        return Role.SUPERVISOR in self.roles

    @property
    def enabled(self):
        return self.is_active


class VoiceEnvironment(models.Model):
    """A telephony back end (a T-Server in real GWS; the embedded switch here) devices live on."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contact_center = models.ForeignKey(ContactCenter, on_delete=models.CASCADE, related_name="voice_environments")
    name = models.CharField(max_length=255)
    # The state of the Voice service this environment is (GET /services); see service_states.py.
    service_state = models.CharField(max_length=8, choices=ServiceState.choices, default=ServiceState.ACTIVE)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["contact_center", "name"], name="unique_voice_environment_name"),
        ]

    def __str__(self):
        return self.name


class Skill(models.Model):
    """A skill that can be assigned to users with a level."""

    id = models.CharField(primary_key=True, max_length=32, default=hex_id, editable=False)
    contact_center = models.ForeignKey(ContactCenter, on_delete=models.CASCADE, related_name="skills")
    name = models.CharField(max_length=255)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["contact_center", "name"], name="unique_skill_name")]

    def __str__(self):
        return self.name


class UserSkill(models.Model):
    """The assignment of a skill to a user, with the user's level in it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="user_skills")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="user_skills")
    level = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["skill__name"]
        constraints = [models.UniqueConstraint(fields=["user", "skill"], name="unique_user_skill")]

    def __str__(self):
        return f"{self.user} {self.skill}={self.level}"


class Device(models.Model):
    """A phone (directory number) of a contact center, assigned to at most one user."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contact_center = models.ForeignKey(ContactCenter, on_delete=models.CASCADE, related_name="devices")
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="devices")
    voice_environment = models.ForeignKey(VoiceEnvironment, on_delete=models.PROTECT, related_name="devices")
    phone_number = models.CharField(max_length=64)
    # Derived from phone_number by provisioning.phone_numbers, never written by clients.
    e164_number = models.CharField(max_length=64)
    digits = models.CharField(max_length=64, db_index=True, help_text="e164Number without non-digits, for search.")
    country_name = models.CharField(max_length=128, blank=True)
    country_code = models.CharField(max_length=2, blank=True)
    calling_code = models.CharField(max_length=8, blank=True)
    location = models.CharField(max_length=255, blank=True)
    local_number = models.CharField(max_length=64, blank=True)
    telephony_network = models.CharField(
        max_length=8, choices=TelephonyNetwork.choices, default=TelephonyNetwork.PRIVATE
    )
    model = models.CharField(max_length=128, blank=True)
    vendor = models.CharField(max_length=128, blank=True)
    device_state = models.CharField(max_length=8, choices=DeviceState.choices, default=DeviceState.ACTIVE)
    do_not_disturb = models.CharField(max_length=3, choices=OnOff.choices, default=OnOff.OFF)
    forward_to = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["phone_number"]
        constraints = [
            models.UniqueConstraint(fields=["contact_center", "e164_number"], name="unique_device_number"),
        ]

    def __str__(self):
        return self.phone_number


class SystemService(models.Model):
    """The state of a system-wide service (the Provisioning service) as /services reports it."""

    id = models.CharField(primary_key=True, max_length=64)
    state = models.CharField(max_length=8, choices=ServiceState.choices, default=ServiceState.ACTIVE)

    def __str__(self):
        return f"{self.id}: {self.state}"


class SettingsGroup(models.Model):
    """A custom settings group of a contact center (system groups are defined in code)."""

    contact_center = models.ForeignKey(ContactCenter, on_delete=models.CASCADE, related_name="settings_groups")
    name = models.CharField(max_length=64)
    display_name = models.CharField(max_length=255)
    key = models.CharField(max_length=64, help_text="The property that identifies a setting in this group.")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["contact_center", "name"], name="unique_settings_group")]

    def __str__(self):
        return self.name


class Setting(models.Model):
    """One setting of a group: the whole JSON object a client stored, found by its key value."""

    contact_center = models.ForeignKey(ContactCenter, on_delete=models.CASCADE, related_name="settings")
    group = models.CharField(max_length=64)
    key = models.CharField(max_length=255, help_text="The value of the group's key property.")
    data = models.JSONField()

    class Meta:
        ordering = ["group", "id"]
        constraints = [models.UniqueConstraint(fields=["contact_center", "group", "key"], name="unique_setting")]

    def __str__(self):
        return f"{self.group}/{self.key}"


class ContactCenterFeature(models.Model):
    """A non-default feature assigned to a contact center (default features are always assigned)."""

    contact_center = models.ForeignKey(ContactCenter, on_delete=models.CASCADE, related_name="features")
    feature_id = models.CharField(max_length=64)

    class Meta:
        ordering = ["feature_id"]
        constraints = [
            models.UniqueConstraint(fields=["contact_center", "feature_id"], name="unique_contact_center_feature")
        ]

    def __str__(self):
        return self.feature_id


class HttpSession(AbstractBaseSession):
    """An HTTP session (``JSESSIONID``): Django's database session plus the user it is logged in
    as, so that a request reads its session and its user in one query (gws_project/api/sessions.py).
    Deleting a user ends its sessions."""

    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta(AbstractBaseSession.Meta):
        verbose_name, verbose_name_plural = "HTTP session", "HTTP sessions"

    @classmethod
    def get_session_store_class(cls):
        from gws_project.api.sessions import SessionStore

        return SessionStore
