"""Older content files are upgraded in memory, one function per schema_version bump.

When the format changes, raise SCHEMA_VERSION in schema.py and add the function that turns a
version N file into version N+1 under UPGRADES[N]. Files on disk never need a mass rewrite.
"""

from collections.abc import Callable

from .schema import SCHEMA_VERSION

# {from_version: function(data) -> data at from_version + 1}, per kind of file.
UPGRADES: dict[str, dict[int, Callable[[dict], dict]]] = {"quest": {}, "track": {}, "badge": {}}


def upgrade(kind: str, data: dict) -> tuple[dict, str | None]:
    """Bring `data` to the current schema version; return it, or a problem message."""
    version = data.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int):
        return data, f"write `schema_version: {SCHEMA_VERSION}`"
    if version > SCHEMA_VERSION:
        return data, (
            f"this file is written for schema_version {version}, but this version of "
            f"Loopbaan Quest reads up to {SCHEMA_VERSION}; update Loopbaan Quest"
        )
    while version < SCHEMA_VERSION:
        step = UPGRADES[kind].get(version)
        if step is None:
            return (
                data,
                f"schema_version {version} is not known; write `schema_version: {SCHEMA_VERSION}`",
            )
        data = {**step(dict(data)), "schema_version": version + 1}
        version += 1
    return data, None
