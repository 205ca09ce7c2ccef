"""Sign-in by email address (readers) or username (staff in the admin), throttled.

The throttle sits here, not in a form, so that every `authenticate()` with a request (the
reader's sign-in, the admin's login, anything added later) is slowed alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from masthead.accounts import throttle

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
        if request is not None:
            wait = throttle.attempt(request, identifier)
            if wait:
                throttle.refuse(request, wait)
                # Stops authenticate() here (no other backend is asked) without checking the
                # password: a refused guess learns nothing.
                raise PermissionDenied("sign-in throttled")
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
            throttle.succeeded(identifier)
            return user
        return None
