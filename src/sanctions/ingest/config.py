"""Reading the download settings file, checked against the source registry.

The settings themselves, their defaults and the environment live in `sanctions.settings`;
this module turns a TOML file into them. The file is `--config FILE`, else
`SANCTIONS_CONFIG`, else `config.toml` in the user config directory
(`~/.config/sanctions/` on Linux) when it exists:

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
    expected_every = "1d"   # stale when older (default: the publisher's cadence, see
                            # `sanctions sources`; OFAC, UN, EU, UK daily, others weekly)

Unknown keys are errors, so a typo does not silently fall back to a default.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..settings import (
    FetchSettings,
    Settings,
    SourceSettings,
    default_config_path,
    download_env,
    parse_duration,
    parse_size,
)
from ..sources.registry import SOURCES


def load_settings(path: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Read the config file (if any) and apply SANCTIONS_MIRROR / SANCTIONS_ARCHIVE."""
    from_env = download_env(env)
    explicit = path or from_env.config
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
    mirror = from_env.mirror or settings.mirror
    archive = from_env.archive or settings.archive
    archive = archive.expanduser().absolute() if archive else None
    return Settings(
        settings.fetch,
        settings.sources,
        mirror,
        archive,
        chosen if data or explicit else None,
        {name: info.default for name, info in SOURCES.items()},
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
        _check_keys(table, {"enabled", "urls", "expected_every"}, where)
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
        every = table.get("expected_every")
        if every is not None:
            every = parse_duration(_string(every, f"{where} expected_every"))
        sources[name] = SourceSettings(enabled, dict(urls), every)
    return Settings(fs, sources, mirror, archive, path)
