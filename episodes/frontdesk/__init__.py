"""The front desk's page: today's schedule of a clinic, copays due and collected,
and authorization warnings before the visit."""
