"""Staff manage reader accounts here; `is_subscriber` is set by hand until payments exist."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from masthead.accounts.models import MeterRead, User
from masthead.lib.admin import CheckedAdmin


@admin.register(User)
class UserAdmin(CheckedAdmin, DjangoUserAdmin):
    list_display = (
        "email",
        "display_name",
        "is_subscriber",
        "email_verified",
        "is_staff",
        "date_joined",
    )
    list_filter = ("is_subscriber", "email_verified", "is_staff", "is_active")
    search_fields = ("email", "display_name", "username")
    ordering = ("-date_joined",)
    fieldsets = (
        # Django's UserAdmin always sets its fieldsets; the base class types them as optional.
        *(DjangoUserAdmin.fieldsets or ()),
        ("Reader", {"fields": ("display_name", "email_verified", "is_subscriber")}),
    )


@admin.register(MeterRead)
class MeterReadAdmin(CheckedAdmin):
    list_display = ("article", "user", "visitor_key", "first_read_at")
    list_select_related = ("article", "user")
    raw_id_fields = ("article", "user")
    date_hierarchy = "first_read_at"
