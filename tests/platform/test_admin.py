import pytest
from django.contrib import admin
from django.urls import reverse

from ptrevops.tenancy.models import TenantModel

pytestmark = pytest.mark.django_db

TENANT_MODELS = [m for m in admin.site._registry if issubclass(m, TenantModel)]


def test_every_tenant_model_has_an_admin():
    from django.apps import apps

    ours = {m for m in apps.get_models() if issubclass(m, TenantModel)}
    assert ours - set(admin.site._registry) == set()


@pytest.mark.parametrize("model", TENANT_MODELS, ids=lambda m: m.__name__)
def test_admin_changelist_opens_for_a_staff_member(model, org, member, client):
    user = member(org, "owner")
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200
