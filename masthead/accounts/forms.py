"""Account forms. Django's auth forms where they exist, subclassed; CSRF comes with every one."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from masthead.accounts import signals, throttle
from masthead.accounts.models import User
from masthead.accounts.services import normalize_email

THROTTLED = (
    "Too many failed sign-in attempts. Please wait %(wait)s and try again, or reset your password."
)


class ThrottledSignInMixin:
    """Explains a refusal of the throttle (which the authentication backend enforces) instead
    of the form's "wrong password"."""

    request: Any

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()  # type: ignore[misc]
        except ValidationError:
            wait = throttle.wait_of(self.request)
            if wait:
                raise ValidationError(
                    THROTTLED, code="throttled", params={"wait": throttle.describe_wait(wait)}
                ) from None
            raise


class SignInForm(ThrottledSignInMixin, AuthenticationForm):
    """Email and password, slowed after too many failures (per account, per client address),
    whether or not the password would have been right."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email address and password do not match an account.",
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


class AdminSignInForm(ThrottledSignInMixin, AdminAuthenticationForm):
    """The back office's login, throttled like the readers' (it checks passwords of the
    accounts that can publish)."""


def check_current_password(request: HttpRequest | None, user: User, password: str) -> None:
    """A signed-in reader's password, checked again (changing the address or the password,
    deleting the account), slowed like sign-in: a stolen session must not become a way to
    guess the password."""
    identifier = user.email or user.get_username()
    if request is not None:
        wait = throttle.attempt(request, identifier)
        if wait:
            raise ValidationError(
                THROTTLED, code="throttled", params={"wait": throttle.describe_wait(wait)}
            )
    if not user.check_password(password):
        raise ValidationError("That is not your current password.", code="password_incorrect")
    throttle.succeeded(identifier)


class _PasswordMixin:
    user: User
    request: HttpRequest | None

    def _check_password(self, user: User) -> str:
        # Mixed into forms only, which have `cleaned_data` by the time they are cleaned.
        password = self.cleaned_data.get("password", "")  # type: ignore[attr-defined]
        check_current_password(self.request, user, password)
        return password


class ThrottledPasswordChangeForm(PasswordChangeForm):
    def __init__(self, user: User, *args: Any, request: HttpRequest | None = None, **kwargs: Any):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        check_current_password(self.request, self.user, old_password)
        return old_password


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

    CONSENT_PREFIX = "consent_"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Other apps' offers (a newsletter), each an unticked box (`signals.signup_consents`).
        for _receiver, offers in signals.signup_consents.send(sender=type(self)):
            # Each receiver returns (key, label) pairs (`signals.signup_consents`).
            offered = cast("list[tuple[str, str]]", offers or [])
            for key, label in offered:
                self.fields[self.CONSENT_PREFIX + key] = forms.BooleanField(
                    label=label, required=False, initial=False
                )

    def consents(self) -> list[str]:
        """The keys of the offers the reader ticked."""
        return [
            name.removeprefix(self.CONSENT_PREFIX)
            for name, value in self.cleaned_data.items()
            if name.startswith(self.CONSENT_PREFIX) and value is True
        ]

    def clean_email(self) -> str:
        # Whether the address has an account is not the form's to say: the email does.
        return normalize_email(self.cleaned_data["email"])

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

    def __init__(
        self, user: User, *args: Any, request: HttpRequest | None = None, **kwargs: Any
    ) -> None:
        self.user = user
        self.request = request
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

    def __init__(
        self, user: User, *args: Any, request: HttpRequest | None = None, **kwargs: Any
    ) -> None:
        self.user = user
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        return self._check_password(self.user)
