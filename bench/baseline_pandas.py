"""Contender 2, the per-row baseline: what a user would write without leadprep.

    python bench/baseline_pandas.py FILE --out OUT [--result RESULT.json]

pandas reads the file as text, then every row goes through phonenumbers one value at a time:
the primary phone must parse and be valid (`is_valid_number`) for region US, else the row is
rejected; Mobile and Work Phone are kept as E.164 when valid and dropped otherwise. A primary
whose E.164 already appeared on an earlier kept row is rejected (REMOVE_FROM_LIST). Leads are
written in batches of 1000 as leadLoader request bodies to OUT/batches/baseline-NNNNN.json.

The semantics are written to match leadprep's for this file (bench/leadprep.toml): values are
trimmed, an empty value is missing, a row without an external ID or primary phone is rejected,
a pipe-delimited primary is rejected and a pipe-delimited persona phone dropped, and empty
fields are omitted from the lead. It deliberately does not import leadprep.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

import pandas as pd
import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

REGION = "US"
BATCH_SIZE = 1000
LOAD_OPTIONS = {
    "description": "leadprep benchmark",
    "dialPriority": "NORMAL",
    "duplicateHandling": "REMOVE_FROM_LIST",
    "listState": "ACTIVE",
    "timeZoneOption": "NOT_APPLICABLE",
}
PERSONAS = {"Mobile": "Mobile Phone", "Work Phone": "Work Phone"}
TEXT_FIELDS = (("firstName", "First Name"), ("lastName", "Last Name"), ("city", "City"),
               ("state", "State"), ("zip", "Zip"), ("email", "Email"))


def parse_valid(value: str) -> phonenumbers.PhoneNumber | None:
    """The number when phonenumbers parses it and calls it valid, else None."""
    try:
        number = phonenumbers.parse(value, REGION)
    except NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def write_batch(out: Path, index: int, leads: list[dict[str, object]]) -> None:
    body = {**LOAD_OPTIONS, "uploadLeads": leads}
    with open(out / f"baseline-{index:05d}.json", "w", encoding="utf-8") as f:
        json.dump(body, f, ensure_ascii=False)


def convert(path: Path, out_dir: Path) -> dict[str, object]:
    batches = out_dir / "batches"
    batches.mkdir(parents=True, exist_ok=True)
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    col = {name: i for i, name in enumerate(df.columns)}
    reasons: Counter[str] = Counter()
    seen_e164: set[str] = set()
    batch: list[dict[str, object]] = []
    n_batches = 0
    accepted = 0
    for row in df.itertuples(index=False, name=None):
        extern_id = row[col["Customer ID"]].strip()
        phone = row[col["Phone"]].strip()
        if not extern_id:
            reasons["MISSING_EXTERN_ID"] += 1
            continue
        if not phone:
            reasons["MISSING_PRIMARY_PHONE"] += 1
            continue
        if "|" in phone:
            reasons["PIPE_DELIMITED_PRIMARY"] += 1
            continue
        number = parse_valid(phone)
        if number is None:
            reasons["INVALID_PRIMARY_PHONE"] += 1
            continue
        e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
        if e164 in seen_e164:
            reasons["DUPLICATE_PRIMARY_IN_FILE"] += 1
            continue
        seen_e164.add(e164)

        lead: dict[str, object] = {
            "externId": extern_id,
            "leadPhone": phonenumbers.national_significant_number(number),
            "leadPhoneE164": e164,
        }
        for field, header in TEXT_FIELDS:
            value = row[col[header]].strip()
            if value:
                lead[field] = value
        segment = row[col["Segment"]].strip()
        if segment:
            lead["extendedLeadData"] = {"segment": segment}
        personas: dict[str, str] = {}
        for header, label in PERSONAS.items():
            value = row[col[header]].strip()
            if not value or "|" in value:
                continue
            persona = parse_valid(value)
            if persona is not None:
                personas[label] = phonenumbers.format_number(persona, PhoneNumberFormat.E164)
        if personas:
            lead["personaPhoneConfig"] = personas

        batch.append(lead)
        accepted += 1
        if len(batch) == BATCH_SIZE:
            n_batches += 1
            write_batch(batches, n_batches, batch)
            batch = []
    if batch:
        n_batches += 1
        write_batch(batches, n_batches, batch)
    return {
        "rows_read": len(df),
        "accepted": accepted,
        "rejected": sum(reasons.values()),
        "reasons": dict(reasons.most_common()),
        "batches": n_batches,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--result", type=Path)
    args = parser.parse_args()
    t0 = time.perf_counter()
    counts = convert(args.file, args.out)
    counts["seconds"] = round(time.perf_counter() - t0, 4)
    text = json.dumps(counts, indent=2)
    if args.result:
        args.result.write_text(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
