"""GWS wire values of the Grouping API."""
from django.db import models


class Contains(models.TextChoices):
    """What a group holds; its sub-groups hold the same kind."""

    DISPOSITIONS = "dispositions", "Dispositions"
    USERS = "users", "Users"
