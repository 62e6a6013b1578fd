"""The domain: plain functions taking a keyword-only Session; no Flask imports here."""
