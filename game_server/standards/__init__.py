"""Published JSON-LD contexts, kept in the package so credentials can be checked offline.

`document_loader` serves these files for their published URLs (pyld's loader signature) and
refuses every other URL, so an expansion never reaches the network.
"""

import json
from functools import cache
from pathlib import Path

HERE = Path(__file__).parent

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3P0 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

CONTEXT_FILES: dict[str, Path] = {
    VC_V2: HERE / "vc-2.0" / "credentials-v2.jsonld",
    OB_V3P0: HERE / "openbadges-3.0" / "context-3.0.3.json",
}


@cache
def _text(url: str) -> str:
    return CONTEXT_FILES[url].read_text(encoding="utf-8")


def context(url: str) -> dict:
    """A fresh copy of the published context document at `url`; KeyError for any other URL."""
    return json.loads(_text(url))


def document_loader(url: str, options: dict | None = None) -> dict:
    """A JSON-LD document loader that answers from the files above, never from the network."""
    if url not in CONTEXT_FILES:
        raise LookupError(f"no offline copy of {url}")
    return {"contextUrl": None, "documentUrl": url, "document": context(url)}
