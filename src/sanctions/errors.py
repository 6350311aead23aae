"""Every error the package raises on purpose.

    SanctionsError                 root: catch this to catch everything below
    ├── SourceError                a list file could not be used
    │   ├── FormatError            the file is not in a format we know (or not the one asked for)
    │   └── ParseError             the file is in the right format but broken at a given place
    ├── StoreError                 the version store failed or was asked for something absent
    │   └── NotFound               an entity, source or version that does not exist
    ├── QueryError                 a screening query that cannot be screened (names the field)
    ├── UsageError                 the caller passed arguments that cannot work together
    └── ResourceError              a domain table under resources/ is malformed (names file, line)

Errors carry their context (file, line, record, field) as attributes so the CLI and the API
can print one clear sentence, never a traceback. Each class also says what it maps to:
`http_status` for the API and `exit_code` for the CLI (see `http_status_of`, `exit_code_of`),
so neither interface keeps its own table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


class SanctionsError(Exception):
    """Root of every error raised on purpose by `sanctions`."""

    http_status: int = 500
    exit_code: int = 2  # DESIGN.md: 2 is a usage or input error


class SourceError(SanctionsError):
    """A list file could not be read as the publication it claims to be."""

    http_status = 422

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        record: str | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.record = record
        self.field = field
        super().__init__(self.describe())

    def describe(self) -> str:
        where = []
        if self.path:
            where.append(self.path + (f":{self.line}" if self.line else ""))
        elif self.line:
            where.append(f"line {self.line}")
        if self.record:
            where.append(f"record {self.record}")
        if self.field:
            where.append(f"field {self.field}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class FormatError(SourceError):
    """The file is not in any format we parse, or not in the one requested."""


class ParseError(SourceError):
    """The file's format is known but its content is broken (truncated, malformed, bad encoding)."""


class StoreError(SanctionsError):
    """The version store could not do what was asked."""


class NotFound(StoreError):
    """An entity, source or list version that does not exist."""

    http_status = 404


class QueryError(SanctionsError):
    """A screening query with a missing or malformed field."""

    http_status = 422

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.message = message
        self.field = field
        super().__init__(f"{field}: {message}" if field else message)

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only arguments need this to cross process boundaries (batch workers).
        return (_query_error, (self.message, self.field))


def _query_error(message: str, field: str | None) -> QueryError:
    return QueryError(message, field=field)


class UsageError(SanctionsError):
    """Arguments that cannot work together (a caller mistake, not bad data)."""

    http_status = 400


def http_status_of(exc: SanctionsError) -> int:
    return exc.http_status


def exit_code_of(exc: SanctionsError) -> int:
    return exc.exit_code


class ResourceError(SanctionsError):
    """A domain table under `resources/` is malformed: wrong shape, an entry listed twice, or
    an entry in two roles that must stay apart. Names the file and line to fix."""

    def __init__(self, message: str, path: str | Path, line: int | None = None) -> None:
        self.message = message
        self.path = str(path)
        self.line = line
        # Positional args, so the default pickling rebuilds the error (batch workers).
        super().__init__(message, self.path, line)

    def __str__(self) -> str:
        return f"{self.path}{f':{self.line}' if self.line else ''}: {self.message}"


class RowsError(SourceError):
    """A customer file with bad rows: every problem found, by line and field; nothing of
    the file was applied."""

    def __init__(self, path: str | Path, problems: list[dict[str, Any]], total: int) -> None:
        self.problems = problems  # {"line", "field", "message"}, the first ones found
        self.total = total  # how many problems there were in all
        first = problems[0]
        more = f" (and {total - 1:,} more problem{'s' if total > 2 else ''})" if total > 1 else ""
        super().__init__(
            f"{first['message']}{more}; nothing was imported",
            path=path,
            line=first["line"],
            field=first["field"],
        )

    def __reduce__(self) -> tuple[object, ...]:
        return (RowsError, (self.path, self.problems, self.total))


class Conflict(SanctionsError):
    """The action does not fit the current state (an alert already decided, a self-approval)."""

    http_status = 409


class Forbidden(SanctionsError):
    """The acting user's role does not allow the action."""

    http_status = 403
