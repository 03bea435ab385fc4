from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = REPO / "schemas"
SAMPLE = REPO / "sample_data"
DATA = Path(__file__).resolve().parent / "data"
# shared/ sits beside the checkout (../shared); CI clones main with shared/ beside it.
CONFORMANCE = REPO.parent / "shared" / "conformance"
# The smallest config the CLI tests start from (and mutate): a STRATEGIC campaign with one
# persona phone, for a file with Customer ID, Phone and Mobile columns.
STRATEGIC_CONFIG = """
[account]
default_region = "US"
[[account.personas]]
phone_id = 2
label = "Mobile Phone"
[campaign]
calling_configuration = "STRATEGIC"
[mapping.columns]
EXTERN_ID = "Customer ID"
LEAD_PHONE = "Phone"
[mapping.additional_phones]
2 = "Mobile"
"""


def validate_against(schema_name: str, document: Any) -> None:
    schema = json.loads((SCHEMAS / f"{schema_name}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(document)


def bodies_in(directory: Path, pattern: str, schema_name: str) -> list[Any]:
    """The JSON request bodies in `directory` matching `pattern`, in name order, each checked
    against its schema."""
    bodies = []
    for path in sorted(directory.glob(pattern)):
        body = json.loads(path.read_text(encoding="utf-8"))
        validate_against(schema_name, body)
        bodies.append(body)
    return bodies


def convert_in(tmp_path: Path, csv_text: str, config_text: str, output_format: str) -> Path:
    """Write the lead file and the config under tmp_path, convert; the output directory."""
    import leadprep

    src = tmp_path / "leads.csv"
    src.write_text(csv_text, encoding="utf-8")
    cfg = tmp_path / "leadprep.toml"
    cfg.write_text(config_text, encoding="utf-8")
    out = tmp_path / "out"
    leadprep.convert(src, cfg, out, output_format=output_format)  # type: ignore[arg-type]
    return out


@pytest.fixture
def write_file(tmp_path: Path):  # type: ignore[no-untyped-def]
    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return path

    return write
