"""Pure-Python physical-therapy billing rules.

Nothing in this package imports Django: the rules are facts about codes, units,
modifiers and authorizations, so they can be unit-tested in milliseconds, reused by the
demo-data generator and the import pipeline, and audited line by line against the
domain notes (domain/rules.md in the design folder). Import the modules you need
directly (``billing.rules.units``, ``billing.rules.scrubber``, ...).
"""
