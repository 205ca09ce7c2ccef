"""Hooks for other apps on a reader's sign-up, so that accounts imports none of them.

`signup_consents` is sent when the sign-up form is built (sender: the form class), with no
arguments. Each receiver returns a list of `(key, label)` pairs: things a reader may agree to
on sign-up (a newsletter). The form shows each as a checkbox, unticked: consent is given, never
assumed. Keys are short slugs, unique across receivers.

`reader_signed_up` is sent after the transaction that created an account from a sign-up link
commits (use `transaction.on_commit`), with arguments:
    sender: the User class
    user: the new account (its address proven by the link)
    consents: the keys the reader ticked, a list of str
Receivers are connected in their app's `AppConfig.ready()`.
"""

from django.dispatch import Signal

signup_consents = Signal()
reader_signed_up = Signal()
