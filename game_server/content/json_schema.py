"""JSON Schema for content files, generated from the same models the loader uses."""

from typing import Annotated

from pydantic import Field, TypeAdapter

from .schema import Badge, Quest, Track

ContentFile = Annotated[Quest | Track | Badge, Field(discriminator="kind")]


def content_json_schema() -> dict:
    schema = TypeAdapter(ContentFile).json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://loopbaanquest.nl/schema/content-1.json",
        "title": "Loopbaan Quest content file (quest, track or badge)",
        **schema,
    }
