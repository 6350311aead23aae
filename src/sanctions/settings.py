"""Every default and every environment variable of the package, read in this one place.

    SANCTIONS_DB              the store (every command's `--db`): a SQLite file path or
                              `sqlite:///path`, or `postgresql://user@host:port/db`
    SANCTIONS_CONFIG          the download settings file (`--config`, see ingest/config.py)
    SANCTIONS_MIRROR          a folder or http(s) base URL to download every list file from
    SANCTIONS_ARCHIVE         where downloaded files are archived
    SANCTIONS_API_NO_AUTH, SANCTIONS_API_RELOAD_EVERY, SANCTIONS_API_MAX_BODY,
    SANCTIONS_API_MAX_UPLOAD, SANCTIONS_API_BATCH_DIR
                              `sanctions serve` options, passed to each worker process
    SANCTIONS_FOUR_EYES       decisions that need a second user's approval (FourEyesPolicy)

The plain values here (thresholds, limits, sizes) are the defaults the interfaces show and
the façade checks against; nothing else repeats them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from platformdirs import user_config_dir, user_data_dir

from .errors import UsageError

# -- screening ------------------------------------------------------------------------------
DEFAULT_THRESHOLD = 0.73  # chosen on the name-bench development pairs (docs/matching.md)
DEFAULT_LIMIT = 10  # hits per query
MAX_LIMIT = 500  # the most hits a caller may ask for per query
MAX_NAME_LENGTH = 500  # characters in one query name
MAX_QUERIES = 1000  # queries in one API request
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024  # one document to scan (64 MiB): larger is refused
MAX_JSON_DEPTH = 32  # nesting of arrays and objects in an API request body
MAX_ROW_ID = 2**63 - 1  # the largest id or offset a store can hold (a 64-bit integer)

# -- monitoring ------------------------------------------------------------------------------
DECISIONS = ("false_positive", "true_match", "escalate")

# The web UI's sign-in (sanctions.auth): passwords, sessions, slowing repeated failures.
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # scrypt hashes anything, but a megabyte "password" is an attack
SESSION_IDLE_SECONDS = 30 * 60  # signed out after this long without a request
SESSION_MAX_SECONDS = 12 * 3600  # and after this long in any case (one working day)
LOGIN_FREE_FAILURES = 3  # failed sign-ins per account or address before each waits
LOGIN_FIRST_WAIT_SECONDS = 5  # then each sign-in waits this long, doubling per failure
LOGIN_MAX_WAIT_SECONDS = 300  # up to this


@dataclass(frozen=True)
class FourEyesPolicy:
    """Which decisions take effect only when a second user approves them.

    `SANCTIONS_FOUR_EYES` overrides the default: a comma-separated list of decisions, each
    optionally with a score above which it needs approval, e.g. "true_match" (the default),
    "true_match,false_positive>0.9", or "none".
    """

    always: frozenset[str] = frozenset({"true_match"})
    above: Mapping[str, float] = field(default_factory=dict)  # decision -> score

    def needs_approval(self, decision: str, score: float) -> bool:
        if decision in self.always:
            return True
        return decision in self.above and score > self.above[decision]

    def describe(self) -> str:
        parts = sorted(self.always) + [f"{d}>{s}" for d, s in sorted(self.above.items())]
        return ",".join(parts) or "none"

    @classmethod
    def parse(cls, text: str) -> FourEyesPolicy:
        always: set[str] = set()
        above: dict[str, float] = {}
        if text.strip().lower() == "none":
            return cls(frozenset(), {})
        for part in filter(None, (p.strip() for p in text.split(","))):
            decision, _, score = part.partition(">")
            decision = decision.strip()
            if decision not in ("false_positive", "true_match"):
                raise UsageError(
                    f"SANCTIONS_FOUR_EYES: {decision!r} is not false_positive or true_match"
                )
            if not score:
                always.add(decision)
                continue
            try:
                above[decision] = float(score)
            except ValueError:
                raise UsageError(f"SANCTIONS_FOUR_EYES: {score!r} is not a score") from None
        return cls(frozenset(always), above)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> FourEyesPolicy:
        env = os.environ if env is None else env
        text = env.get("SANCTIONS_FOUR_EYES")
        return cls.parse(text) if text else cls()


# -- sizes and durations --------------------------------------------------------------------
MiB = 1024 * 1024
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?\s*$", re.IGNORECASE)
_UNITS = {"b": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3, "kib": 1024, "mib": MiB, "gib": 1024**3}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)([smhd])")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_size(value: object, where: str) -> int:
    """Bytes from an int or a string such as "200 MiB" or "5MB"."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    match = _SIZE.match(value) if isinstance(value, str) else None
    if not match or float(match[1]) <= 0:
        raise UsageError(f'{where}: expected a positive size such as 200000 or "200 MiB"')
    return int(float(match[1]) * _UNITS[(match[2] or "b").lower()])


def parse_duration(text: str) -> float:
    """Seconds from "90s", "30m", "6h", "1d" or a combination such as "1h30m"."""
    cleaned = text.strip().lower()
    parts = _DURATION.findall(cleaned)
    if not parts or "".join(n + u for n, u in parts) != cleaned:
        raise UsageError(f"{text!r}: expected a duration such as 90s, 30m, 6h or 1d")
    seconds = sum(float(n) * _SECONDS[u] for n, u in parts)
    if seconds <= 0:
        raise UsageError(f"{text!r}: the interval must be longer than zero")
    return seconds


# -- the store --------------------------------------------------------------------------------
def default_db() -> Path:
    return Path(user_data_dir("sanctions", appauthor=False)) / "sanctions.db"


PG_SCHEMES = ("postgresql://", "postgres://")


def is_database_url(location: str | Path) -> bool:
    """Whether a store location names a PostgreSQL database rather than a SQLite file."""
    return str(location).startswith(PG_SCHEMES)


def sqlite_file(location: str | Path) -> str:
    """The SQLite file of a location: a path, or `sqlite:///path` (`sqlite:////abs/path`)."""
    text = str(location)
    if text.startswith("sqlite://"):
        text = text[len("sqlite://") :]
        text = text[1:] if text.startswith("/") else text
    return text


def store_location(db: str | Path | None = None, env: Mapping[str, str] | None = None) -> str:
    """The store: the one given, else SANCTIONS_DB, else the file in the user data
    directory. A file path, `sqlite:///path` or a `postgresql://` URL, as given."""
    env = os.environ if env is None else env
    if db:
        return str(db)
    return env["SANCTIONS_DB"] if env.get("SANCTIONS_DB") else str(default_db())


def store_file(location: str | Path) -> Path | None:
    """The SQLite file of a store location; None for a PostgreSQL URL."""
    return None if is_database_url(location) else Path(sqlite_file(location))


def store_path(db: str | Path | None = None, env: Mapping[str, str] | None = None) -> Path:
    """The store file (SQLite stores): the one given, else SANCTIONS_DB, else the user data
    directory."""
    return Path(sqlite_file(store_location(db, env)))


# -- downloads (`sanctions update`) -----------------------------------------------------------
def default_config_path() -> Path:
    return Path(user_config_dir("sanctions", appauthor=False)) / "config.toml"


@dataclass(frozen=True)
class DownloadEnv:
    """What the environment says about downloads."""

    config: Path | None
    mirror: str | None
    archive: Path | None


def download_env(env: Mapping[str, str] | None = None) -> DownloadEnv:
    env = os.environ if env is None else env
    return DownloadEnv(
        config=Path(env["SANCTIONS_CONFIG"]) if env.get("SANCTIONS_CONFIG") else None,
        mirror=env.get("SANCTIONS_MIRROR") or None,
        archive=Path(env["SANCTIONS_ARCHIVE"]) if env.get("SANCTIONS_ARCHIVE") else None,
    )


@dataclass(frozen=True)
class FetchSettings:
    connect_timeout: float = 10.0
    read_timeout: float = 60.0  # longest wait for the next bytes, not for the whole file
    retries: int = 3  # attempts in total, on connection errors, timeouts, 429 and 5xx
    backoff: float = 1.0
    max_backoff: float = 60.0
    max_bytes: int = 200 * MiB
    user_agent: str = "sanctions-list-updater/0.1"
    # An update that would remove more than this share of a list's entities is refused.
    max_removed_share: float = 0.5


@dataclass(frozen=True)
class SourceSettings:
    enabled: bool = True
    urls: Mapping[str, str] = field(default_factory=dict)  # file name -> URL or local path
    # Seconds after which the list counts as stale; None: the publisher's cadence (registry).
    expected_every: float | None = None


class Downloadable(Protocol):
    """What settings need of a registered source (sources.registry.SourceInfo)."""

    @property
    def name(self) -> str: ...
    @property
    def default(self) -> bool: ...
    @property
    def downloads(self) -> Sequence[tuple[str, str]]: ...


@dataclass(frozen=True)
class Settings:
    fetch: FetchSettings = field(default_factory=FetchSettings)
    sources: Mapping[str, SourceSettings] = field(default_factory=dict)
    mirror: str | None = None  # a folder or an http(s) base URL holding every file by name
    archive: Path | None = None  # None: `archive` beside the store file
    path: Path | None = None  # the config file read, if any
    # Whether a source not named in the config file is enabled: the registry's default.
    defaults: Mapping[str, bool] = field(default_factory=dict)

    def source(self, name: str, default: bool = True) -> SourceSettings:
        """The source's settings; one absent from the config file is enabled by default
        unless the registry (or `default`) makes it opt-in."""
        if name in self.sources:
            return self.sources[name]
        return SourceSettings(enabled=self.defaults.get(name, default))

    def downloads(self, info: Downloadable) -> list[tuple[str, str]]:
        """(file name, where to fetch it) for each file: mirror, else config, else registry."""
        overrides = self.source(info.name).urls
        if self.mirror:
            return [(name, mirror_location(self.mirror, name)) for name, _ in info.downloads]
        return [(name, overrides.get(name, url)) for name, url in info.downloads]

    def archive_dir(self, db: str | Path) -> Path:
        """The archive: as configured, else beside the store file (a PostgreSQL store: in
        the user data directory)."""
        if self.archive is not None:
            return self.archive
        file = store_file(db)
        return (file.absolute().parent if file else default_db().parent) / "archive"


def mirror_location(mirror: str, name: str) -> str:
    if mirror.startswith(("http://", "https://")):
        return mirror.rstrip("/") + "/" + name
    return str(Path(mirror).expanduser() / name)


# -- the HTTP API (`sanctions serve`) ---------------------------------------------------------
@dataclass(frozen=True)
class ApiSettings:
    db: Path | str  # a SQLite file, or a postgresql:// URL
    no_auth: bool = False
    reload_every: float = 60.0  # seconds between checks for newer versions; 0: never
    max_body_bytes: int = 5 * MiB
    max_upload_bytes: int = 200 * MiB
    batch_dir: Path | None = None  # default: "<store>-batches" beside the store file

    @property
    def jobs_dir(self) -> Path:
        if self.batch_dir:
            return self.batch_dir
        file = store_file(self.db)
        if file is None:  # a PostgreSQL store: the user data directory
            return default_db().with_name("sanctions-batches")
        return file.with_name(file.stem + "-batches")

    def to_env(self) -> dict[str, str]:
        """The environment that makes `from_env` give these settings back (for workers)."""
        env = {
            "SANCTIONS_DB": str(self.db),
            "SANCTIONS_API_NO_AUTH": "1" if self.no_auth else "0",
            "SANCTIONS_API_RELOAD_EVERY": str(self.reload_every),
            "SANCTIONS_API_MAX_BODY": str(self.max_body_bytes),
            "SANCTIONS_API_MAX_UPLOAD": str(self.max_upload_bytes),
        }
        if self.batch_dir is not None:
            env["SANCTIONS_API_BATCH_DIR"] = str(self.batch_dir)
        return env

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ApiSettings:
        env = os.environ if env is None else env
        if not env.get("SANCTIONS_DB"):
            raise UsageError("set SANCTIONS_DB to the store file or postgresql:// URL")
        location = env["SANCTIONS_DB"]
        defaults = cls(location if is_database_url(location) else Path(location))
        try:
            return cls(
                db=defaults.db,
                no_auth=env.get("SANCTIONS_API_NO_AUTH") == "1",
                reload_every=float(env.get("SANCTIONS_API_RELOAD_EVERY", defaults.reload_every)),
                max_body_bytes=int(env.get("SANCTIONS_API_MAX_BODY", defaults.max_body_bytes)),
                max_upload_bytes=int(
                    env.get("SANCTIONS_API_MAX_UPLOAD", defaults.max_upload_bytes)
                ),
                batch_dir=Path(env["SANCTIONS_API_BATCH_DIR"])
                if env.get("SANCTIONS_API_BATCH_DIR")
                else None,
            )
        except ValueError as exc:
            raise UsageError(f"SANCTIONS_API_* environment: {exc}") from None
