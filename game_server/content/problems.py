"""Problems in content files, worded for the people who write them (not programmers)."""

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing to fix: where it is, which field, and what to write instead."""

    file: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class ContentProblems(Exception):
    """The content cannot be used as it is; `problems` lists every reason found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def field_path(loc: tuple) -> str:
    """('steps', 1, 'min_words') -> 'steps[1].min_words'."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path
