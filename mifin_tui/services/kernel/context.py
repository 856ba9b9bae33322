"""Who is acting, where: passed explicitly to every service function."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Context:
    user_id: int
    username: str
    full_name: str
    roles: frozenset[str]
    branch_id: int
    branch_code: str
    language: str = "fr"
    permissions: frozenset[str] = field(default=frozenset())
    # Set after an administrator's reset: the app asks for a new password first.
    must_change_password: bool = False

    def can(self, permission: str) -> bool:
        return permission in self.permissions


SYSTEM_USERNAME = "system"
