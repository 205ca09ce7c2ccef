"""Reader accounts. A custom User from the first migration, so that it can grow safely."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    email = models.EmailField("email address", unique=True, null=True, blank=True)
    display_name = models.CharField(max_length=150, blank=True)
    is_subscriber = models.BooleanField(
        default=False, help_text="Set by staff: may read subscriber-level stories."
    )
    email_verified = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.display_name or self.email or self.username
