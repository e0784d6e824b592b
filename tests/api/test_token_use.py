"""An API token records when it was last used, at most once a minute."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinics.models import ApiToken
from clinics.permissions import Role
from clinics.tokens import api_token_create
from ptrevops.tenancy.context import tenant_context

pytestmark = pytest.mark.django_db


def last_used(organization, token):
    with tenant_context(organization.pk):
        return ApiToken.objects.get(pk=token.pk).last_used_at


def test_use_is_recorded_once_a_minute(org, client):
    with tenant_context(org.pk):
        token, key = api_token_create(name="sync", role=Role.VIEWER, created_by=None)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert last_used(org, token) is None

    assert client.get("/api/v1/clinics/", **headers).status_code == 200
    first = last_used(org, token)
    assert first is not None
    with CaptureQueriesContext(connection) as again:
        assert client.get("/api/v1/clinics/", **headers).status_code == 200
    assert not [q for q in again.captured_queries if q["sql"].startswith("UPDATE")]
    assert last_used(org, token) == first

    with tenant_context(org.pk):
        earlier = first - datetime.timedelta(minutes=2)
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    assert client.get("/api/v1/clinics/", **headers).status_code == 200
    assert last_used(org, token) > first
