"""The JSON Schemas: generated from the types, valid draft 2020-12, up to date in docs/schema/, and strict
enough that an output and its type cannot drift apart unnoticed."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import msgspec
import pytest

from tenken.commands.schema import NAMES, text
from tenken.facts import SCHEMA_VERSION, DeviceFacts
from tenken.report.schema import DOCUMENTS, FactsDoc, Version, schema
from tests.conftest import run_cli
from tests.schemas import check_json, validator

DOCS = Path(__file__).resolve().parents[2] / "docs" / "schema"


@pytest.mark.parametrize("name", NAMES)
def test_the_files_in_docs_are_up_to_date(name: str) -> None:
    path = DOCS / f"{name}.schema.json"
    assert path.read_text(encoding="utf-8") == text(name), f"run `tenken schema --out docs/schema` ({name})"


def test_every_document_has_a_schema_file_and_the_current_version() -> None:
    assert set(NAMES) == set(DOCUMENTS) == {path.name.removesuffix(".schema.json") for path in DOCS.iterdir()}
    assert Version.__args__ == (SCHEMA_VERSION,)  # type: ignore[attr-defined]
    for name in NAMES:
        found = schema(name)
        assert found["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        jsonschema.Draft202012Validator.check_schema(found)


def test_facts_follow_device_facts() -> None:
    assert list(FactsDoc.__struct_fields__) == [name for name, _ in DeviceFacts(ref=None).facts()]  # type: ignore[arg-type]


def test_tenken_schema_prints_one(tmp_path: Path) -> None:
    shown = run_cli(["schema", "export-row"], {})
    assert shown.exit_code == 0 and json.loads(shown.stdout)["title"] == "tenken export-row"
    assert run_cli(["schema"], {}).exit_code == 64
    written = run_cli(["schema", "--out", str(tmp_path)], {})
    assert written.exit_code == 0 and len(list(tmp_path.glob("*.schema.json"))) == len(NAMES)


def test_a_key_nobody_declared_or_a_wrong_value_is_caught() -> None:
    document = {
        "schema_version": SCHEMA_VERSION,
        "imeis": [
            {
                "imei": "12345",
                "status": "invalid",
                "registered_at": [],
                "unread": [],
                "summary": {"code": "imei.invalid", "params": {}, "text": "5 digits"},
                "results": [],
                "input": {"where": "argument 1", "text": "12345"},
            }
        ],
    }
    check_json("lookup", json.dumps(document))
    extra = copy.deepcopy(document)
    extra["imeis"][0]["sold_by"] = []  # type: ignore[index]
    wrong = copy.deepcopy(document)
    wrong["imeis"][0]["status"] = "clean-ish"  # type: ignore[index]
    for bad in (extra, wrong):
        with pytest.raises(jsonschema.ValidationError):
            validator("lookup").validate(bad)
        with pytest.raises(msgspec.ValidationError):
            msgspec.convert(bad, DOCUMENTS["lookup"], strict=True)
