"""Sign-in by email address (readers) or username (staff in the admin)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

if TYPE_CHECKING:
    from masthead.accounts.models import User


class EmailOrUsernameBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        user_model = get_user_model()
        if username is None:
            username = kwargs.get(user_model.USERNAME_FIELD)
        if not username or password is None:
            return None
        identifier = username.strip()
        user = None
        if "@" in identifier:
            user = user_model._default_manager.filter(email__iexact=identifier).first()
        if user is None:
            user = user_model._default_manager.filter(username=identifier).first()
        if user is None:
            # Hash anyway, as ModelBackend does: an unknown address must take as long as a
            # wrong password, or response times would tell which addresses have accounts.
            user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
