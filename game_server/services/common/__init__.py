"""What every aggregate builds on: domain errors, events and the unit of work, readable codes,
the fixed menus, the audit trail, k-anonymous disclosure and health checks.
"""
