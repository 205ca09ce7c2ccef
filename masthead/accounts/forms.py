"""Account forms. Django's auth forms where they exist, subclassed; CSRF comes with every one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from masthead.accounts import throttle
from masthead.accounts.models import User
from masthead.accounts.services import normalize_email


class SignInForm(AuthenticationForm):
    """Email and password, refused for a while after too many failures (per account, per
    client address), whether or not the password would have been right."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email address and password do not match an account.",
        "throttled": (
            "Too many failed sign-in attempts. Please wait %(minutes)s minutes and try again, "
            "or reset your password."
        ),
    }

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.label = "Email address"
        # AuthenticationForm declares `username` as a UsernameField, a CharField; `fields`
        # is typed as holding any Field.
        if isinstance(username, forms.CharField):
            username.max_length = 254
        username.widget.attrs.update(maxlength=254, autocomplete="email")

    def clean(self) -> dict[str, Any]:
        identifier = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not identifier or not password:
            return super().clean()
        if self.request is not None and throttle.is_locked(self.request, identifier):
            raise ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": throttle.lockout_minutes()},
            )
        try:
            cleaned = super().clean()
        except ValidationError as exc:
            if self.request is not None:
                throttle.record_failure(self.request, identifier)
            raise exc
        throttle.clear_account(identifier)
        return cleaned


class _PasswordMixin:
    def _check_password(self, user: User) -> str:
        # Mixed into forms only, which have `cleaned_data` by the time they are cleaned.
        password = self.cleaned_data.get("password", "")  # type: ignore[attr-defined]
        if not user.check_password(password):
            raise ValidationError("That is not your current password.", code="password_incorrect")
        return password


class SignUpForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    display_name = forms.CharField(
        label="Name (optional)",
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def clean_email(self) -> str:
        email = normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            # Sign-up must say so (the reader needs to know what to do); the password reset
            # form, which anyone can fill with anyone's address, never does.
            raise ValidationError(
                "An account with this email address already exists. Sign in, or reset your "
                "password if you have forgotten it.",
                code="duplicate_email",
            )
        return email

    def clean(self) -> dict[str, Any]:
        # Form.clean() returns `cleaned_data` (its return is typed optional, for subclasses
        # that return None to keep it).
        super().clean()
        cleaned = self.cleaned_data
        password = cleaned.get("password")
        if password:
            probe = User(email=cleaned.get("email"), display_name=cleaned.get("display_name", ""))
            try:
                password_validation.validate_password(password, probe)
            except ValidationError as exc:
                self.add_error("password", exc)
        return cleaned


class ChangeEmailForm(_PasswordMixin, forms.Form):
    email = forms.EmailField(label="New email address", max_length=254)
    password = forms.CharField(label="Current password", strip=False, widget=forms.PasswordInput)

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exclude(pk=self.user.pk).exists():
            raise ValidationError(
                "Another account uses this email address.", code="duplicate_email"
            )
        return email

    def clean_password(self) -> str:
        return self._check_password(self.user)


class DeleteAccountForm(_PasswordMixin, forms.Form):
    password = forms.CharField(label="Your password", strip=False, widget=forms.PasswordInput)
    confirm = forms.BooleanField(
        label="I understand that my account and its reading history will be deleted."
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        return self._check_password(self.user)
