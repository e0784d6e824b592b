"""Per-organization API keys: `ptr_<prefix>_<secret>`; only a SHA-256 is stored."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.utils import timezone

from clinics.models import ApiToken, User
from ptrevops.tenancy.context import current_organization_id, set_api_token_prefix

KEY_PREFIX = "ptr_"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, name: str, role: str, created_by: User | None) -> tuple[ApiToken, str]:
    """Create a token in the current organization; returns it and the key (shown once)."""
    prefix = secrets.token_hex(5)
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        organization_id=current_organization_id(),
        name=name,
        prefix=prefix,
        key_hash=_hash(key),
        role=role,
        created_by=created_by,
    )
    return token, key


def api_token_resolve(key: str) -> ApiToken | None:
    """The live token for `key`, or None. Must run inside the request transaction."""
    if not key.startswith(KEY_PREFIX) or key.count("_") < 2:
        return None
    prefix = key[len(KEY_PREFIX) :].split("_", 1)[0]
    set_api_token_prefix(prefix)
    token = ApiToken.objects.unscoped().filter(prefix=prefix, revoked_at__isnull=True).first()
    if token is None or not hmac.compare_digest(token.key_hash, _hash(key)):
        return None
    return token


TOUCH_INTERVAL = datetime.timedelta(minutes=1)


def api_token_touch(token: ApiToken) -> None:
    """Record use, to the minute; runs once the request is scoped to the token's
    organization. A token used again within ``TOUCH_INTERVAL`` is not written again:
    an integration paging through a listing would otherwise write a row per page."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_INTERVAL:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
