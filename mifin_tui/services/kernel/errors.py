"""Errors a service raises; each carries a message fit for the user (translated)."""

from __future__ import annotations

from collections.abc import Mapping


class MifinError(Exception):
    """A refusal the user can read and act on (never a traceback)."""


class PermissionDenied(MifinError):
    pass


class NotFound(MifinError):
    pass


class BusinessDayClosed(MifinError):
    pass


class Conflict(MifinError):
    """The operation collides with the state of the data (duplicate, already done)."""


class ValidationError(MifinError):
    """One or more fields are wrong; every error is reported at once, by field."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))


class AuthenticationError(MifinError):
    """Wrong user name or password (deliberately not saying which)."""


class AccountLocked(AuthenticationError):
    pass


class RetryLater(AuthenticationError):
    def __init__(self, message: str, seconds: int):
        super().__init__(message)
        self.seconds = seconds
