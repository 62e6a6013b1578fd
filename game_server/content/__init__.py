"""Declarative content: schemas, the YAML loader, checks across files and the catalog."""
