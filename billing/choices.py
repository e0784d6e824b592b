"""Billing enumerations: payers, claims, remittances, denials, patient payments."""

from django.db import models


class PayerType(models.TextChoices):
    MEDICARE = "medicare"
    MEDICARE_ADVANTAGE = "medicare_advantage"
    MEDICAID = "medicaid"
    COMMERCIAL = "commercial"
    WORKERS_COMP = "workers_comp"
    AUTO = "auto"
    SELF_PAY = "self_pay"
    OTHER = "other"


class UnitRule(models.TextChoices):
    CMS_8_MINUTE = "cms_8_minute", "CMS 8-minute rule"
    SUBSTANTIAL_PORTION = "substantial_portion", "Substantial portion (per code)"


class PayerRank(models.TextChoices):
    PRIMARY = "primary"
    SECONDARY = "secondary"


class AdjustmentGroup(models.TextChoices):
    CONTRACTUAL = "CO", "Contractual obligation"
    PATIENT = "PR", "Patient responsibility"
    OTHER = "OA", "Other adjustment"
    PAYER_INITIATED = "PI", "Payer-initiated reduction"
    CORRECTION = "CR", "Correction and reversal"


class RootCause(models.TextChoices):
    ELIGIBILITY = "eligibility"
    AUTHORIZATION = "authorization"
    CODING = "coding"
    MEDICAL_NECESSITY = "medical_necessity"
    TIMELY_FILING = "timely_filing"
    DUPLICATE = "duplicate"
    COORDINATION_OF_BENEFITS = "coordination_of_benefits"
    CREDENTIALING = "credentialing"
    OTHER = "other"


class DenialStatus(models.TextChoices):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    APPEALED = "appealed"
    RESOLVED = "resolved"
    WRITTEN_OFF = "written_off"


class PatientPaymentKind(models.TextChoices):
    COPAY = "copay"
    COINSURANCE = "coinsurance"
    DEDUCTIBLE = "deductible"
    SELF_PAY = "self_pay"
    PREPAYMENT = "prepayment"
    REFUND = "refund"


class PaymentMethod(models.TextChoices):
    CASH = "cash"
    CARD = "card"
    CHECK = "check"
    HSA = "hsa"
    OTHER = "other"


# CLP02 claim status codes of the 835.
CLAIM_STATUS_DENIED = "4"
CLAIM_STATUS_REVERSAL = "22"
