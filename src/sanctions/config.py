"""Settings for downloading lists: a TOML file, environment variables, then built-in defaults.

The file is `--config FILE`, else `SANCTIONS_CONFIG`, else `config.toml` in the user config
directory (`~/.config/sanctions/` on Linux) when it exists:

    [fetch]
    timeout = 30            # seconds, both connect and read (or connect_timeout / read_timeout)
    retries = 3             # attempts per file, in total
    backoff = 1.0           # seconds before the second attempt; doubles each time
    max_bytes = "200 MiB"   # per file; a bigger file is aborted while streaming
    max_removed_share = 0.5 # refuse an update that would remove over half of a list
    mirror = "/srv/lists"   # or an http(s) base URL; SANCTIONS_MIRROR overrides it
    archive = "/srv/archive"  # raw-file archive; SANCTIONS_ARCHIVE overrides it

    [sources.ofac-sdn]
    enabled = false         # left out of a plain `sanctions update`
    urls = { "sdn.csv" = "https://example.org/sdn.csv" }

Unknown keys are errors, so a typo does not silently fall back to a default.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir

from .errors import UsageError
from .sources.registry import SOURCES, SourceInfo

MiB = 1024 * 1024
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?\s*$", re.IGNORECASE)
_UNITS = {"b": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3, "kib": 1024, "mib": MiB, "gib": 1024**3}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)([smhd])")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


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


@dataclass(frozen=True)
class Settings:
    fetch: FetchSettings = field(default_factory=FetchSettings)
    sources: Mapping[str, SourceSettings] = field(default_factory=dict)
    mirror: str | None = None  # a folder or an http(s) base URL holding every file by name
    archive: Path | None = None  # None: `archive` beside the store file
    path: Path | None = None  # the config file read, if any

    def source(self, name: str) -> SourceSettings:
        if name in self.sources:
            return self.sources[name]
        info = SOURCES.get(name)
        return SourceSettings(enabled=info.default if info else True)

    def downloads(self, info: SourceInfo) -> list[tuple[str, str]]:
        """(file name, where to fetch it) for each file: mirror, else config, else registry."""
        overrides = self.source(info.name).urls
        if self.mirror:
            return [(name, mirror_location(self.mirror, name)) for name, _ in info.downloads]
        return [(name, overrides.get(name, url)) for name, url in info.downloads]

    def archive_dir(self, db: Path) -> Path:
        return self.archive if self.archive is not None else Path(db).absolute().parent / "archive"


def mirror_location(mirror: str, name: str) -> str:
    if mirror.startswith(("http://", "https://")):
        return mirror.rstrip("/") + "/" + name
    return str(Path(mirror).expanduser() / name)


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


def default_config_path() -> Path:
    return Path(user_config_dir("sanctions", appauthor=False)) / "config.toml"


def load_settings(path: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Read the config file (if any) and apply SANCTIONS_MIRROR / SANCTIONS_ARCHIVE."""
    env = os.environ if env is None else env
    explicit = path or (Path(env["SANCTIONS_CONFIG"]) if env.get("SANCTIONS_CONFIG") else None)
    chosen = explicit or default_config_path()
    data: dict[str, Any] = {}
    if explicit is not None or chosen.is_file():
        try:
            data = tomllib.loads(chosen.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UsageError(f"{chosen}: config file not found") from None
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise UsageError(f"{chosen}: cannot read the config file: {exc}") from None
    settings = _from_toml(data, chosen)
    mirror = env.get("SANCTIONS_MIRROR") or settings.mirror
    archive = Path(env["SANCTIONS_ARCHIVE"]) if env.get("SANCTIONS_ARCHIVE") else settings.archive
    archive = archive.expanduser().absolute() if archive else None
    return Settings(
        settings.fetch,
        settings.sources,
        mirror,
        archive,
        chosen if data or explicit else None,
    )


def _table(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise UsageError(f"{where}: expected a table")
    return value


def _check_keys(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise UsageError(
            f"{where}: unknown key {unknown[0]!r}; expected one of {', '.join(sorted(allowed))}"
        )


def _number(value: object, where: str, *, integer: bool = False) -> float:
    ok = isinstance(value, int if integer else (int, float)) and not isinstance(value, bool)
    if not ok or value <= 0:  # type: ignore[operator]
        raise UsageError(f"{where}: expected a positive {'integer' if integer else 'number'}")
    return value  # type: ignore[return-value]


def _string(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{where}: expected a non-empty string")
    return value


def _from_toml(data: dict[str, Any], path: Path) -> Settings:
    _check_keys(data, {"fetch", "sources"}, str(path))
    fetch = _table(data.get("fetch", {}), f"{path}: [fetch]")
    where = f"{path}: [fetch]"
    _check_keys(
        fetch,
        {"timeout", "connect_timeout", "read_timeout", "retries", "backoff", "max_backoff"}
        | {"max_bytes", "user_agent", "mirror", "archive", "max_removed_share"},
        where,
    )
    defaults = FetchSettings()
    timeout = fetch.get("timeout")
    fs = FetchSettings(
        connect_timeout=_number(
            fetch.get("connect_timeout", timeout or defaults.connect_timeout),
            f"{where} connect_timeout",
        ),
        read_timeout=_number(
            fetch.get("read_timeout", timeout or defaults.read_timeout), f"{where} read_timeout"
        ),
        retries=int(
            _number(fetch.get("retries", defaults.retries), f"{where} retries", integer=True)
        ),
        backoff=_number(fetch.get("backoff", defaults.backoff), f"{where} backoff"),
        max_backoff=_number(fetch.get("max_backoff", defaults.max_backoff), f"{where} max_backoff"),
        max_bytes=parse_size(fetch.get("max_bytes", defaults.max_bytes), f"{where} max_bytes"),
        user_agent=_string(fetch.get("user_agent", defaults.user_agent), f"{where} user_agent"),
        max_removed_share=_number(
            fetch.get("max_removed_share", defaults.max_removed_share),
            f"{where} max_removed_share",
        ),
    )
    if timeout is not None:
        _number(timeout, f"{where} timeout")
    mirror = _string(fetch["mirror"], f"{where} mirror") if "mirror" in fetch else None
    archive = Path(_string(fetch["archive"], f"{where} archive")) if "archive" in fetch else None

    sources: dict[str, SourceSettings] = {}
    for name, raw in _table(data.get("sources", {}), f"{path}: [sources]").items():
        where = f"{path}: [sources.{name}]"
        if name not in SOURCES:
            raise UsageError(
                f"{where}: unknown source; known sources: {', '.join(sorted(SOURCES))}"
            )
        table = _table(raw, where)
        _check_keys(table, {"enabled", "urls"}, where)
        enabled = table.get("enabled", True)
        if not isinstance(enabled, bool):
            raise UsageError(f"{where} enabled: expected true or false")
        urls = _table(table.get("urls", {}), f"{where} urls")
        known = {file for file, _ in SOURCES[name].downloads}
        for file, url in urls.items():
            if file not in known:
                expected = ", ".join(sorted(known)) or "none: this source has no downloads"
                raise UsageError(f"{where} urls: unknown file {file!r}; files: {expected}")
            _string(url, f"{where} urls.{file}")
        sources[name] = SourceSettings(enabled, dict(urls))
    return Settings(fs, sources, mirror, archive, path)
