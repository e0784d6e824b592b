"""Enumerations of the EMR export (spec/emr-export.md); values are the file's own."""

from django.db import models


class Sex(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    OTHER = "X", "Other"
    UNKNOWN = "U", "Unknown"


class ReferralSourceKind(models.TextChoices):
    PHYSICIAN = "physician"
    PRACTICE = "practice"
    DIRECT_ACCESS = "direct_access"
    SELF = "self"
    MARKETING = "marketing"
    OTHER = "other"


class ReferralStatus(models.TextChoices):
    RECEIVED = "received"
    SCHEDULED = "scheduled"
    EVALUATED = "evaluated"
    DECLINED = "declined"
    LOST = "lost"


class DischargeReason(models.TextChoices):
    GOALS_MET = "goals_met"
    PLAN_COMPLETED = "plan_completed"
    SELF_DISCHARGED = "self_discharged"
    NO_SHOW_DISCHARGE = "no_show_discharge"
    REFERRED_OUT = "referred_out"
    INSURANCE_EXHAUSTED = "insurance_exhausted"
    OTHER = "other"


class AppointmentStatus(models.TextChoices):
    SCHEDULED = "scheduled"
    ARRIVED = "arrived"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    LATE_CANCEL = "late_cancel"
    NO_SHOW = "no_show"
    RESCHEDULED = "rescheduled"


ATTENDED_STATUSES = (AppointmentStatus.ARRIVED, AppointmentStatus.COMPLETED)


class VisitType(models.TextChoices):
    EVALUATION = "evaluation"
    TREATMENT = "treatment"
    RE_EVALUATION = "re_evaluation"
    DISCHARGE = "discharge"
