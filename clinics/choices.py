from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    MANAGER = "manager", "Manager"
    BILLER = "biller", "Biller"
    FRONT_DESK = "front_desk", "Front desk"
    CLINICIAN = "clinician", "Clinician"
    VIEWER = "viewer", "Viewer"


class Credential(models.TextChoices):
    PT = "PT", "Physical therapist"
    PTA = "PTA", "Physical therapist assistant"
    OT = "OT", "Occupational therapist"
    COTA = "COTA", "Certified occupational therapy assistant"
    ATC = "ATC", "Athletic trainer"


class ImportKind(models.TextChoices):
    BUNDLE = "bundle", "EMR export bundle"
    REMITTANCE_835 = "remittance_835", "835 remittance"


class ImportSource(models.TextChoices):
    UPLOAD = "upload", "Uploaded in the browser"
    API = "api", "Posted to the API"
    INBOX = "inbox", "Picked up from the inbox folder"
    CLI = "cli", "Command line"


class ImportStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped", "Skipped (same file already imported)"
