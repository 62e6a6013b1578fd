"""Content files checked one at a time against the rest of the library, for the preview.

The catalog takes the library as a whole and refuses it when any file is wrong; an editor
needs the other view: each file, or a draft that is in no file yet, with its own problems,
checked against the files around it. The files are read again whenever they change on disk
(a stat per file per look), so an edit shows on the next reload of the preview. Nothing here
touches the catalog the players play from.
"""

import threading
from dataclasses import dataclass, replace
from pathlib import Path

from pydantic import BaseModel

from .library_checks import library_problems
from .loader import check_source, content_files, load_file
from .problems import Problem
from .schema import Quest
from .yaml_source import Source, parse

PASTED_NAME = "draft.yaml"  # how problems name a pasted draft, which has no file name yet


@dataclass(frozen=True)
class Checked:
    """One file or draft: its text, what it declares, and what to fix in it."""

    name: str  # as its problems name it: `quests/reflecting/values-cards.yaml`
    text: str
    kind: str | None
    id: str | None
    model: BaseModel | None  # None while it has problems of its own
    problems: tuple[Problem, ...]
    library_path: str | None = None  # inside the library (`reflecting/values-cards.yaml`)
    # A draft with the kind and id of a library file is checked as a new version of it.
    replaces: str | None = None

    @property
    def quest(self) -> Quest | None:
        """The quest to play, when this is a quest without problems."""
        if self.problems or not isinstance(self.model, Quest):
            return None
        return self.model


@dataclass(frozen=True)
class _Read:
    stamp: tuple[int, int]
    text: str
    model: BaseModel | None
    source: Source
    problems: tuple[Problem, ...]


def _declared(source: Source, key: str) -> str | None:
    value = source.data.get(key) if isinstance(source.data, dict) else None
    return value if isinstance(value, str) else None


class LibraryFiles:
    """The library's files as they are on disk, each with its problems."""

    def __init__(self, root: Path, *, display_root: Path | None = None):
        self.root = root.resolve()
        self.display_root = (display_root or root.parent).resolve()
        self._lock = threading.Lock()
        self._read: dict[Path, _Read] = {}

    def _inside(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def overview(self) -> list[Checked]:
        """Every file, checked on its own and against the others (one pass over the library)."""
        paths = content_files(self.root)
        reads = [self._file(path) for path in paths]
        loaded = [(r.model, r.source) for r in reads if r.model is not None]
        _library, across = library_problems(loaded)
        return [
            _checked(r, [p for p in across if p.file == r.source.file], self._inside(path))
            for r, path in zip(reads, paths, strict=True)
        ]

    def check_file(self, name: str) -> Checked | None:
        """One file of the library by its name (None when there is no such file)."""
        # Looked up among the files, never joined onto the root: a name cannot leave it.
        path = next(
            (p for p in content_files(self.root) if self._inside(p) == name),
            None,
        )
        if path is None:
            return None
        read = self._file(path)
        return _checked(read, self._across(read.model, read.source), name)

    def check_draft(self, text: str, name: str | None = None) -> Checked:
        """A draft against the library, as if it replaced the file `name`, or the file with its
        kind and id (a new version of a quest), or else were a new file. `name` None: pasted,
        so its id is not held to a file name."""
        display = name or PASTED_NAME
        source, problems = parse(text, display)
        model = None
        if not problems:
            model, source, problems = check_source(source, Path(name).stem if name else None)
        read = _Read((0, 0), text, model, source, tuple(problems))
        replaced = self._same_as(model) if model is not None else None
        checked = _checked(read, self._across(model, source))
        return replace(checked, replaces=replaced.source.file if replaced else None)

    def _same_as(self, model: BaseModel) -> _Read | None:
        """The library file declaring the same kind and id, if there is one."""
        return next(
            (
                r
                for r in (self._file(path) for path in content_files(self.root))
                if r.model is not None and (r.model.kind, r.model.id) == (model.kind, model.id)
            ),
            None,
        )

    def _across(self, model: BaseModel | None, source: Source) -> list[Problem]:
        """The checks across files (references, circles), for this one file."""
        if model is None:
            return []
        others = [
            (r.model, r.source)
            for r in (self._file(path) for path in content_files(self.root))
            if r.model is not None
            and r.source.file != source.file
            and not (r.model.kind == model.kind and r.model.id == model.id)
        ]
        _library, problems = library_problems([*others, (model, source)])
        return [p for p in problems if p.file == source.file]

    def _file(self, path: Path) -> _Read:
        """The file's checks, read again only when it changed on disk."""
        status = path.stat()
        stamp = (status.st_mtime_ns, status.st_size)
        with self._lock:
            known = self._read.get(path)
        if known is not None and known.stamp == stamp:
            return known
        display = path.relative_to(self.display_root).as_posix()
        model, source, problems = load_file(path, display)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            text = ""
        read = _Read(stamp, text, model, source, tuple(problems))
        with self._lock:
            self._read[path] = read
        return read


def _checked(read: _Read, across: list[Problem], library_path: str | None = None) -> Checked:
    return Checked(
        name=read.source.file,
        text=read.text,
        kind=_declared(read.source, "kind"),
        id=_declared(read.source, "id"),
        model=read.model,
        problems=tuple(sorted([*read.problems, *across])),
        library_path=library_path,
    )
