"""Organizations (clinic groups), their clinics, and who may work in them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models

from clinics.choices import Credential, ImportKind, ImportSource, ImportStatus, Role
from ptrevops.tenancy.models import ImportedModel, TenantModel


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("an email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A person who signs in with an email address; may belong to several groups."""

    username = None
    email = models.EmailField(unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    def __str__(self) -> str:
        return self.email


slug_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$",
    "use 1–50 lowercase letters, digits and hyphens, not starting or ending with a hyphen",
)


class Organization(models.Model):
    """The tenant: a clinic group. Every tenant-owned row points here.

    Its own table is under row-level security too: visible only as the current
    organization or to the members of it.
    """

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=50, unique=True, validators=[slug_validator])
    timezone = models.CharField(max_length=64, default="America/New_York")
    require_mfa = models.BooleanField(
        default=False, help_text="Members must set up an authenticator app to sign in."
    )
    nightly_import_time = models.TimeField(
        default=datetime.time(2, 0),
        help_text="Local time at which the inbox folder is imported.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Clinic(TenantModel):
    """One physical clinic of the group, as the EMR names it (`clinic_id`)."""

    external_id = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    state = models.CharField(max_length=2, blank=True)
    timezone = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "external_id"], name="clinic_unique_external_id"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Clinician(ImportedModel):
    """A treating clinician as the EMR knows them (`clinician_id`)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="clinicians")
    name = models.CharField(max_length=200)
    npi = models.CharField(max_length=10, blank=True)
    credential = models.CharField(max_length=4, choices=Credential.choices, blank=True)
    active = models.BooleanField(default=True)

    class Meta(ImportedModel.Meta):
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ScheduleCapacity(TenantModel):
    """Minutes a clinician is available to treat at a clinic on a date (utilization's
    denominator)."""

    # Written in bulk by the bundle importer, which resolves every reference set-based
    # first (see episodes.models.reference): no per-row foreign-key triggers. Rows
    # stay pinned to their organization by row-level security; deleting a clinic or
    # clinician goes through Django's on_delete or the vendor removals' checks.
    organization = models.ForeignKey(
        "clinics.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        editable=False,
        db_index=False,
        db_constraint=False,
    )
    clinician = models.ForeignKey(
        Clinician, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    clinic = models.ForeignKey(
        Clinic, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    date = models.DateField()
    available_minutes = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "clinician", "clinic", "date"],
                name="schedule_capacity_unique_day",
            )
        ]
        indexes = [models.Index(fields=["organization", "date"], name="capacity_org_date")]


class Membership(TenantModel):
    """A user's role in one organization, optionally limited to some clinics."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    clinics = models.ManyToManyField(Clinic, through="MembershipClinic", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_unique_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"

    @property
    def all_clinics(self) -> bool:
        """No clinic listed means every clinic of the organization."""
        return not self.clinic_links.exists()


class MembershipClinic(TenantModel):
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="clinic_links"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "membership", "clinic"], name="membership_clinic_unique"
            )
        ]


class ApiToken(TenantModel):
    """A per-organization API key. Only a hash is stored; the key is shown once."""

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class AuditEvent(TenantModel):
    """Who did or saw what: state changes and every access to patient records."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "-at"], name="audit_org_at")]


class ImportRun(TenantModel):
    """One import of one file (a bundle or an 835): who, what, when, and its report.

    The file is kept (`stored_path`, hashed) so a failed run can be retried and an
    identical file recognised and skipped.
    """

    kind = models.CharField(max_length=16, choices=ImportKind.choices)
    source = models.CharField(max_length=8, choices=ImportSource.choices)
    profile = models.CharField(max_length=64, default="canonical")
    original_filename = models.CharField(max_length=255)
    stored_path = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.BigIntegerField(default=0)
    partial = models.BooleanField(default=False, help_text="Import good rows despite bad ones.")
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    error_message = models.TextField(blank=True)
    error_count = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="importrun_org_created"),
            models.Index(fields=["organization", "sha256"], name="importrun_org_sha"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_filename} ({self.status})"


class ImportRowError(TenantModel):
    """A row that failed validation: where (file, line, column) and why."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="row_errors")
    file = models.CharField(max_length=255)
    line = models.PositiveIntegerField(null=True, blank=True)
    column = models.CharField(max_length=100, blank=True)
    reason = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["organization", "run"], name="importerror_org_run")]


class ColumnMappingProfile(TenantModel):
    """A saved column mapping: how one vendor report's CSV becomes one canonical file.

    `mapping` is {canonical column: rule} (episodes.vendor.mapping). With vendor
    "WebPT" and a `source_table`, it also applies to that table inside WebPT Standard
    Extracts: it completes or overrides the built-in mapping of a documented table, or
    maps an undocumented one.
    """

    name = models.CharField(max_length=100)
    vendor = models.CharField(
        max_length=100, blank=True, help_text="The EMR or system that exports the file."
    )
    source_table = models.CharField(
        max_length=100,
        blank=True,
        help_text="For WebPT: the Standard Extract table this mapping applies to.",
    )
    target = models.CharField(max_length=40, help_text="The canonical file it produces.")
    mapping = models.JSONField(default=dict, blank=True)
    source_columns = models.JSONField(
        default=list, blank=True, help_text="The header of the sample file (no rows are kept)."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="column_mapping_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name
