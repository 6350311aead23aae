"""Every list parser, and format detection, fed mutated real list files (fixed CI budget).

The property (fuzzing.fuzz): a parser either reads the file to its end or raises one of our
own errors naming the file; any other exception fails the test, and hypothesis shrinks the
input to a minimal one. benchmarks/fuzz.py runs the same targets for longer.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzzing import Target, check_seeds, fuzz
from targets import LISTS

from sanctions.errors import FormatError, ParseError
from sanctions.sources.detect import plan_inputs
from sanctions.sources.ftm import parse_ftm


@pytest.mark.parametrize("target", LISTS, ids=lambda t: t.name)
def test_list_parser_reads_or_refuses_mutated_real_files(target: Target) -> None:
    fuzz(target)


@pytest.mark.parametrize("target", LISTS, ids=lambda t: t.name)
def test_list_seeds_are_valid_publications(target: Target) -> None:
    check_seeds(target)


# -- crashes the fuzzing found, as plain regression tests -----------------------------------
DEEP = b"[" * 5000 + b"]" * 5000


def test_ftm_entity_nested_too_deeply_is_a_parse_error_naming_its_line(tmp_path: Path) -> None:
    """Found by fuzzing: json.loads raises RecursionError past ~1000 nested brackets."""
    path = tmp_path / "entities.ftm.json"
    path.write_bytes(
        b'{"id": "x", "schema": "Person", "properties": {"name": ["Viktor Bout"]}}\n'
        b'{"id": "y", "schema": "Person", "properties": {"name": ' + DEEP + b"}}\n"
    )
    with pytest.raises(ParseError, match="nested too deeply") as caught:
        list(parse_ftm(path).entities)
    assert (caught.value.path, caught.value.line) == (str(path), 2)


def test_detecting_json_nested_too_deeply_is_a_format_error(tmp_path: Path) -> None:
    """Found by fuzzing: format detection decoded the first line and let RecursionError out."""
    path = tmp_path / "entities.json"
    path.write_bytes(b'{"id": "y", "schema": "Person", "properties": ' + DEEP + b"}\n")
    with pytest.raises(FormatError, match="JSON is not") as caught:
        plan_inputs([path])
    assert caught.value.path == str(path)
