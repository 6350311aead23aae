"""The one loader of the domain tables under `sanctions/resources/` (commented YAML)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load_resource(name: str) -> Any:
    """Parse `resources/<name>.yml` once per process."""
    text = resources.files("sanctions").joinpath("resources", f"{name}.yml").read_text("utf-8")
    return yaml.safe_load(text)


@cache
def honorifics() -> frozenset[str]:
    return frozenset(load_resource("honorifics")["honorifics"])


@cache
def particles() -> dict[str, str]:
    """Each particle spelling -> its canonical form ("ibn" -> "bin")."""
    table: dict[str, str] = {}
    for canonical, spellings in load_resource("particles")["particles"].items():
        table[canonical] = canonical
        for spelling in spellings:
            table[spelling] = canonical
    return table


@cache
def name_variants() -> dict[str, str]:
    """Each given-name spelling -> the canonical spelling of its group."""
    table: dict[str, str] = {}
    for group in load_resource("name_variants")["groups"]:
        for spelling in group:
            table.setdefault(spelling, group[0])
    return table


@cache
def arabic_letters() -> dict[int, str]:
    """str.translate table for Arabic-script letters."""
    return {ord(char): latin for char, latin in load_resource("arabic")["letters"].items()}
