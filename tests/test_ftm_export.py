"""Our FtM export as the `followthemoney` library reads it, for every source with real data:
known schemata, only the properties those schemata define, values of the right type, Sanction
entities linked to their target; and export -> followthemoney -> our FtM reader round trips."""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from followthemoney import model
from typer.testing import CliRunner

from sanctions.cli import app
from sanctions.model import Entity, ftm_schemata
from sanctions.sources.detect import open_publication, plan_inputs
from sanctions.sources.ftm import parse_ftm

# source -> its real files under ../shared/data (as tests/test_all_sources.py loads them)
SOURCES = {
    "ofac-sdn": ["ofac/sdn.csv", "ofac/add.csv", "ofac/alt.csv", "ofac/sdn_comments.csv"],
    "ofac-cons": [
        "ofac/cons_prim.csv",
        "ofac/cons_add.csv",
        "ofac/cons_alt.csv",
        "ofac/cons_comments.csv",
    ],
    "un-sc": ["un/consolidated.xml"],
    "eu-journal": ["eu/journal_sanctions"],
    "uk-ofsi": ["uk/ofsi_conlist_excerpt.csv"],
    "us-csl": ["us_csl/csl.csv"],
    "opensanctions": ["opensanctions/t1.entities.ftm.json"],
    "opensanctions-zala": ["opensanctions/zala.entities.ftm.json"],
    "opensanctions-senzing": ["opensanctions/us_congress_senzing.json"],
}
# Phone numbers the EU journal prints with an international prefix that is not one ("+8 800
# ...", Russian trunk prefix) or cut short: our shape check keeps them, followthemoney's
# phonenumbers check drops them. Measured; the test fails if the count grows.
KNOWN_REJECTS = {"eu-journal": 62}


@cache
def entities(source: str, data_dir: Path) -> list[Entity]:
    [inputs] = plan_inputs([data_dir / p for p in SOURCES[source]])
    return list(open_publication(inputs).entities)


def rejections(lines: list[dict[str, Any]]) -> tuple[Counter[str], Counter[str], Counter[str]]:
    """(unknown schemata, unknown schema.property, rejected values per schema.property)."""
    schemata: Counter[str] = Counter()
    props: Counter[str] = Counter()
    values: Counter[str] = Counter()
    for data in lines:
        schema = model.get(data["schema"])
        if schema is None:
            schemata[data["schema"]] += 1
            continue
        proxy = model.get_proxy(data, cleaned=False)
        for prop, items in data["properties"].items():
            spec = schema.get(prop)
            if spec is None or spec.stub:
                props[f"{schema.name}.{prop}"] += 1
                continue
            for value in items:
                if spec.type.clean(value, proxy=proxy) is None:
                    values[f"{schema.name}.{prop}"] += 1
    return schemata, props, values


def test_the_packaged_property_table_is_followthemoneys() -> None:
    for name, props in ftm_schemata().items():
        schema = model.get(name)
        assert schema is not None
        expected = {p: s.type.name for p, s in schema.properties.items() if not s.stub}
        assert props == expected, name


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_every_exported_entity_is_valid_ftm(source: str, data_dir: Path) -> None:
    listed = entities(source, data_dir)
    assert listed
    lines = [line for entity in listed for line in entity.ftm_lines()]
    schemata, props, values = rejections(lines)
    assert not schemata and not props, (schemata, props)
    assert sum(values.values()) <= KNOWN_REJECTS.get(source, 0), values
    assert set(values) <= {"LegalEntity.phone", "Company.phone", "LegalEntity.email"}
    # the API's entity JSON: the same properties, our ids
    api_schemata, api_props, _ = rejections([e.to_ftm() for e in listed[:500]])
    assert not api_schemata and not api_props
    # every Sanction points at the entity exported just before it, flagged by topic
    by_id = {line["id"]: line for line in lines}
    sanctions = [line for line in lines if line["schema"] == "Sanction"]
    for sanction in sanctions:
        [target] = sanction["properties"]["entity"]
        assert "sanction" in by_id[target]["properties"]["topics"]
        proxy = model.get_proxy(sanction, cleaned=False)
        assert proxy.get("entity") == [target]  # an FtM-valid reference


def test_our_own_fields_land_on_the_sanction_or_the_extension(data_dir: Path) -> None:
    csl = [e.to_ftm() for e in entities("us-csl", data_dir)]
    sanction_props = Counter(
        p for e in csl for s in e.get("sanctions", []) for p in s["properties"]
    )
    assert sanction_props["authority"] and sanction_props["summary"]  # sourceList, FR notice
    assert sanction_props["provisions"] and sanction_props["endDate"]  # licence texts, end date
    un = [e.to_ftm() for e in entities("un-sc", data_dir)]
    assert all(s["properties"]["unscId"] for e in un for s in e["sanctions"])
    sdn = [e.to_ftm() for e in entities("ofac-sdn", data_dir)]
    extra = Counter(p for e in sdn for p in e.get("extra", {}))
    assert extra["cryptoWallet"] and extra["associate"] and extra["operator"]


def round_trip(listed: list[Entity], tmp_path: Path) -> dict[str, Entity]:
    """Export, read each line with followthemoney and write what it gives back, read that
    with our FtM reader; keyed by our original ids."""
    path = tmp_path / "export.ftm.json"
    with path.open("w", encoding="utf-8") as handle:
        for entity in listed:
            for line in entity.ftm_lines():
                proxy = model.get_proxy(line, cleaned=False)
                handle.write(json.dumps(proxy.to_dict(), ensure_ascii=False) + "\n")
    back = parse_ftm(path, source="rt").entities
    return {e.id.removeprefix("rt:").replace(".", ":", 1): e for e in back}


def cleaned(entity: Entity) -> dict[str, Any]:
    """The entity as followthemoney holds it after reading our export."""
    data = model.get_proxy(entity.ftm_lines()[0], cleaned=False).to_dict()
    return {"schema": data["schema"], "properties": data["properties"]}


@pytest.mark.parametrize("source", ["ofac-sdn", "un-sc"])
def test_export_followthemoney_reader_round_trip(
    source: str, data_dir: Path, tmp_path: Path
) -> None:
    listed = entities(source, data_dir)
    back = round_trip(listed, tmp_path)
    assert set(back) == {e.id for e in listed}
    for entity in listed:
        again = back[entity.id]
        assert cleaned(again) == cleaned(entity), entity.id
        assert again.caption == entity.caption
        # names compare as followthemoney cleans them (it drops quotes around a name)
        assert len(again.names) <= len(entity.names)
        assert again.get("listingDate") == entity.get("listingDate")  # back from the Sanction


def test_cli_export_is_valid_ftm(tmp_path: Path, data_dir: Path) -> None:
    runner = CliRunner()
    db, out = str(tmp_path / "s.db"), tmp_path / "uk.ftm.json"
    loaded = runner.invoke(app, ["load", str(data_dir / SOURCES["uk-ofsi"][0]), "--db", db])
    assert loaded.exit_code == 0, loaded.stderr
    result = runner.invoke(
        app, ["export", "uk-ofsi", "--format", "ftm", "-o", str(out), "--db", db]
    )
    assert result.exit_code == 0, result.stderr
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert Counter(line["schema"] for line in lines) == {
        "Person": 32,
        "Organization": 9,
        "Sanction": 41,
    }
    assert rejections(lines) == (Counter(), Counter(), Counter())
