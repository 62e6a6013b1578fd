"""The catalog: the loaded library, what a player may see of it, and content versions.

Loaded on first use (the server entry point asks for it at start-up, so broken content stops
the start with the list of problems, while `quests validate` and `db upgrade` still run);
with auto-reload (development) a changed file is picked up on the
next request, and an operator can ask a running server to reload (`reload()`, behind
`POST /api/v1/admin/content/reload`). A broken edit never replaces a working catalog: its
problems are logged, kept for `status()` (shown to admins and in /healthz), and the previous
catalog stays in use.
"""

import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .loader import ContentProblems, Library, content_files, load_library
from .problems import Problem
from .schema import Competency, Mode, Quest

log = logging.getLogger(__name__)
RELOAD_CHECK_SECONDS = 1.0


def quest_digest(quest: Quest) -> str:
    """A fingerprint of the quest's content: the same text gives the same version."""
    return hashlib.sha256(quest.model_dump_json().encode()).hexdigest()


class Catalog:
    def __init__(self, library: Library):
        self.library = library
        self.digests = {qid: quest_digest(q) for qid, q in library.quests.items()}

    @property
    def quests(self) -> dict[str, Quest]:
        return self.library.quests

    def quest(self, quest_id: str) -> Quest | None:
        return self.library.quests.get(quest_id)

    def find(
        self,
        *,
        competency: Competency | None = None,
        mode: Mode | None = None,
        sector: str | None = None,
    ) -> list[Quest]:
        """Quests matching the filters, the main competency first, then by title."""
        found = []
        for quest in self.library.quests.values():
            if competency and competency not in quest.competencies:
                continue
            if mode and mode not in quest.modes:
                continue
            if sector and quest.sectors and sector not in quest.sectors:
                continue
            found.append(quest)
        return sorted(found, key=lambda q: q.id)


@dataclass(frozen=True)
class ContentStatus:
    """What the server plays from, and why the files on disk are not in use (if they are not)."""

    loaded_at: datetime | None  # when the catalog in use was read
    checked_at: datetime | None  # when the files were last read, successfully or not
    quests: int
    problems: tuple[Problem, ...]  # empty when the files on disk are the catalog in use


class CatalogSource:
    """Hands out the current catalog; reloads it when files change (if asked to)."""

    def __init__(self, root: Path, *, auto_reload: bool):
        self.root = root
        self.auto_reload = auto_reload
        self._lock = threading.Lock()
        self._stamp: tuple = ()
        self._catalog: Catalog | None = None
        self._checked_at = 0.0
        self._loaded_at: datetime | None = None
        self._read_at: datetime | None = None
        self._problems: tuple[Problem, ...] = ()

    def _files_stamp(self) -> tuple:
        return tuple(
            (str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in content_files(self.root)
        )

    def current(self) -> Catalog:
        """The catalog; loaded on first use (raises ContentProblems if the files are wrong)."""
        if self._catalog is None:
            with self._lock:
                if self._catalog is None:
                    self._stamp = self._files_stamp()
                    self._catalog = Catalog(load_library(self.root))
                    self._checked_at = time.monotonic()
                    self._loaded_at = self._read_at = datetime.now(UTC)
        elif self.auto_reload and time.monotonic() - self._checked_at > RELOAD_CHECK_SECONDS:
            self._reload_if_changed()
        return self._catalog

    def _reload_if_changed(self) -> None:
        with self._lock:
            self._checked_at = time.monotonic()
            stamp = self._files_stamp()
            if stamp == self._stamp:
                return
            self._stamp = stamp
            self._load()

    def reload(self) -> ContentStatus:
        """Read the files again now, whether they changed or not; keep the catalog if broken."""
        with self._lock:
            self._checked_at = time.monotonic()
            self._stamp = self._files_stamp()
            self._load()
        return self.status()

    def status(self) -> ContentStatus:
        catalog = self._catalog
        return ContentStatus(
            loaded_at=self._loaded_at,
            checked_at=self._read_at,
            quests=len(catalog.quests) if catalog else 0,
            problems=self._problems,
        )

    def _load(self) -> None:
        """Replace the catalog with the files' content, or keep it and remember why not."""
        self._read_at = datetime.now(UTC)
        try:
            catalog = Catalog(load_library(self.root))
        except ContentProblems as problems:
            self._problems = tuple(problems.problems)
            # One `file:line:col: field: message` line per problem, for the content editor.
            log.warning(
                "content not reloaded; the last good content stays in use. Fix:\n%s", problems
            )
            return
        self._catalog, self._loaded_at, self._problems = catalog, self._read_at, ()
        log.info("content reloaded: %d quests", len(catalog.quests))
