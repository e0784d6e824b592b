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
