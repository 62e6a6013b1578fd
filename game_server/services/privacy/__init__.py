"""A worker's rights over their data: the export (GDPR art. 15 and 20) and erasure (art. 17)."""
