from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PtrevopsConfig(AppConfig):
    name = "ptrevops"
    verbose_name = "ptrevops platform"

    def ready(self) -> None:
        from ptrevops.tenancy import grants, roles

        roles.connect_signal()
        post_migrate.connect(grants.grant_application_role, dispatch_uid="ptrevops-grants")
