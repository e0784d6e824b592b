"""Copays logged at the front desk."""
