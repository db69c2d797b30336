"""Permission plumbing shared by every app: one vocabulary, `<app>.<verb>_<noun>`."""

from typing import Any

from council.core.errors import AccessDenied


def require_perm(actor: Any, perm: str, obj: Any = None) -> None:
    """Raise AccessDenied unless `actor` holds the action permission `perm` on `obj`."""
    if not actor.has_perm(perm, obj):
        raise AccessDenied(perm)
