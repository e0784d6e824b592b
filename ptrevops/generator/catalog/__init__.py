"""Static reference data the generator draws from: places, people, clinical content, payers.

Kept as plain data in code (not CSV files) so a worker process imports it once and the
numbers a test depends on are visible next to the comment that explains them.
"""
